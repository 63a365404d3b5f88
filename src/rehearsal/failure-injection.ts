// How `--fail POD-OR-NODE:MODE` breaks a rehearsal: a kubelet failure rule that selects only the new revision's pods
// (their controller-revision-hash), by pod name or by node, so the old release keeps running and a pod a rollback
// recreates under the same name starts normally.
import { RehearsalFailure } from './rehearsal-report';
import { ChangedWorkload } from './release-diff';
import { PodFailureMode } from '../internal/pod-failure-conventions';
import { POD_REVISION_LABEL } from '../internal/well-known-labels';
import { RuntimeError } from '../runtime/runtime-error';
import type { PodFailureRule } from '../sandbox/controllers';

const MODES: readonly string[] = Object.values(PodFailureMode);

/**
 * Checks every failure before the rehearsal starts: a known mode, and a target that is a node of the rehearsal or a
 * pod of a StatefulSet the new release changes (a DaemonSet's pods are named at random: target their node).
 *
 * @throws RuntimeError (`bad-input`) naming the failure and what would be valid
 */
export function validateFailures(failures: readonly RehearsalFailure[], nodes: readonly string[], workloads: readonly ChangedWorkload[]): void {
  const pods = workloads.flatMap(statefulSetPodNames);
  for (const { target, mode } of failures) {
    if (!MODES.includes(mode)) {
      throw new RuntimeError('bad-input', `failure ${target}:${mode}: unknown mode "${mode}" (expected one of ${MODES.join(', ')})`);
    }
    if (!nodes.includes(target) && !pods.includes(target)) {
      throw new RuntimeError('bad-input', `failure ${target}:${mode}: "${target}" is neither a node of the rehearsal (${nodes.join(', ')}) `
        + `nor a pod of a StatefulSet the new release changes (${pods.length > 0 ? pods.join(', ') : 'none'})`);
    }
  }
}

/**
 * The kubelet rules that make the failures of `workload`'s new revision happen: a failure on a node breaks the
 * workload's new pod there, a failure on a pod only that pod.
 *
 * @param nodes the rehearsal's nodes
 * @param revisionLabel the `controller-revision-hash` label value of the workload's update revision
 */
export function failureRulesFor(failures: readonly RehearsalFailure[], nodes: readonly string[], workload: ChangedWorkload,
  revisionLabel: string): PodFailureRule[] {
  const pods = statefulSetPodNames(workload);
  const labels = { [POD_REVISION_LABEL]: revisionLabel };
  return failures.flatMap(({ target, mode }): PodFailureRule[] => {
    if (nodes.includes(target)) {
      return [{ mode, namespace: workload.namespace, nodeName: target, labels }];
    }
    return pods.includes(target) ? [{ mode, namespace: workload.namespace, podName: target, labels }] : [];
  });
}

// The pods a StatefulSet of the new release has: `name-ordinal` from spec.ordinals.start, replicas of them.
function statefulSetPodNames(workload: ChangedWorkload): string[] {
  if (workload.kind !== 'StatefulSet') {
    return [];
  }
  const spec = workload.to.object.spec ?? {};
  const start: number = spec.ordinals?.start ?? 0;
  const replicas: number = spec.replicas ?? 1;
  return Array.from({ length: replicas }, (_, index) => `${workload.name}-${start + index}`);
}
