import { KubePod, KubeStatefulSet } from './kube-types';
import { statefulSetPodOrdinal } from './pod-facts';
import { PartitionPlan } from '../../partition-plan';

/** `spec.replicas`, defaulted to 1 as the API server does. */
export function statefulSetReplicas(sts: KubeStatefulSet): number {
  return sts.spec.replicas ?? 1;
}

/** `spec.ordinals.start` (the first ordinal), 0 when unset. */
export function startOrdinal(sts: KubeStatefulSet): number {
  return sts.spec.ordinals?.start ?? 0;
}

/** Whether the StatefulSet uses the `OnDelete` update strategy (no partition; pods update only when deleted). */
export function isOnDelete(sts: KubeStatefulSet): boolean {
  return sts.spec.updateStrategy?.type === 'OnDelete';
}

/** Whether pods are managed one at a time (`OrderedReady`, the default), where the forced-rollback trap applies. */
export function isOrderedReady(sts: KubeStatefulSet): boolean {
  return (sts.spec.podManagementPolicy ?? 'OrderedReady') === 'OrderedReady';
}

/** The partition written in the spec (`rollingUpdate.partition`, 0 when unset). */
export function physicalPartition(sts: KubeStatefulSet): number {
  return sts.spec.updateStrategy?.rollingUpdate?.partition ?? 0;
}

/**
 * The partition in plan terms (0..replicas): the pinned staged value maps back to `replicas`, following the pinning
 * rule of {@link PartitionPlan.toLogicalPartition}.
 */
export function logicalPartition(sts: KubeStatefulSet): number {
  return PartitionPlan.toLogicalPartition(physicalPartition(sts), statefulSetReplicas(sts));
}

/** Whether the controller has seen the latest spec (`status.observedGeneration >= metadata.generation`). */
export function isGenerationObserved(sts: KubeStatefulSet): boolean {
  const observed = sts.status?.observedGeneration ?? 0;
  return observed > 0 && observed >= (sts.metadata.generation ?? 0);
}

/** The StatefulSet's pods keyed by ordinal; pods whose name does not follow `<set>-<ordinal>` are left out. */
export function podsByOrdinal(sts: KubeStatefulSet, pods: readonly KubePod[]): Map<number, KubePod> {
  const byOrdinal = new Map<number, KubePod>();
  for (const pod of pods) {
    const ordinal = statefulSetPodOrdinal(pod, sts.metadata.name ?? '');
    if (ordinal !== undefined) {
      byOrdinal.set(ordinal, pod);
    }
  }
  return byOrdinal;
}

/**
 * The ordinals a partition sends to the update revision: `[start + partition, start + replicas)`, highest first,
 * the order in which the controller updates them.
 */
export function ordinalsToUpdate(sts: KubeStatefulSet, logical: number): number[] {
  const start = startOrdinal(sts);
  const replicas = statefulSetReplicas(sts);
  const ordinals: number[] = [];
  for (let ordinal = start + replicas - 1; ordinal >= start + Math.max(0, logical); ordinal--) {
    ordinals.push(ordinal);
  }
  return ordinals;
}
