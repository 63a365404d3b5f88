// What keeps a step from completing, whatever the kind: the pods in the way and why, and when a Ready pod becomes
// Available. Each kind's gate (statefulset/statefulset-step-gate.ts, daemonset/daemonset-canary-step.ts) decides
// which pods a step covers and how a pod counts as on the update revision.
import { formatDuration } from '../duration';
import { KubePod } from '../kube/kube-types';
import { formatProblem, isPodAvailable, isPodReady, isPodTerminating, podProblems, PodProblem, podReadySince } from '../kube/pod-facts';

/** A pod that keeps a step from completing, and why. */
export interface BlockingPod {
  /** The pod's name (`kafka-2`), or the name it will have when it does not exist yet. */
  readonly pod: string;
  /** The StatefulSet ordinal, or undefined for a DaemonSet pod. */
  readonly ordinal?: number;
  /** The node, for a DaemonSet pod. */
  readonly node?: string;
  /** One sentence: `not Ready`, `on revision kafka-5d8f, waiting to be replaced by kafka-7b9c`, ... */
  readonly reason: string;
  /** Kubelet or scheduler problems seen on the pod (ImagePullBackOff, CrashLoopBackOff, Unschedulable ...). */
  readonly problems: readonly PodProblem[];
}

/** A pod in the way as a timeout names it: `web-2 not Ready`, `agent-x on node-1 not Ready`, `the pod on node-3 no daemon pod yet`. */
export function describeBlockingPod(blocking: BlockingPod): string {
  return `${blocking.pod || 'the pod'}${blocking.node === undefined ? '' : ` on ${blocking.node}`} ${blocking.reason}`;
}

/**
 * Why a pod already on the update revision does not count yet (not Ready, or Ready but not yet Available), or
 * undefined when it counts. Shared by the StatefulSet gate and the DaemonSet canary, which decide "on the update
 * revision" differently (DaemonSet pods also match by template generation).
 */
export function unavailableReason(
  pod: KubePod, minReadySeconds: number, now: number, problems: readonly PodProblem[] = podProblems(pod),
): string | undefined {
  const detail = problems.length > 0 ? ` (${problems.map(formatProblem).join('; ')})` : '';
  if (isPodTerminating(pod)) {
    return 'terminating';
  }
  if (!isPodReady(pod)) {
    return `not Ready${detail}`;
  }
  if (!isPodAvailable(pod, minReadySeconds, now)) {
    const readyFor = now - (podReadySince(pod) ?? now);
    return `Ready for ${formatDuration(readyFor)}, not yet Available (minReadySeconds ${minReadySeconds})`;
  }
  return undefined;
}

/**
 * When a Ready pod becomes Available through `minReadySeconds` alone (ms since the epoch), or undefined when it is
 * not Ready or `minReadySeconds` is 0: no watch event marks that moment, so callers set a timer for it.
 */
export function podAvailableAt(pod: KubePod, minReadySeconds: number): number | undefined {
  const readySince = podReadySince(pod);
  if (readySince === undefined || minReadySeconds <= 0) {
    return undefined;
  }
  // IsPodAvailable needs lastTransitionTime + minReadySeconds strictly before now, hence the extra millisecond.
  return readySince + minReadySeconds * 1000 + 1;
}

/** The earlier of two optional times. */
export function earliest(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined ? b : b === undefined ? a : Math.min(a, b);
}
