// The in-process API server's CRUD: create, read, update and delete with upstream's defaulting, validation,
// preconditions and graceful deletion, over an index of committed objects and one global resourceVersion counter.
// Watches are the watch hub's (watch-hub.ts); uids, generated names and cluster IPs come from their allocators. Every
// object handed out is a copy.
import {
  ApiError, ApiEvent, apiVersionOf, ApplyOptions, DeleteOptions, KubeObject, ListOptions, ManagedFieldsEntry, RESOURCES, ResourceType, SandboxApi,
  WriteOptions,
} from './api';
import { notFound, qualifiedResource } from './api-errors';
import type { SandboxClock } from './clock';
import { ClusterIpAllocator } from './cluster-ip-allocator';
import { applyDefaults, initialStatus } from './defaulting';
import { assignGenerations } from './generations';
import { dropOmittedEmpties } from './go-round-trip';
import { FieldChanges, fieldChanges, recordUpdate } from './managed-fields';
import { NameGenerator } from './name-generator';
import { copy } from './object-copy';
import { ObjectIndex } from './object-index';
import { boundPod } from './pod-binding';
import { canonicalizeQuantities, canonicalizeStatusQuantities } from './quantities';
import { compileFilter } from './selectors';
import { serverSideApply } from './server-side-apply';
import { rfc3339 } from './timestamps';
import { UidGenerator } from './uid-generator';
import { deepEqual, validateObject } from './validation';
import { WatchHub } from './watch-hub';

/** Options of {@link createSandboxApi}. */
export interface SandboxApiOptions {
  /** The clock for timestamps. */
  readonly clock: SandboxClock;
  /**
   * How many changes are retained for watches that resume from a resourceVersion; older ones get 410 Expired.
   * @default 1000
   */
  readonly historyLimit?: number;
}

/** Namespaces every cluster starts with. */
export const INITIAL_NAMESPACES: readonly string[] = ['default', 'kube-system'];

/** Creates an empty in-process API server holding only the initial namespaces. */
export function createSandboxApi(options: SandboxApiOptions): SandboxApi {
  return new SandboxStore(options);
}

/** The in-process {@link SandboxApi}. */
export class SandboxStore implements SandboxApi {
  private readonly clock: SandboxClock;
  // Stored objects are never handed out, only copies (and the read-only views).
  private readonly objects = new ObjectIndex();
  private readonly watches: WatchHub;
  private readonly uids = new UidGenerator();
  private readonly names = new NameGenerator();
  private readonly clusterIps = new ClusterIpAllocator();
  private revision = 0;

