// `kubectl-stage plan`: what each step of a partition plan does to a StatefulSet, without changing anything.
import { describeRestartOrder, restartOrderOf } from './restart-leader';
import { PartitionPlan } from '../../partition-plan';
import { KubeStatefulSet } from '../kube/kube-types';
import { ordinalsToUpdate, statefulSetReplicas } from '../kube/statefulset-facts';
import { ResolvedPlan } from '../promotion/plan-source';

/** One step of a plan applied to a StatefulSet. */
export interface PlanStepPreview {
  /** The step index; 0 is the staged state. */
  readonly step: number;
  /** The logical partition (0..replicas). */
  readonly partition: number;
  /** The partition written to the StatefulSet (the staged step is pinned). */
  readonly physicalPartition: number;
  /** How many pods run the new revision once the step is done. */
  readonly updatedPods: number;
  /**
   * The ordinals this step moves to the new revision, in the order the controller updates them (highest first); empty
   * with a restart order, whose pods are chosen at promotion time.
   */
  readonly moves: readonly number[];
  /** How many pods this step restarts. */
  readonly restarts: number;
}

/** How a StatefulSet with a restart order has its pods restarted, in words; undefined without one (the partition's order). */
export function previewRestartOrder(sts: KubeStatefulSet): string | undefined {
  const order = restartOrderOf(sts, `statefulset/${sts.metadata.name ?? ''}`);
  return order ? describeRestartOrder(order) : undefined;
}

/** The steps of `resolved` for `sts`. */
export function previewPlan(sts: KubeStatefulSet, resolved: ResolvedPlan): PlanStepPreview[] {
  const replicas = statefulSetReplicas(sts);
  const ordered = restartOrderOf(sts, `statefulset/${sts.metadata.name ?? ''}`) !== undefined;
  let moved = new Set<number>();
  return resolved.partitions.map((partition, step) => {
    const ordinals = ordinalsToUpdate(sts, partition);
    const moves = ordinals.filter((ordinal) => !moved.has(ordinal));
    moved = new Set(ordinals);
    return {
      step,
      partition,
      physicalPartition: PartitionPlan.toPhysicalPartition(partition, replicas),
      updatedPods: ordinals.length,
      moves: ordered ? [] : moves,
      restarts: moves.length,
    };
  });
}
