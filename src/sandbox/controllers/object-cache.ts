// An informer-style local cache of one resource type: it lists, then watches from the list's
// resourceVersion, keeps the objects by key with optional secondary indexes (by owner, by node), and
// tells listeners about every change after the cache reflects it. Controllers read from caches instead
// of listing through the API, so a reconcile costs O(objects it owns) and copies nothing.
import type { KubeObject, ResourceType, SandboxApi } from '../api';
import { keyOf, objectKey } from './owner-references';

/** What happened to a cached object. */
export type CacheEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

/** A change of a cached object, delivered after the cache reflects it. */
export interface CacheEvent {
  /** The kind of change. */
  readonly type: CacheEventType;
  /** The object after the change (for DELETED, its last state). */
  readonly object: KubeObject;
  /** The cached object before the change, if the cache had it. */
  readonly previous?: KubeObject;
}

/** Receives cache events; must not mutate the objects. */
export type CacheListener = (event: CacheEvent) => void;

/** Computes the index values of an object (an object may appear under several values). */
export type IndexFunction = (object: KubeObject) => readonly string[];

const EMPTY: ReadonlyMap<string, KubeObject> = new Map();

/** A watched, indexed local copy of all objects of one resource type. Cached objects are shared: never mutate them. */
export class ObjectCache {
  private readonly objects = new Map<string, KubeObject>();
  private readonly indexFunctions = new Map<string, IndexFunction>();
  private readonly indexes = new Map<string, Map<string, Map<string, KubeObject>>>();
  private readonly listeners: CacheListener[] = [];
  private unwatch: (() => void) | undefined;

  constructor(private readonly api: SandboxApi, public readonly type: ResourceType) {}

  /** Registers a listener; listeners registered before {@link start} also receive the initial objects as ADDED. */
  public addListener(listener: CacheListener): void {
    this.listeners.push(listener);
  }

  /** Adds a secondary index; must be called before {@link start}. */
  public addIndex(name: string, indexFunction: IndexFunction): void {
    if (this.indexFunctions.has(name)) {
      return;
    }
    this.indexFunctions.set(name, indexFunction);
    this.indexes.set(name, new Map());
  }

  /** Lists the current objects, then follows the watch from the list's resourceVersion. */
  public start(): void {
    if (this.unwatch) {
      return;
    }
    // The committed objects themselves, not copies: cached objects are never mutated, and copying every change
    // of every object was the largest single cost of a large rollout.
    const { items, resourceVersion } = this.api.listView(this.type);
    for (const item of items) {
      this.apply('ADDED', item);
    }
    this.unwatch = this.api.watchView(this.type, { resourceVersion }, (event) => this.apply(event.type, event.object));
  }

  /** Stops following the watch; the cached objects stay readable. */
  public stop(): void {
    this.unwatch?.();
    this.unwatch = undefined;
  }

  /** The cached object, if any. */
  public get(namespace: string | undefined, name: string): KubeObject | undefined {
    return this.objects.get(objectKey(namespace, name));
  }

  /** The cached object stored under `key` (`namespace/name` or `name`). */
  public getByKey(key: string): KubeObject | undefined {
    return this.objects.get(key);
  }

  /** All cached objects. */
  public all(): IterableIterator<KubeObject> {
    return this.objects.values();
  }

  /** The objects under `value` of index `name`, keyed by object key. */
  public byIndex(name: string, value: string): ReadonlyMap<string, KubeObject> {
    const index = this.indexes.get(name);
    if (!index) {
      throw new Error(`index "${name}" is not registered on the ${this.type.resource} cache (registered: ${[...this.indexes.keys()].join(', ') || 'none'})`);
    }
    return index.get(value) ?? EMPTY;
  }

  /** The number of cached objects. */
  public get size(): number {
    return this.objects.size;
  }

  private apply(type: CacheEventType, object: KubeObject): void {
    const key = keyOf(object);
    const previous = this.objects.get(key);
    if (type === 'DELETED') {
      this.objects.delete(key);
    } else {
      this.objects.set(key, object);
    }
    this.reindex(key, previous, type === 'DELETED' ? undefined : object);
    const event: CacheEvent = { type: type === 'ADDED' && previous ? 'MODIFIED' : type, object, previous };
    for (const listener of this.listeners) {
      listener(event);
    }
  }

  // Moves the object between index buckets. A bucket that keeps the object has its entry replaced in place: deleting
  // and re-adding it would leave a hole in the bucket (a JavaScript Map keeps deleted slots until it rehashes) that
  // every iteration of the bucket then skips, and a controller iterates its set's bucket on every sync.
  private reindex(key: string, previous: KubeObject | undefined, object: KubeObject | undefined): void {
    for (const [name, indexFunction] of this.indexFunctions) {
      const index = this.indexes.get(name)!;
      const values = object ? indexFunction(object) : [];
      if (previous) {
        for (const value of indexFunction(previous)) {
          if (values.includes(value)) {
            continue;
          }
          const bucket = index.get(value);
          bucket?.delete(key);
          if (bucket && bucket.size === 0) {
            index.delete(value);
          }
        }
      }
      for (const value of values) {
        let bucket = index.get(value);
        if (!bucket) {
          bucket = new Map();
          index.set(value, bucket);
        }
        bucket.set(key, object!);
      }
    }
  }
}

/** One {@link ObjectCache} per resource type, shared by all controllers (like a SharedInformerFactory). */
export class CacheSet {
  private readonly caches = new Map<string, ObjectCache>();

  constructor(private readonly api: SandboxApi) {}

  /** The shared cache of `type`, created on first use. */
  public of(type: ResourceType): ObjectCache {
    const id = `${type.group}/${type.version}/${type.resource}`;
    let cache = this.caches.get(id);
    if (!cache) {
      cache = new ObjectCache(this.api, type);
      this.caches.set(id, cache);
    }
    return cache;
  }

  /** Starts every cache created so far. */
  public start(): void {
    for (const cache of this.caches.values()) {
      cache.start();
    }
  }

  /** Stops every cache. */
  public stop(): void {
    for (const cache of this.caches.values()) {
      cache.stop();
    }
  }
}
