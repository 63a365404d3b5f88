// `kubectl rollout undo` for StatefulSets and DaemonSets (rollback.go's StatefulSetRollbacker and DaemonSetRollbacker,
// which are identical but for the kind): which revision to restore, whether the live template already is it, and the
// patch that restores it. Pure: the command sends the patch.
import { PartitionPlan } from '../../partition-plan';
import { KubeControllerRevision, KubePod, KubeStatefulSet, KubeWorkload } from '../kube/kube-types';
import { isPodTerminating, podName, podRevision } from '../kube/pod-facts';
import { revisionHash, revisionTemplate, templateMatchesRevision } from '../kube/revision-history';
import { isOnDelete, logicalPartition, physicalPartition, podsByOrdinal, startOrdinal } from '../kube/statefulset-facts';
import { WorkloadKind } from '../kube/workload-ref';
import { RuntimeError } from '../runtime-error';

/** kubectl's message after restoring a revision. */
export const ROLLED_BACK = 'rolled back';

/** kubectl's error when `--to-revision` was left at 0 and the workload has a single revision. */
export const NO_LAST_REVISION = 'no last revision to roll back to';

/** kubectl's error for a `--to-revision` that names no revision of the workload. */
export function revisionNotFoundMessage(toRevision: number): string {
  return `unable to find specified revision ${toRevision} in history`;
}

/** kubectl's message when the live template already is the requested revision. */
export function rollbackSkippedMessage(toRevision: number): string {
  return `skipped rollback (current template already matches revision ${toRevision})`;
}

/** What `undo` does. */
export type UndoDecision =
  /** Nothing to change: the live template is the revision already. */
  | { readonly action: 'skip'; readonly revision: KubeControllerRevision; readonly message: string }
  /** Send `patch` as a strategic merge patch to the workload; say `message` once it is accepted. */
  | { readonly action: 'patch'; readonly revision: KubeControllerRevision; readonly patch: unknown; readonly message: string };

/** How a StatefulSet's pods go back to the old revision. */
export type UndoMode =
  /** As kubectl: restore the template and let the controller roll every pod at once. */
  | 'all-at-once'
  /** Restore the template with the update staged (partition pinned), so a promotion walks it down the plan. */
  | 'through-plan';

/**
 * `findHistory`: revision 0 means the one before the latest (the second-highest number), anything else an exact match.
 *
 * @param revisions the workload's controlled revisions (see `controlledRevisions`)
 * @throws RuntimeError (`bad-input`) with kubectl's messages
 */
export function findUndoRevision(revisions: readonly KubeControllerRevision[], toRevision: number): KubeControllerRevision {
  if (!Number.isInteger(toRevision) || toRevision < 0) {
    throw new RuntimeError('bad-input', revisionNotFoundMessage(toRevision));
  }
  if (toRevision === 0) {
    if (revisions.length <= 1) {
      throw new RuntimeError('bad-input', NO_LAST_REVISION);
    }
    return [...revisions].sort((a, b) => a.revision - b.revision)[revisions.length - 2];
  }
  const found = revisions.find((revision) => revision.revision === toRevision);
  if (!found) {
    throw new RuntimeError('bad-input', revisionNotFoundMessage(toRevision));
  }
  return found;
}

/**
 * Decides an undo with kubectl's semantics: the revision to restore (`--to-revision`, 0 for the previous one), a skip
 * when the live template already matches it byte for byte, otherwise the revision's data as the strategic merge patch.
 * `through-plan` (StatefulSet only) adds the staged partition pin to the same patch, so no pod moves until promoted.
 *
 * @param kind the workload's kind
 * @param workload the live StatefulSet or DaemonSet
 * @param revisions its controlled revisions
 * @param toRevision `--to-revision`
 * @param mode how the pods go back (StatefulSets); DaemonSets always go back all at once
 * @throws RuntimeError (`bad-input`) with kubectl's messages, or when `through-plan` cannot apply
 */
export function decideUndo(
  kind: WorkloadKind, workload: KubeWorkload, revisions: readonly KubeControllerRevision[], toRevision: number, mode: UndoMode = 'all-at-once',
): UndoDecision {
  const revision = findUndoRevision(revisions, toRevision);
  if (templateMatchesRevision(workload, revision)) {
    return { action: 'skip', revision, message: rollbackSkippedMessage(toRevision) };
  }
  if (mode === 'all-at-once') {
    return { action: 'patch', revision, patch: revision.data, message: ROLLED_BACK };
  }
  if (kind !== 'StatefulSet') {
    throw new RuntimeError('bad-input', `undo --through-plan applies to StatefulSets only, not to ${kind}s`);
  }
  const sts = workload as KubeStatefulSet;
  const where = `statefulset/${sts.metadata.name ?? ''}`;
  if (isOnDelete(sts)) {
    throw new RuntimeError('bad-input',
      `${where} uses the OnDelete update strategy, which has no partition to stage: undo without --through-plan`);
  }
  return {
    action: 'patch',
    revision,
    patch: {
      spec: {
        template: { ...revisionTemplate(revision), $patch: 'replace' },
        updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: PartitionPlan.STAGED_PARTITION } },
      },
    },
    message: `${ROLLED_BACK} (staged: the template of revision ${revision.revision} is the update revision, no pod moved yet)`,
  };
}

/** The pods a StatefulSet's update strategy keeps off the revision an undo restored, and what moves them. */
export interface HeldPods {
  /** The pods, lowest ordinal first. */
  readonly pods: readonly string[];
  /** What holds them, what that means and what to run: one line for the person. */
  readonly message: string;
}

/**
 * The pods that restoring `revision` leaves where they are (pure): under RollingUpdate those below the partition
 * (all of them when the update is staged, as after an automatic rollback or a re-applied staged manifest), under
 * OnDelete every pod, unless already on the revision. kubectl says `rolled back` either way; this says that no pod (or
 * not every pod) moved, and how to move them. Undefined when every pod goes to the revision.
 *
 * @param sts the StatefulSet as read before the undo (its partition and strategy are what the undo keeps)
 * @param pods its pods
 * @param revision the revision the undo restores
 */
export function podsHeldFromRevision(sts: KubeStatefulSet, pods: readonly KubePod[], revision: KubeControllerRevision): HeldPods | undefined {
  const name = sts.metadata.name ?? '';
  const target = revisionHash('StatefulSet', revision);
  const onDelete = isOnDelete(sts);
  const below = startOrdinal(sts) + logicalPartition(sts);
  const held = [...podsByOrdinal(sts, pods)].sort(([a], [b]) => a - b)
    .filter(([ordinal, pod]) => (onDelete || ordinal < below) && !isPodTerminating(pod) && podRevision(pod) !== target)
    .map(([, pod]) => podName(pod));
  if (held.length === 0) {
    return undefined;
  }
  const what = onDelete ? 'the OnDelete update strategy moves pods only when they are deleted' : `partition ${physicalPartition(sts)} holds them`;
  const moved = held.length === pods.length ? 'no pod moved' : `${held.length} of ${pods.length} pods did not move`;
  const move = onDelete
    ? 'delete them one at a time to roll them ("kubectl delete pod NAME")'
    : `roll them along the plan with "kubectl-stage promote sts/${name}" ("undo --through-plan" restores and rolls in one go)`;
  return { pods: held, message: `${moved}: ${held.join(', ')} stay off the restored revision ${target} because ${what}; ${move}` };
}
