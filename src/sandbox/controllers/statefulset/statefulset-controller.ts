// The StatefulSet controller (stateful_set.go): it watches StatefulSets and their pods, claims the
// pods that belong to a set (adopting orphans that match, releasing pods that no longer match), and
// runs one sync per set through a de-duplicating work queue.
import { RESOURCES } from '../../api';
import type { KubeObject, SandboxApi } from '../../api';
import type { SandboxClock } from '../../clock';
import type { EventRecorder } from '../event-recorder';
import type { CacheEvent, CacheSet, ObjectCache } from '../object-cache';
import { addOwnerIndexes, CONTROLLER_INDEX, ORPHAN_INDEX } from '../owner-indexes';
import { controllerRefOf, keyOf, newControllerRef, splitKey } from '../owner-references';
import { msUntilNextAvailable } from '../pod-status';
import { WorkQueue } from '../work-queue';
import { claimMatches, ClaimedPods, ClaimedPodsCache, CompiledSelector, compileSelector } from './statefulset-claimed-pods';
import { StatefulSetControl, StatefulSetControlOptions } from './statefulset-control';
import { StatefulSetHistory } from './statefulset-history';
import { StatefulPodControl } from './statefulset-pod-control';
import { PodFacts, podFacts, sameSyncInputs } from './statefulset-pod-facts';
import { sameSetSyncInputs } from './statefulset-status';

/** What the StatefulSet controller needs from its host. */
export interface StatefulSetControllerOptions extends StatefulSetControlOptions {
  /** The API to write through. */
  readonly api: SandboxApi;
  /** The clock that runs the work queue and measures minReadySeconds. */
  readonly clock: SandboxClock;
  /** The shared caches. */
  readonly caches: CacheSet;
  /** The recorder for `statefulset-controller` events. */
  readonly recorder: EventRecorder;
  /** Decides whether a failed sync is retried. */
  readonly isRetryable: (error: unknown) => boolean;
}

/** Reconciles StatefulSets. */
export class StatefulSetController {
  private readonly sets: ObjectCache;
  private readonly pods: ObjectCache;
  private readonly queue: WorkQueue;
  private readonly control: StatefulSetControl;
  private readonly history: StatefulSetHistory;
  private readonly claimedPods = new ClaimedPodsCache();

  constructor(private readonly options: StatefulSetControllerOptions) {
    const { api, caches } = options;
    this.sets = caches.of(RESOURCES.statefulSets);
    this.pods = caches.of(RESOURCES.pods);
    const revisions = caches.of(RESOURCES.controllerRevisions);
    addOwnerIndexes(this.pods);
    addOwnerIndexes(revisions);
    this.history = new StatefulSetHistory(api, revisions);
    const podControl = new StatefulPodControl(api, caches.of(RESOURCES.persistentVolumeClaims), options.recorder);
    this.control = new StatefulSetControl(api, options.clock, this.history, podControl, options);
    this.queue = new WorkQueue({ clock: options.clock, reconcile: (key) => this.sync(key), isRetryable: options.isRetryable });
    this.sets.addListener((event) => this.onSetEvent(event));
    this.pods.addListener((event) => {
      this.claimedPods.onPodEvent(event);
      this.onPodEvent(event);
    });
  }

  /** Stops processing. */
  public stop(): void {
    this.queue.stop();
  }

  private onSetEvent(event: CacheEvent): void {
    if (event.type === 'DELETED') {
      this.claimedPods.forget(event.object.metadata.uid);
    }
    // Upstream queues another sync for the controller's own status write too, which repeats the sync that wrote it
    // unless the write changed what a sync reads.
    if (event.type === 'MODIFIED' && event.previous && this.control.isOwnStatusWrite(event.object)
      && sameSetSyncInputs(event.previous, event.object)) {
      return;
    }
    this.queue.add(keyOf(event.object));
  }

