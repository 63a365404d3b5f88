// The pods/binding subresource (BindingREST.setPodNodeAndMetadata in pkg/registry/core/pod/storage/storage.go): a
// pending pod gets its node and a PodScheduled=True condition; a pod being deleted or already bound is a 409.
import { ApiError, KubeObject } from './api';
import { copy } from './object-copy';
import { rfc3339 } from './timestamps';

/** `pod` bound to `nodeName` at `nowMs` (a new object; `pod` is unchanged), or the 409 upstream returns. */
export function boundPod(pod: KubeObject, nodeName: string, nowMs: number): KubeObject {
  const name = pod.metadata.name!;
  if (pod.metadata.deletionTimestamp) {
    throw new ApiError(409, 'Conflict', `pod ${name} is being deleted, cannot be assigned to a host`, { name, kind: 'pods' });
  }
  if (pod.spec?.nodeName) {
    throw new ApiError(409, 'Conflict', `pod ${name} is already assigned to node "${pod.spec.nodeName}"`, { name, kind: 'pods' });
  }
  const bound = copy(pod);
  bound.spec.nodeName = nodeName;
  const conditions: Array<Record<string, unknown>> = (bound.status.conditions ?? []).filter((c: { type: string }) => c.type !== 'PodScheduled');
  conditions.push({ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: rfc3339(nowMs) });
  bound.status.conditions = conditions;
  return bound;
}
