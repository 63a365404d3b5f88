// The StatefulSet update algorithm (stateful_set_control.go `UpdateStatefulSet`), step for step:
// resolve the current and update revisions, create missing pods at the right revision, enforce the
// identity invariants, scale down from the highest ordinal, then replace pods that are not at the
// update revision from the highest ordinal down to the partition. Under OrderedReady ("monotonic")
// every step waits for the previous pods to be Running, Ready and Available, which is also what
// makes a broken update block forever even after the template is reverted (kubernetes#67250).
import type { ClaimedPods } from './statefulset-claimed-pods';
import type { StatefulSetHistory, StatefulSetRevisions } from './statefulset-history';
import {
  endOrdinal,
  newVersionedStatefulSetPod,
  replicasOf,
  startOrdinal,
  storageMatches,
} from './statefulset-identity';
import type { StatefulPodControl } from './statefulset-pod-control';
import { identityMatchesFacts, isAvailable, isUnavailableFacts, PodFacts, podFacts } from './statefulset-pod-facts';
import { completeRollingUpdate, countReplica, countReplicaFacts, inconsistentStatus, noReplicas, ReplicaCounts, StatefulSetStatus } from './statefulset-status';
import { scaledValueFromIntOrPercent } from '../../../internal/int-or-percent';
import { ApiError, RESOURCES } from '../../api';
import type { KubeObject, SandboxApi } from '../../api';
import type { SandboxClock } from '../../clock';
import { templateOfRevision } from '../controller-revision';
import { RetryableError } from '../work-queue';

/** Behaviour switches that differ between Kubernetes versions. */
export interface StatefulSetControlOptions {
  /**
   * Whether `spec.updateStrategy.rollingUpdate.maxUnavailable` is honoured (the
   * MaxUnavailableStatefulSet feature gate, on by default in Kubernetes 1.37). When off, rolling
   * updates replace one pod at a time whatever the field says.
   * @default true
   */
  readonly maxUnavailableStatefulSet?: boolean;
}

/** The pods of a set arranged by ordinal, and what the steps of one sync ask of all of them, gathered in one pass. */
interface ArrangedPods {
  /** Index i holds the pod for ordinal start + i (a not-yet-created one where none exists). */
  readonly replicas: KubeObject[];
  /** Pods outside the ordinal range, highest ordinal first. */
  readonly condemned: KubeObject[];
  /** The lowest-ordinal pod that is unavailable (minReadySeconds counted), replicas before condemned. */
  readonly firstUnavailable: KubeObject | undefined;
  /** The facts of `replicas[i]` at index i: looked up once per sync, as every step visits every pod. */
  readonly replicaFacts: PodFacts[];
  /** The facts of `condemned[i]` at index i. */
  readonly condemnedFacts: PodFacts[];
  /** The status counts of the replicas and the condemned pods (no step changes the facts they come from). */
  readonly counts: ReplicaCounts;
  /** Replicas that are unavailable (minReadySeconds counted) or terminating. */
  readonly unavailableReplicas: number;
  /** Of those, the ones not at the update revision and not terminating. */
  readonly unavailableOutdatedReplicas: number;
}

/** Runs one StatefulSet sync against the API. */
export class StatefulSetControl {
  // The by-ordinal arrays of the sync that runs: one sync runs at a time (a sync's writes only queue further syncs)
  // and nothing keeps the arrays past it, so they are reused rather than allocated for every sync of every set.
  private readonly replicas: KubeObject[] = [];
  private readonly replicaFacts: PodFacts[] = [];
  /** The status write in progress, if any: the set's uid and the status sent. */
  private statusWrite: { readonly uid: string; readonly status: StatefulSetStatus } | undefined;

  constructor(
    private readonly api: SandboxApi,
    private readonly clock: SandboxClock,
    private readonly history: StatefulSetHistory,
    private readonly podControl: StatefulPodControl,
    private readonly options: StatefulSetControlOptions = {},
  ) {}

  /** Syncs `set` given the pods it owns; returns the status it recorded. */
  public sync(set: KubeObject, claimed: ClaimedPods): StatefulSetStatus {
    const sorted = this.history.list(set);
    let revisions: StatefulSetRevisions | undefined;
    try {
      revisions = this.history.resolve(set, sorted);
      return this.performUpdate(set, claimed, revisions);
    } finally {
      this.history.truncate(set, claimed.pods, sorted, [revisions?.current, revisions?.update]);
    }
  }

  private performUpdate(set: KubeObject, claimed: ClaimedPods, revisions: StatefulSetRevisions): StatefulSetStatus {
    const status = this.newStatus(set, revisions);
    try {
      this.updateStatefulSet(set, revisions, claimed, status);
    } finally {
      this.writeStatus(set, status);
    }
    return status;
  }

