// metadata.managedFields as the API server's field manager keeps them for Update operations (structured-merge-diff's
// Updater.Update): one entry per manager, operation, apiVersion and subresource, stamped with the time of that
// manager's last change and owning the fields it set: the fields a write added or changed join the writer's set and
// leave every other manager's, removed fields leave all sets, and a manager left owning nothing is dropped. Entries
// are ordered as upstream's sortEncodedManagedFields orders them (Apply before Update, then by time, then by manager).
import type { ApiEvent, ApplyOptions, DeleteOptions, KubeObject, ListOptions, ManagedFieldsEntry, ResourceType, SandboxApi, WriteOptions } from './api';
import { apiVersionOf } from './api';
import { compareFields, FieldSet, fieldPaths, fromFieldsV1, isStrippedPath, isUnder, toFieldsV1 } from './field-sets';


/** The fields a write added or changed, and those it removed. */
export interface FieldChanges {
  readonly changed: FieldSet;
  readonly removed: FieldSet;
}

/**
 * The paths of `obj` a writer of `type` (or of its `subresource`) can own: the status alone through the status
 * subresource; otherwise everything but the status of a kind that has a status subresource (upstream resets it) and
 * the metadata the field manager strips (name, namespace, uid, resourceVersion, generation, timestamps ...).
 */
export function ownablePaths(type: ResourceType, obj: KubeObject | undefined, subresource?: string): Map<string, unknown> {
  if (subresource === 'status') {
    return statusPaths(obj?.status);
  }
  const paths = obj ? fieldPaths(obj) : new Map<string, unknown>();
  for (const path of [...paths.keys()]) {
    if (isStrippedPath(path) || (type.hasStatus && isUnder(path, 'status'))) {
      paths.delete(path);
    }
  }
  return paths;
}

// The paths of a status, remembered per status object: committed objects are never changed in place, and every status
// write compares the stored status (the previous write's) with the new one.
const STATUS_PATHS = new WeakMap<object, Map<string, unknown>>();

function statusPaths(status: unknown): Map<string, unknown> {
  if (status === null || typeof status !== 'object') {
    return new Map();
  }
  let paths = STATUS_PATHS.get(status);
  if (!paths) {
    paths = fieldPaths({ status });
    STATUS_PATHS.set(status, paths);
  }
  return paths;
}

/** What a write of `type` (or `subresource`) changed between `before` and `after`. */
export function fieldChanges(type: ResourceType, before: KubeObject | undefined, after: KubeObject, subresource?: string): FieldChanges {
  return compareFields(ownablePaths(type, before, subresource), ownablePaths(type, after, subresource));
}

/**
 * The managedFields after `manager` wrote `type`'s object (or its `subresource`) at `time`, changing `changes`: its
 * entry owns what it changed and is stamped anew (or is added); the others lose what it changed or removed.
 */
export function recordUpdate(previous: readonly ManagedFieldsEntry[] | undefined, type: ResourceType, manager: string,
  time: string, subresource: string | undefined, changes: FieldChanges): ManagedFieldsEntry[] {
  const apiVersion = apiVersionOf(type);
  const entries: ManagedFieldsEntry[] = [];
  let mine: ManagedFieldsEntry | undefined;
  for (const entry of previous ?? []) {
    if (entry.manager === manager && entry.operation === 'Update' && entry.apiVersion === apiVersion
      && (entry.subresource ?? '') === (subresource ?? '')) {
      mine = entry;
      continue;
    }
    const owned = ownedFields(entry);
    if (![...changes.changed, ...changes.removed].some((path) => owned.has(path))) {
      entries.push(entry);
      continue;
    }
    const kept = new Set([...owned].filter((path) => !changes.changed.has(path) && !changes.removed.has(path)));
    if (kept.size > 0) {
      entries.push({ ...entry, fieldsV1: serialized(kept) });
    }
  }
  const owned = ownedFields(mine);
  const unchanged = mine !== undefined && [...changes.changed].every((path) => owned.has(path))
    && ![...changes.removed].some((path) => owned.has(path));
  // The common case, a manager writing the fields it already owns (the kubelet's status writes), only restamps.
  const fields = unchanged ? mine!.fieldsV1! : serialized(new Set([...owned, ...changes.changed].filter((path) => !changes.removed.has(path))));
  if (Object.keys(fields).length > 0) {
    entries.push({ manager, operation: 'Update', apiVersion, time, fieldsType: 'FieldsV1', fieldsV1: fields, ...(subresource ? { subresource } : {}) });
  }
  return entries.sort(byOperationTimeManager);
}

