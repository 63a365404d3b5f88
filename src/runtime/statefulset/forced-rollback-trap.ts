// The forced-rollback trap (kubernetes/kubernetes#67250, "StatefulSet - can't rollback from a broken state"): under
// OrderedReady the StatefulSet controller waits for every unhealthy pod to become Ready before it deletes or creates
// anything, so a pod stuck on a broken revision (image pull error, crash loop...) is never replaced, not even after
// the template is reverted. The documented way out is to delete those pods by hand; this module says which.
import { KubePod, KubeStatefulSet } from '../kube/kube-types';
import { formatProblem, isPodReady, isPodTerminating, podName, podProblems, PodProblem, podRevision } from '../kube/pod-facts';
import { isGenerationObserved, isOnDelete, isOrderedReady, logicalPartition, podsByOrdinal, startOrdinal } from '../kube/statefulset-facts';

/** The upstream issue, named in every message so people can read why the runtime deletes pods. */
export const FORCED_ROLLBACK_ISSUE = 'kubernetes/kubernetes#67250';

/** A pod the controller waits for forever, and where it goes once deleted. */
export interface StuckPod {
  /** The pod's name. */
  readonly pod: string;
  /** Its uid: delete with this precondition so a replacement is never deleted by mistake. */
  readonly uid?: string;
  /** Its StatefulSet ordinal. */
  readonly ordinal: number;
  /** The revision it runs (`controller-revision-hash`). */
  readonly revision?: string;
  /** The revision the controller recreates it at. */
  readonly recreatedAt: string;
  /** What keeps it from becoming Ready. */
  readonly problems: readonly PodProblem[];
}

/** What the detector found. */
export interface ForcedRollbackTrap {
  /** Whether the StatefulSet is stuck and deleting {@link podsToDelete} gets it moving. */
  readonly trapped: boolean;
  /** Exactly the pods to delete, lowest ordinal first; empty when not trapped. */
  readonly podsToDelete: readonly StuckPod[];
  /** One sentence saying what was found (and, when trapped, which pods must go and why). */
  readonly message: string;
}

/**
 * Detects #67250 on a StatefulSet whose template was reverted (or moved on): under `OrderedReady` and `RollingUpdate`,
 * once the controller has observed the spec, every pod that is not Ready, not terminating, and runs a revision other
 * than the one the controller would recreate it at (`updateRevision` at or above the partition, `currentRevision` below
 * it) blocks the controller for good. Deleting such a pod costs no availability (it serves nothing) and lets the
 * controller recreate it at the right revision. A pod on the right revision that is not Ready is not the trap:
 * deleting it would bring back the same pod.
 */
export function detectForcedRollbackTrap(sts: KubeStatefulSet, pods: readonly KubePod[]): ForcedRollbackTrap {
  const where = `statefulset/${sts.metadata.name ?? ''}`;
  const notTrapped = (message: string): ForcedRollbackTrap => ({ trapped: false, podsToDelete: [], message });
  if (!isOrderedReady(sts)) {
    return notTrapped(`${where} uses podManagementPolicy Parallel: the controller replaces broken pods on its own`);
  }
  if (isOnDelete(sts)) {
    return notTrapped(`${where} uses the OnDelete update strategy: pods change revision only when deleted`);
  }
  if (!isGenerationObserved(sts)) {
    return notTrapped(`${where}: the controller has not observed the latest spec yet`);
  }
  const updateRevision = sts.status?.updateRevision;
  const currentRevision = sts.status?.currentRevision ?? updateRevision;
  if (!updateRevision || !currentRevision) {
    return notTrapped(`${where} has no status.updateRevision yet`);
  }
  const firstUpdated = startOrdinal(sts) + logicalPartition(sts);
  const stuck: StuckPod[] = [];
  for (const [ordinal, pod] of [...podsByOrdinal(sts, pods)].sort(([a], [b]) => a - b)) {
    const recreatedAt = ordinal >= firstUpdated ? updateRevision : currentRevision;
    if (isPodReady(pod) || isPodTerminating(pod) || podRevision(pod) === recreatedAt) {
      continue;
    }
    stuck.push({ pod: podName(pod), uid: pod.metadata.uid, ordinal, revision: podRevision(pod), recreatedAt, problems: podProblems(pod) });
  }
  if (stuck.length === 0) {
    return notTrapped(`${where} is not in the forced-rollback trap: no unready pod runs a revision the controller would replace`);
  }
  const described = stuck.map((entry) => {
    const problems = entry.problems.length > 0 ? `, ${entry.problems.map(formatProblem).join('; ')}` : '';
    return `${entry.pod} (revision ${entry.revision ?? '<none>'}, not Ready${problems}; recreated at ${entry.recreatedAt})`;
  });
  return {
    trapped: true,
    podsToDelete: stuck,
    message: `${where} is in the forced-rollback trap (${FORCED_ROLLBACK_ISSUE}): with podManagementPolicy OrderedReady `
      + `the controller waits for ${stuck.length === 1 ? 'this pod' : 'these pods'} to become Ready and never replaces `
      + `${stuck.length === 1 ? 'it' : 'them'}: ${described.join(', ')}. `
      + `Deleting ${stuck.length === 1 ? 'it' : 'them'} lets the controller recreate ${stuck.length === 1 ? 'it' : 'them'} `
      + 'at the right revision.',
  };
}