  private onPodEvent(event: CacheEvent): void {
    // Upstream queues a sync on every pod change. A change the sync cannot see (the scheduler's binding, the kubelet's
    // container states before the phase or readiness moves) could only repeat the last sync, which saw the same
    // inputs; on the virtual clock each such change is a sync of its own, a third of a rollout's syncs.
    if (event.type === 'MODIFIED' && event.previous && sameSyncInputs(event.previous, event.object)) {
      return;
    }
    const ref = controllerRefOf(event.object);
    // A pod released by a set (orphaned or re-parented) must be looked at by its former owner too (`updatePod`).
    const previousRef = event.previous && controllerRefOf(event.previous);
    if (previousRef && previousRef.kind === 'StatefulSet' && previousRef.uid !== ref?.uid) {
      this.enqueueOwner(event.object.metadata.namespace, previousRef.name, previousRef.uid);
    }
    if (ref) {
      if (ref.kind === 'StatefulSet') {
        this.enqueueOwner(event.object.metadata.namespace, ref.name, ref.uid);
      }
      return;
    }
    if (event.type === 'DELETED') {
      return;
    }
    // An orphan: every set whose selector matches may adopt it.
    for (const set of this.sets.all()) {
      if (set.metadata.namespace === event.object.metadata.namespace && compileSelector(set).matches(event.object)) {
        this.queue.add(keyOf(set));
      }
    }
  }

  private enqueueOwner(namespace: string | undefined, name: string, uid: string): void {
    const set = this.sets.get(namespace, name);
    if (set && set.metadata.uid === uid) {
      this.queue.add(keyOf(set));
    }
  }

  private sync(key: string): void {
    const { namespace, name } = splitKey(key);
    const set = this.sets.get(namespace, name);
    if (!set) {
      return;
    }
    if (!set.metadata.deletionTimestamp) {
      this.history.adoptOrphans(set);
    }
    let wait: number | undefined;
    try {
      const claimed = this.claimPods(set);
      this.control.sync(set, claimed);
      // Availability changes with time alone, so look again when the next Ready pod becomes available.
      wait = msUntilNextAvailable(claimed.pods, set.spec?.minReadySeconds ?? 0, this.options.clock.now());
    } finally {
      this.claimedPods.giveBack();
    }
    if (wait !== undefined) {
      this.queue.addAfter(key, wait);
    }
  }

  // `getPodsForStatefulSet` with the ControllerRefManager: owned pods that still match stay, owned
  // pods that no longer match are released, matching orphans are adopted (unless the set is going away).
  // The claim of the previous sync, as pod events left it, stands for a walk over the owned pods.
  private claimPods(set: KubeObject): ClaimedPods {
    const selector = compileSelector(set);
    const uid = set.metadata.uid ?? '';
    const deleting = Boolean(set.metadata.deletionTimestamp);
    if (!deleting) {
      this.adoptOrphans(set, selector);
      const claimed = this.claimedPods.lend(uid, selector);
      if (claimed) {
        return claimed;
      }
    }
    const claimedPods: KubeObject[] = [];
    const claimedFacts: PodFacts[] = [];
    for (const pod of this.pods.byIndex(CONTROLLER_INDEX, uid).values()) {
      const facts = podFacts(pod);
      // `ClaimObject`: a member by name that the selector matches stays; any other pod is released, except by a set
      // being deleted, which leaves it alone.
      if (claimMatches(pod, facts, set.metadata.name, selector)) {
        claimedPods.push(pod);
        claimedFacts.push(facts);
      } else if (!deleting) {
        this.options.api.update(RESOURCES.pods, {
          ...pod,
          metadata: { ...pod.metadata, ownerReferences: (pod.metadata.ownerReferences ?? []).filter((ref) => ref.uid !== uid) },
        });
      }
    }
    if (deleting) {
      this.claimedPods.forget(uid);
    } else {
      this.claimedPods.remember(set, selector, claimedPods, claimedFacts);
    }
    return { pods: claimedPods, facts: claimedFacts };
  }

  // Adoption writes the controller reference; the pod's event then brings it into the set's claim (watch events are
  // delivered as writes commit, and syncs run from the clock's timers, never during a delivery).
  private adoptOrphans(set: KubeObject, selector: CompiledSelector): void {
    for (const pod of [...this.pods.byIndex(ORPHAN_INDEX, set.metadata.namespace ?? '').values()]) {
      const facts = podFacts(pod);
      if (!facts.terminating && claimMatches(pod, facts, set.metadata.name, selector)) {
        this.options.api.update(RESOURCES.pods, {
          ...pod,
          metadata: { ...pod.metadata, ownerReferences: [...(pod.metadata.ownerReferences ?? []), newControllerRef(set)] },
        });
      }
    }
  }
}