  private newStatus(set: KubeObject, revisions: StatefulSetRevisions): StatefulSetStatus {
    return {
      observedGeneration: set.metadata.generation ?? 0,
      replicas: 0,
      readyReplicas: 0,
      availableReplicas: 0,
      currentReplicas: 0,
      updatedReplicas: 0,
      currentRevision: revisions.current.metadata.name!,
      updateRevision: revisions.update.metadata.name!,
      collisionCount: revisions.collisionCount,
    };
  }

  // `updateStatefulSet`: mutates `status` as it goes, like upstream, so that the status written
  // afterwards reflects the pods deleted in this sync.
  private updateStatefulSet(set: KubeObject, revisions: StatefulSetRevisions, claimed: ClaimedPods, status: StatefulSetStatus): void {
    const currentSet = withTemplate(set, templateOfRevision(revisions.current));
    const updateSet = withTemplate(set, templateOfRevision(revisions.update));
    const minReadySeconds = set.spec?.minReadySeconds ?? 0;
    const now = this.clock.now();
    // The status counts every claimed pod only when the sync stops before the recount below, which every other
    // path ends with: counting them up front as well would double the per-pod work of every sync.
    const countClaimed = () => countReplicaFacts(status, minReadySeconds, now, claimed.facts);
    let arranged: ArrangedPods;
    try {
      arranged = this.arrange(set, currentSet, updateSet, revisions, claimed, status, now);
    } catch (error) {
      countClaimed();
      throw error;
    }
    const { replicas, condemned, firstUnavailable, replicaFacts, condemnedFacts } = arranged;
    if (set.metadata.deletionTimestamp) {
      countClaimed();
      return;
    }
    const monotonic = set.spec?.podManagementPolicy !== 'Parallel';
    const recount = () => Object.assign(status, arranged.counts);

    if (runForAll(replicas.length, (i) => this.processReplica(set, updateSet, monotonic, replicas[i], replicaFacts[i], now), monotonic, recount)) {
      return;
    }
    if (runForAll(condemned.length, (i) => this.fixCondemnedClaims(updateSet, condemned[i]), monotonic, recount)) {
      return;
    }
    const processCondemned = (i: number) => this.processCondemned(set, firstUnavailable, monotonic, condemned[i], condemnedFacts[i], now);
    if (runForAll(condemned.length, processCondemned, monotonic, recount)) {
      return;
    }
    recount();

    // OnDelete: pods are only replaced when someone deletes them.
    if (set.spec?.updateStrategy?.type === 'OnDelete') {
      return;
    }
    if (this.options.maxUnavailableStatefulSet ?? true) {
      this.rollWithinMaxUnavailable(set, arranged, revisions.update, status, now);
      return;
    }
    this.rollOneAtATime(set, replicas, replicaFacts, revisions.update, status, now);
  }

  private arrange(
    set: KubeObject, currentSet: KubeObject, updateSet: KubeObject, revisions: StatefulSetRevisions, claimed: ClaimedPods, status: StatefulSetStatus,
    now: number,
  ): ArrangedPods {
    const start = startOrdinal(set);
    const end = endOrdinal(set);
    const minReadySeconds = set.spec?.minReadySeconds ?? 0;
    const updateRevision = revisions.update.metadata.name!;
    const replicas = reset(this.replicas, replicasOf(set));
    const replicaFacts = reset(this.replicaFacts, replicas.length);
    const condemnedSlots: number[] = [];
    const { pods, facts: claimedFacts } = claimed;
    for (let i = 0; i < pods.length; i++) {
      const ordinal = claimedFacts[i].ordinal;
      if (ordinal >= start && ordinal <= end) {
        replicas[ordinal - start] = pods[i];
        replicaFacts[ordinal - start] = claimedFacts[i];
      } else if (ordinal >= 0) {
        condemnedSlots.push(i);
      }
    }
    const counts = noReplicas();
    let firstUnavailable: KubeObject | undefined;
    let unavailableReplicas = 0;
    let unavailableOutdatedReplicas = 0;
    for (let i = 0; i < replicas.length; i++) {
      if (replicas[i] === undefined) {
        replicas[i] = newVersionedStatefulSetPod(currentSet, updateSet, revisions.current.metadata.name!, updateRevision, start + i);
        replicaFacts[i] = podFacts(replicas[i]);
      }
      const facts = replicaFacts[i];
      countReplica(counts, facts, status, minReadySeconds, now);
      if (isUnavailableFacts(facts, minReadySeconds, now)) {
        firstUnavailable ??= replicas[i];
        unavailableReplicas++;
        if (facts.revision !== updateRevision && !facts.terminating) {
          unavailableOutdatedReplicas++;
        }
      }
    }
    condemnedSlots.sort((a, b) => claimedFacts[b].ordinal - claimedFacts[a].ordinal);
    const condemned = condemnedSlots.map((slot) => pods[slot]);
    const condemnedFacts = condemnedSlots.map((slot) => claimedFacts[slot]);
    // Condemned pods run from the highest ordinal down: the first unavailable one is the last found.
    for (let i = condemned.length - 1; i >= 0; i--) {
      countReplica(counts, condemnedFacts[i], status, minReadySeconds, now);
      if (firstUnavailable === undefined && isUnavailableFacts(condemnedFacts[i], minReadySeconds, now)) {
        firstUnavailable = condemned[i];
      }
    }
    return { replicas, condemned, firstUnavailable, replicaFacts, condemnedFacts, counts, unavailableReplicas, unavailableOutdatedReplicas };
  }