/** FieldsV1 of a set, remembering the set so the next write need not parse it back. */
export function serialized(set: FieldSet): Record<string, unknown> {
  const fields = toFieldsV1(set);
  OWNED.set(fields, set);
  return fields;
}

const OWNED = new WeakMap<object, FieldSet>();

/** The fields an entry owns, parsed once per (never changed) fieldsV1 object. */
export function ownedFields(entry: ManagedFieldsEntry | undefined): FieldSet {
  const fields = entry?.fieldsV1;
  if (!fields) {
    return new Set();
  }
  let set = OWNED.get(fields);
  if (!set) {
    set = fromFieldsV1(fields);
    OWNED.set(fields, set);
  }
  return set;
}

/** The manager a request names (`fieldManager`), else the product of its User-Agent, as upstream's prefixFromUserAgent. */
export function managerOf(fieldManager: string | null, userAgent: string | undefined): string | undefined {
  if (fieldManager) {
    return fieldManager;
  }
  const product = (userAgent ?? '').split('/')[0];
  return product || undefined;
}

/**
 * The store as a component writes to it (a controller, the kubelet): every create and update it makes is recorded
 * under `manager` unless the call names another. Upstream's components are HTTP clients whose User-Agent names them.
 */
export function withFieldManager(api: SandboxApi, manager: string): SandboxApi {
  return new ManagedApi(api, manager);
}

// A plain delegating object rather than a Proxy: every write of every controller goes through it.
class ManagedApi implements SandboxApi {
  constructor(private readonly api: SandboxApi, private readonly manager: string) {}

  public create(type: ResourceType, obj: KubeObject, options?: WriteOptions): KubeObject {
    return this.api.create(type, obj, { fieldManager: this.manager, ...options });
  }

  public get(type: ResourceType, namespace: string | undefined, name: string): KubeObject | undefined {
    return this.api.get(type, namespace, name);
  }

  public list(type: ResourceType, options?: ListOptions): { items: KubeObject[]; resourceVersion: string } {
    return this.api.list(type, options);
  }

  public listView(type: ResourceType, options?: ListOptions): { items: readonly KubeObject[]; resourceVersion: string } {
    return this.api.listView(type, options);
  }

  public update(type: ResourceType, obj: KubeObject, options?: WriteOptions): KubeObject {
    return this.api.update(type, obj, { fieldManager: this.manager, ...options });
  }

  public apply(type: ResourceType, obj: KubeObject, options: ApplyOptions): KubeObject {
    return this.api.apply(type, obj, options);
  }

  public updateStatus(type: ResourceType, obj: KubeObject, options?: WriteOptions): KubeObject {
    return this.api.updateStatus(type, obj, { fieldManager: this.manager, ...options });
  }

  public bind(namespace: string, name: string, nodeName: string): KubeObject {
    return this.api.bind(namespace, name, nodeName);
  }

  public delete(type: ResourceType, namespace: string | undefined, name: string, options?: DeleteOptions): KubeObject | undefined {
    return this.api.delete(type, namespace, name, options);
  }

  public watch(type: ResourceType, options: ListOptions & { resourceVersion?: string }, listener: (event: ApiEvent) => void): () => void {
    return this.api.watch(type, options, listener);
  }

  public watchView(type: ResourceType, options: ListOptions & { resourceVersion?: string }, listener: (event: ApiEvent) => void): () => void {
    return this.api.watchView(type, options, listener);
  }
}

/** upstream's sortEncodedManagedFields: Apply before Update, then by time, then by manager. */
export function byOperationTimeManager(a: ManagedFieldsEntry, b: ManagedFieldsEntry): number {
  if (a.operation !== b.operation) {
    return a.operation === 'Apply' ? -1 : 1;
  }
  if (a.time !== b.time) {
    return a.time < b.time ? -1 : 1;
  }
  return a.manager < b.manager ? -1 : a.manager > b.manager ? 1 : 0;
}