  /** @param options the clock and the watch history window */
  constructor(options: SandboxApiOptions) {
    this.clock = options.clock;
    this.watches = new WatchHub({ historyLimit: options.historyLimit ?? 1000, index: this.objects, currentRevision: () => this.revision });
    for (const name of INITIAL_NAMESPACES) {
      this.create(RESOURCES.namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
    }
  }

  /** The store's current resourceVersion. */
  public get resourceVersion(): string {
    return String(this.revision);
  }

  /** @inheritdoc */
  public create(type: ResourceType, input: KubeObject, options: WriteOptions = {}): KubeObject {
    return this.createObject(type, copy(input), options);
  }

  /** @inheritdoc */
  public apply(type: ResourceType, input: KubeObject, options: ApplyOptions): KubeObject {
    const config = copy(input);
    this.checkKind(type, config);
    const live = this.objects.get(type, namespaceKey(type, this.namespaceOf(type, config.metadata?.namespace)), config.metadata?.name ?? '');
    const time = rfc3339(this.clock.now());
    const applied = serverSideApply(type, live, config, { manager: options.fieldManager, force: options.force ?? false, time });
    const writeOptions = { dryRun: options.dryRun };
    return live
      ? this.updateObject(type, applied.object, writeOptions, applied.managedFields)
      : this.createObject(type, applied.object, writeOptions, applied.managedFields);
  }

  // A create, its managedFields recorded as an Update of its manager or, for an apply, as the apply computed them.
  private createObject(type: ResourceType, obj: KubeObject, options: WriteOptions, appliedFields?: ManagedFieldsEntry[]): KubeObject {
    this.checkKind(type, obj);
    const metadata = obj.metadata ??= {};
    if (!metadata.name && metadata.generateName) {
      metadata.name = this.names.generate(metadata.generateName);
    }
    const namespace = this.namespaceOf(type, metadata.namespace);
    if (type.namespaced) {
      metadata.namespace = namespace;
    } else {
      delete metadata.namespace;
    }
    dropOmittedEmpties(obj);
    canonicalizeQuantities(obj);
    applyDefaults(obj);
    // The field manager sees the decoded, defaulted object, before the registry's own changes (status, generation).
    delete metadata.managedFields;
    const changes = options.fieldManager ? fieldChanges(type, undefined, obj) : undefined;
    const status = initialStatus(obj);
    if (status !== undefined) {
      obj.status = status;
    }
    validateObject(type, obj);
    if (this.objects.get(type, namespace, metadata.name!)) {
      throw new ApiError(409, 'AlreadyExists', `${qualifiedResource(type)} "${metadata.name}" already exists`,
        { name: metadata.name, group: type.group, kind: type.resource });
    }
    if (type.kind === 'Service') {
      this.clusterIps.allocate(obj.spec);
    }
    metadata.uid = this.uids.next();
    metadata.creationTimestamp = rfc3339(this.clock.now());
    if (appliedFields) {
      metadata.managedFields = appliedFields;
    } else if (options.fieldManager && changes) {
      metadata.managedFields = recordUpdate(undefined, type, options.fieldManager, metadata.creationTimestamp, undefined, changes);
    }
    delete metadata.deletionTimestamp;
    delete metadata.deletionGracePeriodSeconds;
    assignGenerations(obj);
    return options.dryRun ? copy(obj) : this.commit(type, 'ADDED', obj, undefined);
  }

  /** @inheritdoc */
  public get(type: ResourceType, namespace: string | undefined, name: string): KubeObject | undefined {
    const stored = this.objects.get(type, namespaceKey(type, namespace), name);
    return stored && copy(stored);
  }

  /** @inheritdoc */
  public list(type: ResourceType, options: ListOptions = {}): { items: KubeObject[]; resourceVersion: string } {
    const view = this.listView(type, options);
    return { items: view.items.map(copy), resourceVersion: view.resourceVersion };
  }

  /** @inheritdoc */
  public listView(type: ResourceType, options: ListOptions = {}): { items: readonly KubeObject[]; resourceVersion: string } {
    const filter = compileFilter(type, options);
    const items: KubeObject[] = [];
    for (const bucket of this.objects.buckets(type, filter.namespace)) {
      for (const obj of bucket.values()) {
        if (filter.matches(obj)) {
          items.push(obj);
        }
      }
    }
    items.sort(byNamespaceAndName);
    return { items, resourceVersion: this.resourceVersion };
  }

  /** @inheritdoc */
  public update(type: ResourceType, input: KubeObject, options: WriteOptions = {}): KubeObject {
    return this.updateObject(type, copy(input), options);
  }

  private updateObject(type: ResourceType, obj: KubeObject, options: WriteOptions, appliedFields?: ManagedFieldsEntry[]): KubeObject {
    this.checkKind(type, obj);
    const old = this.existing(type, obj.metadata?.namespace, obj.metadata?.name);
    this.checkResourceVersion(type, old, obj.metadata.resourceVersion);
    if (obj.metadata.uid && obj.metadata.uid !== old.metadata.uid) {
      throw new ApiError(409, 'Conflict',
        `Precondition failed: UID in precondition: ${obj.metadata.uid}, UID in object meta: ${old.metadata.uid}`, { name: old.metadata.name, kind: type.resource });
    }
    obj.metadata = {
      ...obj.metadata,
      name: old.metadata.name,
      namespace: old.metadata.namespace,
      uid: old.metadata.uid,
      creationTimestamp: old.metadata.creationTimestamp,
      deletionTimestamp: old.metadata.deletionTimestamp,
      deletionGracePeriodSeconds: old.metadata.deletionGracePeriodSeconds,
      generation: old.metadata.generation,
      resourceVersion: old.metadata.resourceVersion,
      managedFields: appliedFields ?? old.metadata.managedFields,
    };
    dropUndefined(obj.metadata);
    if (type.hasStatus) {
      obj.status = copy(old.status);
      dropUndefined(obj);
    }
    dropOmittedEmpties(obj);
    canonicalizeQuantities(obj);
    applyDefaults(obj);
    if (type.kind === 'Service' && obj.spec && !obj.spec.clusterIP) {
      // As upstream's patchAllocatedValues: an update that omits the allocated address keeps it.
      obj.spec.clusterIP = old.spec?.clusterIP;
      obj.spec.clusterIPs ??= old.spec?.clusterIPs;
    }
    validateObject(type, obj, old);
    assignGenerations(obj, old);
    if (deepEqual(old, obj)) {
      return copy(old);
    }
    if (!appliedFields) {
      this.recordManager(type, obj, old, options, options.fieldManager ? fieldChanges(type, old, obj) : undefined);
    }
    if (options.dryRun) {
      return copy(obj);
    }
    // Removing the last finalizer of an object already marked for deletion completes the deletion.
    if (old.metadata.deletionTimestamp && (obj.metadata.finalizers ?? []).length === 0 && old.metadata.deletionGracePeriodSeconds === 0) {
      return this.remove(type, obj);
    }
    return this.commit(type, 'MODIFIED', obj, old);
  }

  /** @inheritdoc */
  public updateStatus(type: ResourceType, input: KubeObject, options: WriteOptions = {}): KubeObject {
    const old = this.existing(type, input.metadata?.namespace, input.metadata?.name);
    this.checkResourceVersion(type, old, input.metadata?.resourceVersion);
    // Shares spec and the rest with the committed object, which is never changed in place; only the metadata (the
    // commit sets its resourceVersion) and the status are new.
    const obj: KubeObject = { ...old, metadata: { ...old.metadata }, status: copy(input.status) };
    dropUndefined(obj);
    canonicalizeStatusQuantities(obj);
    if (deepEqual(old, obj)) {
      return copy(old);
    }
    this.recordManager(type, obj, old, options, options.fieldManager ? fieldChanges(type, old, obj, 'status') : undefined, 'status');
    return options.dryRun ? copy(obj) : this.commit(type, 'MODIFIED', obj, old);
  }

  /** @inheritdoc */
  public bind(namespace: string, name: string, nodeName: string): KubeObject {
    const old = this.existing(RESOURCES.pods, namespace, name);
    return this.commit(RESOURCES.pods, 'MODIFIED', boundPod(old, nodeName, this.clock.now()), old);
  }

  /** @inheritdoc */
  public delete(type: ResourceType, namespace: string | undefined, name: string, options: DeleteOptions = {}): KubeObject | undefined {
    const stored = this.objects.get(type, namespaceKey(type, namespace), name);
    if (!stored) {
      return undefined;
    }
    const preconditions = options.preconditions ?? {};
    if (preconditions.uid !== undefined && preconditions.uid !== stored.metadata.uid) {
      throw new ApiError(409, 'Conflict',
        `Precondition failed: UID in precondition: ${preconditions.uid}, UID in object meta: ${stored.metadata.uid}`, { name, kind: type.resource });
    }
    if (preconditions.resourceVersion !== undefined && preconditions.resourceVersion !== stored.metadata.resourceVersion) {
      throw new ApiError(409, 'Conflict',
        `Precondition failed: ResourceVersion in precondition: ${preconditions.resourceVersion}, ResourceVersion in object meta: ${stored.metadata.resourceVersion}`,
        { name, kind: type.resource });
    }
    const grace = this.gracePeriod(type, stored, options.gracePeriodSeconds);
    const finalizers = withPropagationFinalizer(stored.metadata.finalizers ?? [], options.propagationPolicy);
    if (grace > 0 || finalizers.length > 0) {
      return this.markDeleted(type, stored, grace, finalizers, options.dryRun ?? false);
    }
    if (options.dryRun) {
      return copy(stored);
    }
    if (type.kind === 'Namespace') {
      this.removeNamespaceContents(name);
    }
    return this.remove(type, copy(stored));
  }

  /** @inheritdoc */
  public watch(type: ResourceType, options: ListOptions & { resourceVersion?: string }, listener: (event: ApiEvent) => void): () => void {
    return this.watches.watch(type, options, listener, false);
  }

  /** @inheritdoc */
  public watchView(type: ResourceType, options: ListOptions & { resourceVersion?: string }, listener: (event: ApiEvent) => void): () => void {
    return this.watches.watch(type, options, listener, true);
  }

  private commit(type: ResourceType, eventType: ApiEvent['type'], obj: KubeObject, previous: KubeObject | undefined): KubeObject {
    this.revision++;
    obj.metadata.resourceVersion = String(this.revision);
    const namespace = type.namespaced ? obj.metadata.namespace! : '';
    if (eventType === 'DELETED') {
      this.objects.delete(type, namespace, obj.metadata.name!);
    } else {
      this.objects.set(type, namespace, obj);
    }
    this.watches.publish({ resource: type, type: eventType, object: obj, previous, resourceVersion: this.revision });
    return copy(obj);
  }

  private remove(type: ResourceType, obj: KubeObject): KubeObject {
    return this.commit(type, 'DELETED', obj, undefined);
  }

  private markDeleted(type: ResourceType, stored: KubeObject, grace: number, finalizers: string[], dryRun: boolean): KubeObject {
    const obj = copy(stored);
    if (finalizers.length > 0) {
      obj.metadata.finalizers = finalizers;
    }
    const current = stored.metadata.deletionGracePeriodSeconds;
    if (!stored.metadata.deletionTimestamp || current === undefined || grace < current) {
      obj.metadata.deletionTimestamp = rfc3339(this.clock.now() + grace * 1000);
      obj.metadata.deletionGracePeriodSeconds = grace;
    }
    if (dryRun) {
      return copy(obj);
    }
    return deepEqual(obj, stored) ? copy(stored) : this.commit(type, 'MODIFIED', obj, stored);
  }

  // Pods bound to a node and still running terminate gracefully (CheckGracefulDelete in the pod strategy); other kinds
  // are deleted at once.
  private gracePeriod(type: ResourceType, stored: KubeObject, requested: number | undefined): number {
    if (type.kind !== 'Pod' || !stored.spec?.nodeName || ['Succeeded', 'Failed'].includes(stored.status?.phase)) {
      return 0;
    }
    return Math.max(0, requested ?? stored.spec?.terminationGracePeriodSeconds ?? 30);
  }

  private removeNamespaceContents(namespace: string): void {
    for (const type of Object.values(RESOURCES)) {
      if (type.namespaced) {
        // Collected first: each removal changes the bucket being read.
        for (const obj of this.objects.buckets(type, namespace).flatMap((bucket) => [...bucket.values()])) {
          this.remove(type, copy(obj));
        }
      }
    }
  }

  private existing(type: ResourceType, namespace: string | undefined, name: string | undefined): KubeObject {
    const stored = name ? this.objects.get(type, namespaceKey(type, namespace), name) : undefined;
    if (!stored) {
      throw notFound(type, name ?? '');
    }
    return stored;
  }

  // A write that changed the object is recorded under its manager (a no-op write changes nothing, managedFields included).
  private recordManager(type: ResourceType, obj: KubeObject, old: KubeObject, options: WriteOptions, changes: FieldChanges | undefined,
    subresource?: string): void {
    if (options.fieldManager && changes) {
      const managedFields = recordUpdate(old.metadata.managedFields, type, options.fieldManager, rfc3339(this.clock.now()), subresource, changes);
      obj.metadata = { ...obj.metadata, managedFields };
    }
  }

  private checkResourceVersion(type: ResourceType, stored: KubeObject, resourceVersion: string | undefined): void {
    if (resourceVersion && resourceVersion !== stored.metadata.resourceVersion) {
      throw new ApiError(409, 'Conflict',
        `Operation cannot be fulfilled on ${qualifiedResource(type)} "${stored.metadata.name}": the object has been modified; please apply your changes to the latest version and try again`,
        { name: stored.metadata.name, group: type.group, kind: type.resource });
    }
  }

  private checkKind(type: ResourceType, obj: KubeObject): void {
    const apiVersion = apiVersionOf(type);
    obj.apiVersion ||= apiVersion;
    obj.kind ||= type.kind;
    if (obj.apiVersion !== apiVersion || obj.kind !== type.kind) {
      throw new ApiError(400, 'BadRequest',
        `the object's apiVersion/kind ${obj.apiVersion}/${obj.kind} does not match the resource ${qualifiedResource(type)} (expected ${apiVersion}/${type.kind})`);
    }
  }

  // The namespace an object of `type` goes to ('' for cluster-scoped); 404 when a namespaced object's namespace is missing.
  private namespaceOf(type: ResourceType, namespace: string | undefined): string {
    if (!type.namespaced) {
      return '';
    }
    const name = namespace || 'default';
    if (!this.objects.get(RESOURCES.namespaces, '', name)) {
      throw notFound(RESOURCES.namespaces, name);
    }
    return name;
  }
}

// The finalizer a propagation policy asks the garbage collector to honour (upstream's deletionFinalizersForGarbageCollection).
function withPropagationFinalizer(finalizers: string[], policy: DeleteOptions['propagationPolicy']): string[] {
  const wanted = policy === 'Orphan' ? 'orphan' : policy === 'Foreground' ? 'foregroundDeletion' : undefined;
  const others = finalizers.filter((finalizer) => finalizer !== 'orphan' && finalizer !== 'foregroundDeletion');
  if (!wanted) {
    return policy === 'Background' ? others : finalizers;
  }
  return [...others, wanted];
}

// Where an object lives in the index: a namespaced object without a namespace is in `default`, as kubectl assumes.
function namespaceKey(type: ResourceType, namespace: string | undefined): string {
  return type.namespaced ? namespace || 'default' : '';
}

function byNamespaceAndName(a: KubeObject, b: KubeObject): number {
  const ns = (a.metadata.namespace ?? '').localeCompare(b.metadata.namespace ?? '');
  return ns !== 0 ? ns : (a.metadata.name ?? '').localeCompare(b.metadata.name ?? '');
}

function dropUndefined(record: object): void {
  for (const key of Object.keys(record)) {
    if ((record as Record<string, unknown>)[key] === undefined) {
      delete (record as Record<string, unknown>)[key];
    }
  }
}