  // `processReplica`: returns true when a monotonic sync must stop here.
  private processReplica(set: KubeObject, updateSet: KubeObject, monotonic: boolean, pod: KubeObject, facts: PodFacts, now: number): boolean {
    // Failed and Succeeded pods are deleted; the next sync, after the pod is gone, recreates them.
    const phase = facts.phase;
    if (phase === 'Failed' || phase === 'Succeeded') {
      if (!facts.terminating) {
        this.podControl.deleteStatefulPod(set, pod);
      }
      return true;
    }
    if (!facts.created) {
      // A claim still owned by the pod's previous incarnation is about to be garbage collected. Upstream
      // stops here until a later sync; the sandbox retries with back-off so no resync period is needed.
      if (this.podControl.podClaimIsStale(set, pod)) {
        throw new RetryableError(`StatefulSet ${set.metadata.name}: a claim of pod ${pod.metadata.name} is stale`);
      }
      this.podControl.createStatefulPod(set, pod);
      if (monotonic) {
        return true;
      }
    }
    if (phase === 'Pending') {
      this.podControl.createMissingClaims(set, pod);
    }
    // A terminating pod must be gone before its replacement is created.
    if (facts.terminating && monotonic) {
      return true;
    }
    if (!facts.runningAndReady && monotonic) {
      return true;
    }
    if (monotonic && !isAvailable(facts, set.spec?.minReadySeconds ?? 0, now)) {
      return true;
    }
    if (!facts.created) {
      return false;
    }
    if (identityMatchesFacts(set, pod, facts) && storageMatches(set, pod, facts.ordinal)
      && this.podControl.claimsMatchRetentionPolicy(updateSet, pod)) {
      return false;
    }
    this.podControl.updateStatefulPod(updateSet, pod);
    return false;
  }

  private fixCondemnedClaims(updateSet: KubeObject, pod: KubeObject): boolean {
    this.podControl.updateClaimsForRetentionPolicy(updateSet, pod);
    return false;
  }

  // `processCondemned`: scale down from the highest ordinal; monotonic syncs delete one pod at a time
  // and only once every other pod is available (the lowest unavailable one may go).
  private processCondemned(set: KubeObject, firstUnavailable: KubeObject | undefined, monotonic: boolean, pod: KubeObject, facts: PodFacts,
    now: number): boolean {
    if (facts.terminating) {
      return monotonic;
    }
    if (monotonic && pod !== firstUnavailable) {
      if (!facts.runningAndReady || !isAvailable(facts, set.spec?.minReadySeconds ?? 0, now)) {
        return true;
      }
    }
    this.podControl.deleteStatefulPod(set, pod);
    return true;
  }

  // The rolling update with the MaxUnavailableStatefulSet gate (`updateStatefulSetAfterInvariantEstablished`,
  // including the Parallel fix for kubernetes#137409): delete pods not at the update revision, from
  // the highest ordinal down to the partition, while no more than maxUnavailable pods are unavailable.
  private rollWithinMaxUnavailable(set: KubeObject, arranged: ArrangedPods, update: KubeObject, status: StatefulSetStatus, now: number): void {
    const { replicas, replicaFacts, unavailableReplicas: unavailable } = arranged;
    const rollingUpdate = set.spec?.updateStrategy?.rollingUpdate;
    const updateMin = rollingUpdate?.partition ?? 0;
    const maxUnavailable = rollingUpdate ? statefulSetMaxUnavailable(rollingUpdate.maxUnavailable, replicas.length) : 1;
    const minReadySeconds = set.spec?.minReadySeconds ?? 0;
    const parallel = set.spec?.podManagementPolicy === 'Parallel';
    const outdated = (i: number) => replicaFacts[i].revision !== update.metadata.name && !replicaFacts[i].terminating;
    const available = (i: number) => !isUnavailableFacts(replicaFacts[i], minReadySeconds, now);

    const unavailableNeedingUpdate = parallel ? arranged.unavailableOutdatedReplicas : 0;
    if (unavailable >= maxUnavailable && unavailableNeedingUpdate === 0) {
      return;
    }
    const deleteForUpdate = (pod: KubeObject) => {
      this.podControl.deleteStatefulPod(set, pod);
      status.currentReplicas--;
    };
    if (parallel) {
      // Replace outdated pods that are already unavailable first: they cost no extra disruption.
      for (let target = replicas.length - 1; unavailableNeedingUpdate > 0 && target >= updateMin; target--) {
        if (outdated(target) && !available(target)) {
          deleteForUpdate(replicas[target]);
        }
      }
      let budget = maxUnavailable - unavailable;
      for (let target = replicas.length - 1; target >= updateMin && budget > 0; target--) {
        if (outdated(target) && available(target)) {
          deleteForUpdate(replicas[target]);
          budget--;
        }
      }
      return;
    }
    let remaining = maxUnavailable - unavailable;
    for (let target = replicas.length - 1; target >= updateMin && remaining > 0; target--) {
      if (outdated(target)) {
        deleteForUpdate(replicas[target]);
        remaining--;
      }
    }
  }

