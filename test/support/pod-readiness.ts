// The one readiness check of the tests: a pod's Ready condition, as `kubectl get pods` counts READY.
import type { KubePod } from '../../src/runtime/kube/kube-types';
import type { KubeObject } from '../../src/sandbox/api';

/** Whether the pod's Ready condition is True (a terminating pod may still be Ready). */
export function isReady(pod: KubePod | KubeObject): boolean {
  return (pod.status?.conditions ?? []).some((condition: { type?: string; status?: string }) => condition.type === 'Ready' && condition.status === 'True');
}
