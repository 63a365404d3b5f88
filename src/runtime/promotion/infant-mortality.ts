import { KubePod } from '../kube/kube-types';
import {
  formatProblem, isPodReady, isPodTerminating, podName, podProblems, podRestartCount, podRevision,
} from '../kube/pod-facts';

/** What a watched pod looked like when the soak began. */
export interface SoakBaselineEntry {
  readonly uid: string;
  readonly restarts: number;
}

/** The updated pods under watch during a soak, keyed by pod name. Stored in the state annotation so a resumed run keeps it. */
export type SoakBaseline = Record<string, SoakBaselineEntry>;

/** A sign of infant mortality on an updated pod. */
export interface InfantMortalitySign {
  readonly pod: string;
  /** `Restarted`, `CrashLoopBackOff`, `ImagePullBackOff`, `ErrImagePull`, `Unschedulable`, `NotReady` or `Replaced`. */
  readonly reason: string;
  readonly message: string;
}

// Waiting reasons that fail a soak at once. The step gate has already seen these pods Ready, so any of them means the
// new revision broke after starting.
const SOAK_FATAL_REASONS = ['CrashLoopBackOff', 'ImagePullBackOff', 'ErrImagePull', 'Unschedulable'];

// While a step is still waiting for its pods, only back-off states fail it early: they mean the kubelet has already
// retried and given up for now, whereas ErrImagePull or Unschedulable may clear on the next attempt or node.
const PROGRESS_FATAL_REASONS = ['CrashLoopBackOff', 'ImagePullBackOff'];

/** Records the uid and restart count of each pod the soak watches. */
export function soakBaseline(pods: readonly KubePod[]): SoakBaseline {
  const baseline: Record<string, SoakBaselineEntry> = {};
  for (const pod of pods) {
    baseline[podName(pod)] = { uid: pod.metadata.uid ?? '', restarts: podRestartCount(pod) };
  }
  return baseline;
}

/**
 * Infant-mortality detection over a soak window: for every pod in the baseline, a restart (restart count above the
 * baseline), a crash loop, an image pull error, an Unschedulable condition, the loss of readiness, or the pod being
 * deleted or replaced fails the step. Returns the signs found, empty when the soak may continue.
 */
export function detectInfantMortality(baseline: SoakBaseline, pods: readonly KubePod[]): InfantMortalitySign[] {
  const byName = new Map(pods.map((pod) => [podName(pod), pod]));
  const signs: InfantMortalitySign[] = [];
  for (const [name, entry] of Object.entries(baseline)) {
    const pod = byName.get(name);
    if (!pod || isPodTerminating(pod) || (entry.uid && pod.metadata.uid !== entry.uid)) {
      signs.push({ pod: name, reason: 'Replaced', message: `pod ${name} was deleted or replaced during the soak` });
      continue;
    }
    const restarts = podRestartCount(pod);
    if (restarts > entry.restarts) {
      signs.push({
        pod: name,
        reason: 'Restarted',
        message: `pod ${name} restarted during the soak (restart count ${entry.restarts} -> ${restarts})`,
      });
    }
    for (const problem of podProblems(pod)) {
      if (SOAK_FATAL_REASONS.includes(problem.reason)) {
        signs.push({ pod: name, reason: problem.reason, message: `pod ${name}: ${formatProblem(problem)}` });
      }
    }
    if (!isPodReady(pod)) {
      signs.push({ pod: name, reason: 'NotReady', message: `pod ${name} lost readiness during the soak` });
    }
  }
  return signs;
}

/**
 * Signs that an update revision is broken before its pods ever became Ready: a pod on `updateRevision` in
 * CrashLoopBackOff or ImagePullBackOff fails the step at once instead of waiting for the timeout.
 */
export function detectFailedStart(pods: readonly KubePod[], updateRevision: string): InfantMortalitySign[] {
  const signs: InfantMortalitySign[] = [];
  for (const pod of pods) {
    if (podRevision(pod) !== updateRevision || isPodTerminating(pod)) {
      continue;
    }
    for (const problem of podProblems(pod)) {
      if (PROGRESS_FATAL_REASONS.includes(problem.reason)) {
        signs.push({ pod: podName(pod), reason: problem.reason, message: `pod ${podName(pod)}: ${formatProblem(problem)}` });
      }
    }
  }
  return signs;
}