  // The rolling update without the gate: replace the highest-ordinal outdated pod, then wait for it.
  private rollOneAtATime(set: KubeObject, replicas: KubeObject[], replicaFacts: PodFacts[], update: KubeObject, status: StatefulSetStatus,
    now: number): void {
    const updateMin = set.spec?.updateStrategy?.rollingUpdate?.partition ?? 0;
    const minReadySeconds = set.spec?.minReadySeconds ?? 0;
    for (let target = replicas.length - 1; target >= updateMin; target--) {
      const facts = replicaFacts[target];
      if (facts.revision !== update.metadata.name && !facts.terminating) {
        this.podControl.deleteStatefulPod(set, replicas[target]);
        status.currentReplicas--;
        return;
      }
      if (isUnavailableFacts(facts, minReadySeconds, now)) {
        return;
      }
    }
  }

  // `updateStatefulSetStatus`: complete a finished rolling update, then write the status if it changed.
  private writeStatus(set: KubeObject, status: StatefulSetStatus): void {
    completeRollingUpdate(set, status);
    if (!inconsistentStatus(set, status)) {
      return;
    }
    this.statusWrite = { uid: set.metadata.uid ?? '', status };
    try {
      this.api.updateStatus(RESOURCES.statefulSets, { ...set, status: { ...(set.status ?? {}), ...status } });
    } catch (error) {
      if (!(error instanceof ApiError && error.code === 409)) {
        throw error;
      }
      const latest = this.api.get(RESOURCES.statefulSets, set.metadata.namespace, set.metadata.name!);
      if (latest && latest.metadata.uid === set.metadata.uid) {
        this.api.updateStatus(RESOURCES.statefulSets, { ...latest, status: { ...(latest.status ?? {}), ...status } });
      }
    } finally {
      this.statusWrite = undefined;
    }
  }

  /**
   * Whether `set`, as a watch delivers it, is the status write this control is making right now: the same set, with
   * the status it sent. Watches deliver as writes commit, so the event arrives during the write; a status that
   * someone writes while it is delivered (a watcher reacting to it) does not hold the values sent, and is not this write.
   */
  public isOwnStatusWrite(set: KubeObject): boolean {
    const write = this.statusWrite;
    return write !== undefined && set.metadata.uid === write.uid && !inconsistentStatus(set, write.status)
      && set.status?.observedGeneration === write.status.observedGeneration;
  }
}

/**
 * `getStatefulSetMaxUnavailable`: an int or a percentage of the replicas rounded down, at least 1.
 */
export function statefulSetMaxUnavailable(maxUnavailable: number | string | undefined, replicas: number): number {
  const resolved = scaledValueFromIntOrPercent('spec.updateStrategy.rollingUpdate.maxUnavailable', maxUnavailable ?? 1, replicas, false);
  return Math.max(1, resolved);
}

/** Empties `array` to `length` undefined entries, keeping its storage. */
function reset<T>(array: T[], length: number): T[] {
  array.length = length;
  return array.fill(undefined as T);
}

function withTemplate(set: KubeObject, template: unknown): KubeObject {
  return { ...set, spec: { ...set.spec, template } };
}

/**
 * `runForAll`: monotonic syncs stop at the first step that asks to; burst (Parallel) syncs run every
 * step. On a stop or an error the status is recounted first. Returns whether the sync must stop.
 */
function runForAll(count: number, step: (i: number) => boolean, monotonic: boolean, recount: () => void): boolean {
  try {
    for (let i = 0; i < count; i++) {
      if (step(i) && monotonic) {
        recount();
        return true;
      }
    }
  } catch (error) {
    recount();
    throw error;
  }
  return false;
}
