// `kubectl-stage stage`: pin a StatefulSet's partition so the next template change is staged, not rolled. The pin is
// PartitionPlan.STAGED_PARTITION (32767), which stays above any replica count a scale-up reaches, so new pods keep
// the current revision too. A DaemonSet is staged by switching it to OnDelete (daemonset-canary-strategy.ts).
import { RolloutKeys } from '../../keys';
import { PartitionPlan } from '../../partition-plan';
import { PatchType } from '../cluster/cluster';
import { decideStageDaemonSet } from '../daemonset/daemonset-canary-strategy';
import { KubeDaemonSet, KubeStatefulSet, KubeWorkload } from '../kube/kube-types';
import { isOnDelete, physicalPartition } from '../kube/statefulset-facts';
import { WorkloadKind } from '../kube/workload-ref';
import { decodePromotionState, TERMINAL_PHASES } from '../promotion/promotion-state';
import { RuntimeError } from '../runtime-error';
import { promoterFields } from '../statefulset/partition-ownership';

/** What `stage` does. */
export type StageDecision =
  | { readonly action: 'already-staged'; readonly message: string }
  | { readonly action: 'patch'; readonly patch: unknown; readonly patchType: PatchType; readonly message: string };

/**
 * Decides how to stage a StatefulSet: a server-side apply of the pinned partition as kubectl-stage, which from then on
 * owns it, so a GitOps tool applying a manifest without a partition leaves it alone (with the read resourceVersion as
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
  refuseDuringPromotion(sts, { kind: 'StatefulSet', name });
  const pinned = PartitionPlan.STAGED_PARTITION;
  if (physicalPartition(sts) === pinned) {
    return { action: 'already-staged', message: `already staged (partition ${pinned})` };
  }
  const status = sts.status ?? {};
  const frozen = status.updateRevision !== undefined && status.updateRevision !== status.currentRevision && (status.updatedReplicas ?? 0) > 0
    ? `; the rollout in progress stops where it is (${status.updatedReplicas} pods on revision ${status.updateRevision})` : '';
  return {
    action: 'patch',
    patch: withResourceVersion(promoterFields(sts, pinned), sts.metadata.resourceVersion),
    patchType: 'apply',
    message: `staged (partition ${pinned}): template changes roll no pod until promoted${frozen}`,
  };
}

/**
 * Decides how to stage either kind: a StatefulSet's partition pin ({@link decideStage}), or a DaemonSet's switch to
 * OnDelete with its strategy recorded (`decideStageDaemonSet`), so a node canary can promote it.
 *
 * @throws RuntimeError (`bad-input`) while a promotion is in progress, and as {@link decideStage}
 */
export function decideStageOf(kind: WorkloadKind, workload: KubeWorkload): StageDecision {
  if (kind === 'StatefulSet') {
    return decideStage(workload as KubeStatefulSet);
  }
  const ds = workload as KubeDaemonSet;
  refuseDuringPromotion(ds, { kind, name: ds.metadata.name ?? '' });
  return decideStageDaemonSet(ds);
}

function withResourceVersion(fields: Record<string, unknown>, resourceVersion: string | undefined): Record<string, unknown> {
  return { ...fields, metadata: { ...(fields.metadata as object | undefined), resourceVersion } };
}

// Staging while a promoter walks the plan would fight it.
function refuseDuringPromotion(workload: KubeWorkload, ref: { kind: WorkloadKind; name: string }): void {
  const where = `${ref.kind.toLowerCase()}/${ref.name}`;
  const short = `${ref.kind === 'StatefulSet' ? 'sts' : 'ds'}/${ref.name}`;
  const state = decodePromotionState(workload.metadata.annotations?.[RolloutKeys.STATE_ANNOTATION], where);
  if (state && !TERMINAL_PHASES.includes(state.phase)) {
    throw new RuntimeError('bad-input', `a promotion of ${where} is in progress (phase ${state.phase}, step ${state.step}): `
      + `staging now would fight it; pause it with "kubectl-stage pause ${short}" or end it with "kubectl-stage abort ${short}"`);
  }
}
