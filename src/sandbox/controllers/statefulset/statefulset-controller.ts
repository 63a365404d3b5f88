// The StatefulSet controller (stateful_set.go): it watches StatefulSets and their pods, claims the
// pods that belong to a set (adopting orphans that match, releasing pods that no longer match), and
// runs one sync per set through a de-duplicating work queue.
import { labelSelectorMatches, matchesRequirements, selectorRequirements } from '../../../internal/label-selector';
import { RESOURCES } from '../../api';
import type { KubeObject, SandboxApi } from '../../api';
import type { SandboxClock } from '../../clock';
import type { EventRecorder } from '../event-recorder';
import type { CacheEvent, CacheSet, ObjectCache } from '../object-cache';
import { addOwnerIndexes, CONTROLLER_INDEX, ORPHAN_INDEX } from '../owner-indexes';
import { controllerRefOf, keyOf, newControllerRef, splitKey } from '../owner-references';
import { msUntilNextAvailable } from '../pod-status';
import { WorkQueue } from '../work-queue';
import { StatefulSetControl, StatefulSetControlOptions } from './statefulset-control';
import { StatefulSetHistory } from './statefulset-history';
import { isMemberOf } from './statefulset-identity';
import { StatefulPodControl } from './statefulset-pod-control';
import { podFacts, podMatchesSelector } from './statefulset-pod-facts';

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
    this.sets.addListener((event) => this.queue.add(keyOf(event.object)));
    this.pods.addListener((event) => this.onPodEvent(event));
  }

  /** Stops processing. */
  public stop(): void {
    this.queue.stop();
  }

  private onPodEvent(event: CacheEvent): void {
    const ref = controllerRefOf(event.object);
    if (ref) {
      if (ref.kind === 'StatefulSet') {
        this.enqueueOwner(event.object.metadata.namespace, ref.name, ref.uid);
      }
      // A pod released by a set (or re-parented) must be looked at by its former owner too.
      const previousRef = event.previous && controllerRefOf(event.previous);
      if (previousRef && previousRef.kind === 'StatefulSet' && previousRef.uid !== ref.uid) {
        this.enqueueOwner(event.object.metadata.namespace, previousRef.name, previousRef.uid);
      }
      return;
    }
    if (event.type === 'DELETED') {
      return;
    }
    // An orphan: every set whose selector matches may adopt it.
    for (const set of this.sets.all()) {
      if (set.metadata.namespace === event.object.metadata.namespace && labelSelectorMatches(set.spec?.selector, event.object.metadata.labels)) {
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
    const pods = this.claimPods(set);
    this.control.sync(set, pods);
    // Availability changes with time alone, so look again when the next Ready pod becomes available.
    const wait = msUntilNextAvailable(pods, set.spec?.minReadySeconds ?? 0, this.options.clock.now());
    if (wait !== undefined) {
      this.queue.addAfter(key, wait);
    }
  }

  // `getPodsForStatefulSet` with the ControllerRefManager: owned pods that still match stay, owned
  // pods that no longer match are released, matching orphans are adopted (unless the set is going away).
  private claimPods(set: KubeObject): KubeObject[] {
    const claimed: KubeObject[] = [];
    // Compiled once per sync: the loop below runs for every pod of the set on every sync.
    const requirements = set.spec?.selector ? selectorRequirements(set.spec.selector) : undefined;
    const selectorKey = selectorKeyOf(set.spec?.selector);
    const matches = (pod: KubeObject) => requirements !== undefined && matchesRequirements(requirements, pod.metadata.labels);
    const selected = (pod: KubeObject) => podMatchesSelector(pod, podFacts(pod), selectorKey, matches);
    for (const pod of this.pods.byIndex(CONTROLLER_INDEX, set.metadata.uid ?? '').values()) {
      const facts = podFacts(pod);
      if (facts.parent !== set.metadata.name) {
        continue;
      }
      if (podMatchesSelector(pod, facts, selectorKey, matches) || set.metadata.deletionTimestamp) {
        claimed.push(pod);
      } else {
        this.options.api.update(RESOURCES.pods, {
          ...pod,
          metadata: { ...pod.metadata, ownerReferences: (pod.metadata.ownerReferences ?? []).filter((ref) => ref.uid !== set.metadata.uid) },
        });
      }
    }
    if (!set.metadata.deletionTimestamp) {
      for (const pod of [...this.pods.byIndex(ORPHAN_INDEX, set.metadata.namespace ?? '').values()]) {
        if (isMemberOf(set, pod) && !pod.metadata.deletionTimestamp && selected(pod)) {
          claimed.push(this.options.api.update(RESOURCES.pods, {
            ...pod,
            metadata: { ...pod.metadata, ownerReferences: [...(pod.metadata.ownerReferences ?? []), newControllerRef(set)] },
          }));
        }
      }
    }
    return claimed;
  }
}

// The selector's JSON per selector object: a status write shares the spec with the object before it, so the selector
// object (and with it this very string) stays the same from sync to sync, and the per-pod comparison with the key
// remembered in the pod's facts is an identity check rather than a comparison of characters.
const selectorKeys = new WeakMap<object, string>();

function selectorKeyOf(selector: unknown): string {
  if (selector === null || typeof selector !== 'object') {
    return JSON.stringify(selector ?? null);
  }
  let key = selectorKeys.get(selector);
  if (key === undefined) {
    key = JSON.stringify(selector);
    selectorKeys.set(selector, key);
  }
  return key;
}
