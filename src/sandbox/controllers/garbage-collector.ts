// The garbage collector (pkg/controller/garbagecollector), for the sandbox's object graph:
// - background deletion: once none of an object's owners exists any more, the object is deleted;
//   if only some are gone, the dangling references are removed;
// - `orphan` finalizer (kubectl delete --cascade=orphan): dependents lose their reference to the
//   owner, then the finalizer is removed so the owner can go;
// - `foregroundDeletion` finalizer (--cascade=foreground): dependents are deleted first, and the
//   finalizer is removed once none that blocks the owner's deletion remains.
import { ApiError, RESOURCES } from '../api';
import type { KubeObject, OwnerReference, ResourceType, SandboxApi } from '../api';
import type { SandboxClock } from '../clock';
import type { CacheEvent, CacheSet, ObjectCache } from './object-cache';
import { addOwnerIndexes, OWNER_INDEX } from './owner-indexes';
import { keyOf } from './owner-references';
import { WorkQueue } from './work-queue';

/** The finalizer asking the collector to orphan the dependents. */
export const ORPHAN_FINALIZER = 'orphan';

/** The finalizer asking the collector to delete the dependents first. */
export const FOREGROUND_FINALIZER = 'foregroundDeletion';

/** What the garbage collector needs from its host. */
export interface GarbageCollectorOptions {
  /** The API to write through. */
  readonly api: SandboxApi;
  /** The clock that runs the work queue. */
  readonly clock: SandboxClock;
  /** The shared caches. */
  readonly caches: CacheSet;
  /** The resource types whose objects take part in ownership. */
  readonly types: readonly ResourceType[];
  /** Decides whether a failed attempt is retried. */
  readonly isRetryable: (error: unknown) => boolean;
}

/** Deletes and orphans dependents according to owner references. */
export class GarbageCollector {
  private readonly caches: ObjectCache[];
  private readonly byUid = new Map<string, { cacheIndex: number; key: string }>();
  private readonly queue: WorkQueue;

  constructor(private readonly options: GarbageCollectorOptions) {
    this.caches = options.types.map((type) => options.caches.of(type));
    this.queue = new WorkQueue({ clock: options.clock, reconcile: (item) => this.process(item), isRetryable: options.isRetryable });
    this.caches.forEach((cache, index) => {
      addOwnerIndexes(cache);
      cache.addListener((event) => this.onEvent(index, event));
    });
  }

  /** Stops collecting. */
  public stop(): void {
    this.queue.stop();
  }

  private onEvent(cacheIndex: number, event: CacheEvent): void {
    const uid = event.object.metadata.uid;
    if (!uid) {
      return;
    }
    if (event.type === 'DELETED') {
      this.byUid.delete(uid);
    } else {
      this.byUid.set(uid, { cacheIndex, key: keyOf(event.object) });
    }
    // The object itself: its owners may already be gone (or a finalizer may need handling).
    this.queue.add(`${cacheIndex}|${keyOf(event.object)}`);
    // Its dependents, when it goes away or starts being deleted.
    if (event.type === 'DELETED' || event.object.metadata.deletionTimestamp) {
      this.enqueueDependents(uid);
    }
    // Its owners in foreground deletion, whose finalizer may go once this dependent is gone or released
    // (`processGraphChanges` re-queues owners that are deleting dependents).
    const refs = [...(event.previous?.metadata.ownerReferences ?? []), ...(event.object.metadata.ownerReferences ?? [])];
    for (const ref of refs) {
      const owner = this.byUid.get(ref.uid);
      if (owner && this.isInForegroundDeletion(ref)) {
        this.queue.add(`${owner.cacheIndex}|${owner.key}`);
      }
    }
  }

  private enqueueDependents(uid: string): void {
    this.caches.forEach((cache, index) => {
      for (const key of cache.byIndex(OWNER_INDEX, uid).keys()) {
        this.queue.add(`${index}|${key}`);
      }
    });
  }

  private process(item: string): void {
    const separator = item.indexOf('|');
    const cache = this.caches[Number(item.slice(0, separator))];
    const object = cache.getByKey(item.slice(separator + 1));
    if (!object) {
      return;
    }
    if (object.metadata.deletionTimestamp) {
      const finalizers = object.metadata.finalizers ?? [];
      if (finalizers.includes(ORPHAN_FINALIZER)) {
        this.orphanDependents(object);
        this.removeFinalizer(cache.type, object, ORPHAN_FINALIZER);
        return;
      }
      if (finalizers.includes(FOREGROUND_FINALIZER)) {
        this.deleteDependentsFirst(cache.type, object);
        return;
      }
    }
    this.collectIfOwnersGone(cache.type, object);
  }

