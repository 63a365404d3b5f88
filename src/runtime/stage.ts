// `kubectl-stage stage`: pin a StatefulSet's partition so the next template change is staged, not rolled. The pin is
// PartitionPlan.STAGED_PARTITION (32767), which stays above any replica count a scale-up reaches, so new pods keep
// the current revision too.
import { RolloutKeys } from '../keys';
import { PartitionPlan } from '../partition-plan';
import { KubeStatefulSet } from './kube-types';
import { decodePromotionState, TERMINAL_PHASES } from './promotion-state';
import { RuntimeError } from './runtime-error';
import { isOnDelete, physicalPartition } from './statefulset-facts';

/** What `stage` does. */
export type StageDecision =
  | { readonly action: 'already-staged'; readonly message: string }
  | { readonly action: 'patch'; readonly patch: unknown; readonly message: string };

/**
 * Decides how to stage a StatefulSet: a merge patch setting the pinned partition (with the read resourceVersion as
 * precondition, so a concurrent change is never overwritten), or nothing when it is pinned already.
 *
 * @throws RuntimeError (`bad-input`) for OnDelete StatefulSets and while a promotion is in progress
 */
export function decideStage(sts: KubeStatefulSet): StageDecision {
  const name = sts.metadata.name ?? '';
  const where = `statefulset/${name}`;
  if (isOnDelete(sts)) {
    throw new RuntimeError('bad-input', `${where} uses the OnDelete update strategy, which has no partition to pin: `
      + 'set spec.updateStrategy.type to RollingUpdate (StatefulSetRollout.staged() does) to stage updates');
  }
  const state = decodePromotionState(sts.metadata.annotations?.[RolloutKeys.STATE_ANNOTATION], where);
  if (state && !TERMINAL_PHASES.includes(state.phase)) {
    throw new RuntimeError('bad-input', `a promotion of ${where} is in progress (phase ${state.phase}, step ${state.step}): `
      + `staging now would fight it; pause it with "kubectl-stage pause sts/${name}" or end it with "kubectl-stage abort sts/${name}"`);
  }
  const pinned = PartitionPlan.STAGED_PARTITION;
  if (physicalPartition(sts) === pinned) {
    return { action: 'already-staged', message: `already staged (partition ${pinned})` };
  }
  const status = sts.status ?? {};
  const frozen = status.updateRevision !== undefined && status.updateRevision !== status.currentRevision && (status.updatedReplicas ?? 0) > 0
    ? `; the rollout in progress stops where it is (${status.updatedReplicas} pods on revision ${status.updateRevision})` : '';
  return {
    action: 'patch',
    patch: {
      metadata: { resourceVersion: sts.metadata.resourceVersion },
      spec: { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: pinned } } },
    },
    message: `staged (partition ${pinned}): template changes roll no pod until promoted${frozen}`,
  };
}
