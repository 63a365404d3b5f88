// The built-in gate of a StatefulSet promotion step: which ordinals the partition moves, and which of them are in the
// way (missing, on another revision, terminating, not Ready or not yet Available). One per-ordinal rule shared by the
// partition decision and `kubectl-stage status`, so the two cannot disagree.
import { KubePod, KubeStatefulSet } from '../kube/kube-types';
import { isPodTerminating, podName, podProblems, PodProblem, podRevision, formatProblem } from '../kube/pod-facts';
import { isGenerationObserved, logicalPartition, ordinalsToUpdate, podsByOrdinal } from '../kube/statefulset-facts';
import { BlockingPod, earliest, podAvailableAt, unavailableReason } from '../promotion/step-gate';

/** The result of the built-in gate of one promotion step. */
export interface StepGateResult {
  /** Whether every pod the step moved runs the update revision and is Ready and Available. */
  readonly passed: boolean;
  /** The logical partition the gate checked against. */
  readonly partition: number;
  /** The ordinals the partition moves to the update revision, highest first. */
  readonly ordinals: readonly number[];
  /** Set while the controller has not yet observed the latest spec. */
  readonly waitingForController?: string;
  /** The pods still in the way. */
  readonly blocking: readonly BlockingPod[];
  /**
   * The earliest time (ms since the epoch) at which a Ready pod becomes Available through `minReadySeconds` alone:
   * no watch event marks that moment, so the engine sets a timer for it instead of polling.
   */
  readonly recheckAt?: number;
}

/**
 * The built-in gate between promotion steps: the controller has observed the spec (`observedGeneration`), and every
 * pod at or above the partition exists, runs `status.updateRevision` (by its `controller-revision-hash` label), is
 * Ready, and is Available after `minReadySeconds`. Unlike `kubectl rollout status`, Ready pods of another revision
 * never count.
 */
export function evaluateStepGate(sts: KubeStatefulSet, pods: readonly KubePod[], now: number): StepGateResult {
  const partition = logicalPartition(sts);
  const ordinals = ordinalsToUpdate(sts, partition);
  const lag = statefulSetControllerLag(sts);
  const updateRevision = sts.status?.updateRevision;
  if (lag !== undefined || !updateRevision) {
    return { passed: false, partition, ordinals, blocking: [], waitingForController: lag };
  }
  const { blocking, recheckAt } = blockingOrdinals(sts, podsByOrdinal(sts, pods), ordinals, updateRevision, now);
  return { passed: blocking.length === 0, partition, ordinals, blocking, recheckAt };
}

/**
 * Why the StatefulSet controller has not caught up with the spec yet (the latest generation is not observed, or no
 * `status.updateRevision` is recorded), or undefined once it has: until then no one can judge the pods.
 */
export function statefulSetControllerLag(sts: KubeStatefulSet): string | undefined {
  if (!isGenerationObserved(sts)) {
    return `the StatefulSet controller has not observed generation ${sts.metadata.generation ?? 0} yet `
      + `(observedGeneration ${sts.status?.observedGeneration ?? 0})`;
  }
  return sts.status?.updateRevision ? undefined : 'the StatefulSet has no status.updateRevision yet';
}

/** The pods in the way of some ordinals of a StatefulSet, and when one of them may stop being in the way. */
export interface BlockingOrdinals {
  /** The pods that do not count yet, in the order of the ordinals asked about. */
  readonly blocking: readonly BlockingPod[];
  /**
   * The earliest time (ms since the epoch) at which a Ready pod on the update revision becomes Available through
   * `minReadySeconds` alone. @default none (no such pod)
   */
  readonly recheckAt?: number;
}

/**
 * Which of `ordinals` keep a StatefulSet from counting them as rolled out to `updateRevision`, and why: missing pods,
 * pods of another revision, terminating, not Ready or not yet Available pods. The one per-ordinal rule of the step
 * gate and of `kubectl-stage status`, so the two cannot disagree.
 *
 * @param byOrdinal the StatefulSet's pods indexed once by ordinal ({@link podsByOrdinal})
 * @param ordinals the ordinals to check, in the order the result lists them
 */
export function blockingOrdinals(
  sts: KubeStatefulSet, byOrdinal: ReadonlyMap<number, KubePod>, ordinals: readonly number[], updateRevision: string, now: number,
): BlockingOrdinals {
  const minReadySeconds = sts.spec.minReadySeconds ?? 0;
  const blocking: BlockingPod[] = [];
  let recheckAt: number | undefined;
  for (const ordinal of ordinals) {
    const pod = byOrdinal.get(ordinal);
    if (!pod) {
      blocking.push({ pod: `${sts.metadata.name ?? ''}-${ordinal}`, ordinal, reason: 'not created yet', problems: [] });
      continue;
    }
    const problems = podProblems(pod);
    const reason = blockingReason(pod, updateRevision, minReadySeconds, now, problems);
    if (reason) {
      blocking.push({ pod: podName(pod), ordinal, reason, problems });
    }
    if (reason && podRevision(pod) === updateRevision) {
      recheckAt = earliest(recheckAt, podAvailableAt(pod, minReadySeconds));
    }
  }
  return { blocking, recheckAt };
}

/** Why a pod that should run `updateRevision` does not count yet, or undefined when it counts. */
export function blockingReason(
  pod: KubePod, updateRevision: string, minReadySeconds: number, now: number, problems: readonly PodProblem[] = podProblems(pod),
): string | undefined {
  const detail = problems.length > 0 ? ` (${problems.map(formatProblem).join('; ')})` : '';
  if (isPodTerminating(pod)) {
    return 'terminating';
  }
  const revision = podRevision(pod);
  if (revision !== updateRevision) {
    return `on revision ${revision ?? '<none>'}, waiting to be replaced by ${updateRevision}${detail}`;
  }
  return unavailableReason(pod, minReadySeconds, now, problems);
}
