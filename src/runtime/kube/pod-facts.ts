import { KubePod } from './kube-types';
import { RolloutKeys } from '../../keys';

/**
 * The container waiting reasons kubectl's Deployment status viewer warns about (`appendWarning` in
 * `rollout_status.go`), in its order.
 */
export const WARNING_WAITING_REASONS: readonly string[] = [
  'ImagePullBackOff', 'ErrImagePull', 'CrashLoopBackOff', 'CreateContainerConfigError', 'CreateContainerError',
];

/** Why a pod cannot make progress, as shown next to it in status output. */
export interface PodProblem {
  /** A Kubernetes reason: `Unschedulable`, `ImagePullBackOff`, `CrashLoopBackOff`, `Failed`, ... */
  readonly reason: string;
  /** The message the scheduler or kubelet attached, if any. */
  readonly message: string;
  /** The container the reason belongs to, for container states. */
  readonly container?: string;
}

/** The pod's name. */
export function podName(pod: KubePod): string {
  return pod.metadata.name ?? '';
}

/** The revision label (`controller-revision-hash`) of a pod, or undefined when the pod has none. */
export function podRevision(pod: KubePod): string | undefined {
  return pod.metadata.labels?.[RolloutKeys.CONTROLLER_REVISION_HASH_LABEL];
}

/**
 * The ordinal of a StatefulSet pod, read from its name the way the StatefulSet controller does (`getParentNameAndOrdinal`:
 * `<set>-<ordinal>`); undefined for a pod that does not belong to `setName`.
 */
export function statefulSetPodOrdinal(pod: KubePod, setName: string): number | undefined {
  const name = podName(pod);
  const match = /^(.*)-([0-9]+)$/.exec(name);
  if (!match || match[1] !== setName) {
    return undefined;
  }
  return Number(match[2]);
}

/** Whether the pod has a deletion timestamp (it is shutting down and will be replaced). */
export function isPodTerminating(pod: KubePod): boolean {
  return Boolean(pod.metadata.deletionTimestamp);
}

/** Whether the pod's `Ready` condition is `True`. */
export function isPodReady(pod: KubePod): boolean {
  return readyCondition(pod)?.status === 'True';
}

/** When the pod last became Ready (ms since the epoch), or undefined when it is not Ready. */
export function podReadySince(pod: KubePod): number | undefined {
  const condition = readyCondition(pod);
  if (condition?.status !== 'True' || !condition.lastTransitionTime) {
    return undefined;
  }
  const time = Date.parse(condition.lastTransitionTime);
  return Number.isNaN(time) ? undefined : time;
}

/**
 * Whether the pod is Available: Ready for at least `minReadySeconds`, exactly as upstream `podutil.IsPodAvailable`
 * decides (`lastTransitionTime + minReadySeconds` strictly before now).
 */
export function isPodAvailable(pod: KubePod, minReadySeconds: number, now: number): boolean {
  if (!isPodReady(pod)) {
    return false;
  }
  if (minReadySeconds <= 0) {
    return true;
  }
  const since = podReadySince(pod);
  return since !== undefined && since + minReadySeconds * 1000 < now;
}

/** The sum of the restart counts of the pod's containers and init containers. */
export function podRestartCount(pod: KubePod): number {
  const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
  return statuses.reduce((sum, status) => sum + (status.restartCount ?? 0), 0);
}

/** The name of the node the pod is bound to, if any. */
export function podNodeName(pod: KubePod): string | undefined {
  return pod.spec?.nodeName;
}

/**
 * The reasons a pod cannot run, in the order kubectl's `appendWarning` checks them: an `Unschedulable` scheduling
 * condition first, then containers waiting for one of {@link WARNING_WAITING_REASONS}; a `Failed` phase last.
 */
export function podProblems(pod: KubePod): PodProblem[] {
  const problems: PodProblem[] = [];
  for (const condition of pod.status?.conditions ?? []) {
    if (condition.type === 'PodScheduled' && condition.status === 'False' && condition.reason === 'Unschedulable') {
      problems.push({ reason: 'Unschedulable', message: condition.message ?? '' });
    }
  }
  const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
  for (const status of statuses) {
    const waiting = status.state?.waiting;
    if (waiting?.reason && WARNING_WAITING_REASONS.includes(waiting.reason)) {
      problems.push({ reason: waiting.reason, message: waiting.message ?? '', container: status.name });
    }
  }
  if (pod.status?.phase === 'Failed') {
    problems.push({ reason: 'Failed', message: 'the pod has terminated in phase Failed' });
  }
  return problems;
}

/** `ImagePullBackOff - Back-off pulling image "x"` or just the reason when there is no message. */
export function formatProblem(problem: PodProblem): string {
  return problem.message ? `${problem.reason} - ${problem.message}` : problem.reason;
}

function readyCondition(pod: KubePod) {
  return pod.status?.conditions?.find((condition) => condition.type === 'Ready');
}