  private collectIfOwnersGone(type: ResourceType, object: KubeObject): void {
    const refs = object.metadata.ownerReferences ?? [];
    if (refs.length === 0) {
      return;
    }
    const dangling = refs.filter((ref) => !this.ownerExists(ref, object.metadata.namespace));
    if (dangling.length === 0) {
      return;
    }
    if (dangling.length === refs.length) {
      // An owner in foreground deletion waits for its dependents to be gone too.
      const foreground = refs.some((ref) => this.isInForegroundDeletion(ref));
      this.deleteObject(type, object, foreground);
      return;
    }
    this.update(type, { ...object, metadata: { ...object.metadata, ownerReferences: refs.filter((ref) => !dangling.includes(ref)) } });
  }

  private orphanDependents(owner: KubeObject): void {
    this.forEachDependent(owner, (cache, dependent) => {
      this.update(cache.type, {
        ...dependent,
        metadata: {
          ...dependent.metadata,
          ownerReferences: (dependent.metadata.ownerReferences ?? []).filter((ref) => ref.uid !== owner.metadata.uid),
        },
      });
    });
  }

  private deleteDependentsFirst(type: ResourceType, owner: KubeObject): void {
    let blocking = 0;
    this.forEachDependent(owner, (cache, dependent) => {
      const ref = (dependent.metadata.ownerReferences ?? []).find((candidate) => candidate.uid === owner.metadata.uid);
      if (ref?.blockOwnerDeletion) {
        blocking++;
      }
      if (!dependent.metadata.deletionTimestamp) {
        this.deleteObject(cache.type, dependent, true);
      }
    });
    if (blocking === 0) {
      this.removeFinalizer(type, owner, FOREGROUND_FINALIZER);
    }
  }

  private forEachDependent(owner: KubeObject, action: (cache: ObjectCache, dependent: KubeObject) => void): void {
    for (const cache of this.caches) {
      for (const dependent of [...cache.byIndex(OWNER_INDEX, owner.metadata.uid ?? '').values()]) {
        action(cache, dependent);
      }
    }
  }

  // Owners of watched types are looked up in the caches; others with a live read, as upstream's
  // absent-owner verification does. An owner of a kind the sandbox does not know is assumed present:
  // deleting on a guess would be worse than keeping.
  private ownerExists(ref: OwnerReference, namespace: string | undefined): boolean {
    if (this.byUid.has(ref.uid)) {
      return true;
    }
    const group = ref.apiVersion.includes('/') ? ref.apiVersion.split('/')[0] : '';
    if (this.caches.some((cache) => cache.type.kind === ref.kind && cache.type.group === group)) {
      return false;
    }
    const type = Object.values(RESOURCES as Record<string, ResourceType>)
      .find((candidate) => candidate.kind === ref.kind && candidate.group === group);
    if (!type) {
      return true;
    }
    return this.options.api.get(type, type.namespaced ? namespace : undefined, ref.name)?.metadata.uid === ref.uid;
  }

  private isInForegroundDeletion(ref: OwnerReference): boolean {
    const location = this.byUid.get(ref.uid);
    const owner = location && this.caches[location.cacheIndex].getByKey(location.key);
    return (owner?.metadata.finalizers ?? []).includes(FOREGROUND_FINALIZER);
  }

  private deleteObject(type: ResourceType, object: KubeObject, foreground: boolean): void {
    try {
      this.options.api.delete(type, object.metadata.namespace, object.metadata.name!, {
        preconditions: { uid: object.metadata.uid },
        ...(foreground ? { propagationPolicy: 'Foreground' } : {}),
      } as any);
    } catch (error) {
      if (!(error instanceof ApiError && (error.code === 404 || error.code === 409))) {
        throw error;
      }
    }
  }

  private removeFinalizer(type: ResourceType, object: KubeObject, finalizer: string): void {
    const finalizers = (object.metadata.finalizers ?? []).filter((name) => name !== finalizer);
    this.update(type, { ...object, metadata: { ...object.metadata, finalizers } });
  }

  private update(type: ResourceType, object: KubeObject): void {
    try {
      this.options.api.update(type, object);
    } catch (error) {
      if (!(error instanceof ApiError && error.code === 404)) {
        throw error;
      }
    }
  }
}

/** The resource types the collector watches by default: the ones the sandbox's controllers own or create. */
export const GARBAGE_COLLECTED_TYPES: readonly ResourceType[] = [
  RESOURCES.statefulSets,
  RESOURCES.daemonSets,
  RESOURCES.pods,
  RESOURCES.controllerRevisions,
  RESOURCES.persistentVolumeClaims,
];
