// Facts about a DaemonSet's pods (util/daemonset_util.go and update.go): which pods are at the
// current template, the old and new pod on a node during an update, and the maxUnavailable/maxSurge
// budgets (percentages of the desired node count, rounded up).
import { scaledValueFromIntOrPercent } from '../../../internal/int-or-percent';
import { DAEMONSET_TEMPLATE_GENERATION_ANNOTATION, POD_REVISION_LABEL, POD_TEMPLATE_GENERATION_LABEL } from '../../../internal/well-known-labels';
import type { KubeObject } from '../../api';

/** The DaemonSet's template generation, if the API recorded one (`GetTemplateGeneration`). */
export function templateGeneration(ds: KubeObject): string | undefined {
  const annotation = ds.metadata.annotations?.[DAEMONSET_TEMPLATE_GENERATION_ANNOTATION];
  if (annotation === undefined || !/^-?\d+$/.test(annotation)) {
    return undefined;
  }
  return String(Number.parseInt(annotation, 10));
}

/** Whether the pod runs the current template: same revision hash, or same template generation (`IsPodUpdated`). */
export function isPodUpdated(pod: KubeObject, hash: string, generation: string | undefined): boolean {
  const labels = pod.metadata.labels ?? {};
  const templateMatches = generation !== undefined && labels[POD_TEMPLATE_GENERATION_LABEL] === generation;
  const hashMatches = hash.length > 0 && labels[POD_REVISION_LABEL] === hash;
  return hashMatches || templateMatches;
}

/** The updated and the old non-deleted pod on a node, or undefined when there are several of either (`findUpdatedPodsOnNode`). */
export function updatedAndOldPodOnNode(
  pods: readonly KubeObject[], hash: string, generation: string | undefined,
): { newPod?: KubeObject; oldPod?: KubeObject } | undefined {
  let newPod: KubeObject | undefined;
  let oldPod: KubeObject | undefined;
  for (const pod of pods) {
    if (pod.metadata.deletionTimestamp) {
      continue;
    }
    if (isPodUpdated(pod, hash, generation)) {
      if (newPod) {
        return undefined;
      }
      newPod = pod;
    } else {
      if (oldPod) {
        return undefined;
      }
      oldPod = pod;
    }
  }
  return { newPod, oldPod };
}

/** maxUnavailable resolved against the desired node count, rounded up (`UnavailableCount`). */
export function unavailableCount(ds: KubeObject, desiredNumberScheduled: number): number {
  const strategy = ds.spec?.updateStrategy;
  if (strategy?.type !== 'RollingUpdate' || !strategy.rollingUpdate) {
    return 0;
  }
  return scaledValueFromIntOrPercent('spec.updateStrategy.rollingUpdate.maxUnavailable', strategy.rollingUpdate.maxUnavailable, desiredNumberScheduled, true);
}

/** maxSurge resolved against the desired node count, rounded up (`SurgeCount`). */
export function surgeCount(ds: KubeObject, desiredNumberScheduled: number): number {
  const strategy = ds.spec?.updateStrategy;
  if (strategy?.type !== 'RollingUpdate' || !strategy.rollingUpdate) {
    return 0;
  }
  return scaledValueFromIntOrPercent('spec.updateStrategy.rollingUpdate.maxSurge', strategy.rollingUpdate.maxSurge, desiredNumberScheduled, true);
}

/** Whether the update strategy surges (`AllowsSurge`). */
export function allowsSurge(ds: KubeObject): boolean {
  try {
    return surgeCount(ds, 1) !== 0;
  } catch {
    return false;
  }
}

/** Scheduled pods first, then oldest first, then by name (`podByCreationTimestampAndPhase`). */
export function compareByCreationAndPhase(a: KubeObject, b: KubeObject): number {
  const scheduled = Number(!a.spec?.nodeName) - Number(!b.spec?.nodeName);
  if (scheduled !== 0) {
    return scheduled;
  }
  const created = (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? '');
  return created !== 0 ? created : (a.metadata.name ?? '').localeCompare(b.metadata.name ?? '');
}
