// StatefulSet status arithmetic (stateful_set_control.go: computeReplicaStatus, updateStatus;
// stateful_set_utils.go: completeRollingUpdate, inconsistentStatus).
import { replicasOf } from './statefulset-identity';
import { isAvailable, PodFacts } from './statefulset-pod-facts';
import type { KubeObject } from '../../api';

/** The fields of `status` the StatefulSet controller owns. */
export interface StatefulSetStatus {
  /** The set's generation this status was computed for. */
  observedGeneration: number;
  /** Pods created (phase reported), terminating ones included. */
  replicas: number;
  /** Running pods with a True Ready condition. */
  readyReplicas: number;
  /** Ready pods that have been ready for minReadySeconds. */
  availableReplicas: number;
  /** Created, non-terminating pods at the current revision. */
  currentReplicas: number;
  /** Created, non-terminating pods at the update revision. */
  updatedReplicas: number;
  /** The name of the current revision. */
  currentRevision: string;
  /** The name of the update revision. */
  updateRevision: string;
  /** Name collisions seen while creating revisions. */
  collisionCount: number;
}

/** The replica counts of a StatefulSet's status. */
export type ReplicaCounts = Pick<StatefulSetStatus, 'replicas' | 'readyReplicas' | 'availableReplicas' | 'currentReplicas' | 'updatedReplicas'>;

/** Counts that nothing was added to yet. */
export function noReplicas(): ReplicaCounts {
  return { replicas: 0, readyReplicas: 0, availableReplicas: 0, currentReplicas: 0, updatedReplicas: 0 };
}

/** Adds one pod, by its facts, to the counts (a step of `updateStatus`); revisions are those of the status. */
export function countReplica(
  counts: ReplicaCounts, facts: PodFacts, revisions: Pick<StatefulSetStatus, 'currentRevision' | 'updateRevision'>, minReadySeconds: number, nowMs: number,
): void {
  if (facts.created) {
    counts.replicas++;
  }
  if (facts.runningAndReady) {
    counts.readyReplicas++;
    if (isAvailable(facts, minReadySeconds, nowMs)) {
      counts.availableReplicas++;
    }
  }
  if (facts.created && !facts.terminating) {
    if (facts.revision === revisions.currentRevision) {
      counts.currentReplicas++;
    }
    if (facts.revision === revisions.updateRevision) {
      counts.updatedReplicas++;
    }
  }
}

/** Recomputes the replica counts of `status` from the facts of the given pods (`updateStatus`). */
export function countReplicaFacts(status: StatefulSetStatus, minReadySeconds: number, nowMs: number, facts: readonly PodFacts[]): void {
  const counts = noReplicas();
  for (let i = 0; i < facts.length; i++) {
    countReplica(counts, facts[i], status, minReadySeconds, nowMs);
  }
  Object.assign(status, counts);
}

/**
 * Marks a finished RollingUpdate: when every replica is updated and ready, the update revision
 * becomes the current one (`completeRollingUpdate`). Never under OnDelete, hence a stale
 * `currentRevision` there.
 */
export function completeRollingUpdate(set: KubeObject, status: StatefulSetStatus): void {
  const replicas = replicasOf(set);
  if (set.spec?.updateStrategy?.type === 'RollingUpdate'
    && status.updatedReplicas === replicas
    && status.readyReplicas === replicas
    && status.replicas === replicas) {
    status.currentReplicas = status.updatedReplicas;
    status.currentRevision = status.updateRevision;
  }
}

/** Whether `status` differs from the set's recorded status (`inconsistentStatus`, plus the collision count). */
export function inconsistentStatus(set: KubeObject, status: StatefulSetStatus): boolean {
  const recorded = set.status ?? {};
  return status.observedGeneration > (recorded.observedGeneration ?? 0)
    || status.replicas !== (recorded.replicas ?? 0)
    || status.currentReplicas !== (recorded.currentReplicas ?? 0)
    || status.readyReplicas !== (recorded.readyReplicas ?? 0)
    || status.updatedReplicas !== (recorded.updatedReplicas ?? 0)
    || status.currentRevision !== (recorded.currentRevision ?? '')
    || status.availableReplicas !== (recorded.availableReplicas ?? 0)
    || status.updateRevision !== (recorded.updateRevision ?? '')
    || status.collisionCount !== (recorded.collisionCount ?? 0);
}

/**
 * Whether a status write of the set leaves what its next sync reads as it was: the generation, the deletion mark, the
 * current revision and the collision count the revisions are resolved from, and the current replica count that places
 * new pods when a RollingUpdate has no `rollingUpdate` block. The other counts are outputs of the sync only.
 */
export function sameSetSyncInputs(previous: KubeObject, current: KubeObject): boolean {
  const before = previous.status ?? {};
  const after = current.status ?? {};
  return previous.metadata.generation === current.metadata.generation
    && previous.metadata.deletionTimestamp === current.metadata.deletionTimestamp
    && before.currentRevision === after.currentRevision
    && before.collisionCount === after.collisionCount
    && (current.spec?.updateStrategy?.type !== 'RollingUpdate' || current.spec?.updateStrategy?.rollingUpdate != null
      || before.currentReplicas === after.currentReplicas);
}
