/**
 * The sandbox API server's in-process contract: the object model, the resource types it serves and the operations
 * controllers, the HTTP layer and tests call. Every operation is synchronous and returns copies.
 */

/** Standard object metadata (the subset of `metav1.ObjectMeta` the sandbox keeps). */
export interface ObjectMeta {
  /** Unique name within the namespace. */
  name?: string;
  /** Prefix of a server-generated name, used when `name` is empty. */
  generateName?: string;
  /** Namespace of a namespaced object. */
  namespace?: string;
  /** Server-assigned unique id. */
  uid?: string;
  /** Opaque version for optimistic concurrency and watches. */
  resourceVersion?: string;
  /** Sequence number of spec changes. */
  generation?: number;
  /** RFC 3339 creation time. */
  creationTimestamp?: string;
  /** RFC 3339 time at which graceful deletion was requested. */
  deletionTimestamp?: string;
  /** Grace period of a pending graceful deletion. */
  deletionGracePeriodSeconds?: number;
  /** Labels. */
  labels?: Record<string, string>;
  /** Annotations. */
  annotations?: Record<string, string>;
  /** Owners, for garbage collection. */
  ownerReferences?: OwnerReference[];
  /** Finalizers that keep a deleted object until they are removed. */
  finalizers?: string[];
  /** Who wrote the object, how and when (maintained by the store). */
  managedFields?: ManagedFieldsEntry[];
}

/** One managedFields entry (metav1.ManagedFieldsEntry). */
export interface ManagedFieldsEntry {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time: string;
  fieldsType?: 'FieldsV1';
  fieldsV1?: Record<string, unknown>;
  subresource?: string;
}

/** A reference from a dependent object to its owner. */
export interface OwnerReference {
  /** API version of the owner. */
  apiVersion: string;
  /** Kind of the owner. */
  kind: string;
  /** Name of the owner. */
  name: string;
  /** UID of the owner. */
  uid: string;
  /** Whether the owner is the managing controller. */
  controller?: boolean;
  /** Whether foreground deletion of the owner waits for this dependent. */
  blockOwnerDeletion?: boolean;
}

/** Any Kubernetes object as JSON. */
export interface KubeObject {
  /** `group/version`, or `v1` for the core group. */
  apiVersion: string;
  /** The object's kind. */
  kind: string;
  /** The object's metadata. */
  metadata: ObjectMeta;
  /** Kind-specific fields (spec, status, data ...). */
  [field: string]: any;
}

/** One resource the API server serves. */
export interface ResourceType {
  /** API group; empty for the core group. */
  readonly group: string;
  /** API version within the group. */
  readonly version: string;
  /** Plural resource name used in URLs. */
  readonly resource: string;
  /** Singular lower-case name used in discovery. */
  readonly singular: string;
  /** Kind of the objects. */
  readonly kind: string;
  /** Whether objects live in a namespace. */
  readonly namespaced: boolean;
  /** Short names kubectl accepts (`po`, `sts`, `ds` ...). */
  readonly shortNames: readonly string[];
  /** Whether the resource has a `status` subresource (so updates ignore status and status updates ignore the rest). */
  readonly hasStatus: boolean;
  /** Whether the resource has a `scale` subresource. */
  readonly hasScale: boolean;
}

function resource(group: string, version: string, plural: string, kind: string, namespaced: boolean,
  extra: { shortNames?: string[]; hasStatus?: boolean; hasScale?: boolean } = {}): ResourceType {
  return Object.freeze({
    group,
    version,
    resource: plural,
    singular: kind.toLowerCase(),
    kind,
    namespaced,
    shortNames: Object.freeze(extra.shortNames ?? []),
    hasStatus: extra.hasStatus ?? false,
    hasScale: extra.hasScale ?? false,
  });
}

/** Every resource the sandbox serves, by a camel-case name. */
export const RESOURCES = {
  namespaces: resource('', 'v1', 'namespaces', 'Namespace', false, { shortNames: ['ns'], hasStatus: true }),
  nodes: resource('', 'v1', 'nodes', 'Node', false, { shortNames: ['no'], hasStatus: true }),
  pods: resource('', 'v1', 'pods', 'Pod', true, { shortNames: ['po'], hasStatus: true }),
  services: resource('', 'v1', 'services', 'Service', true, { shortNames: ['svc'], hasStatus: true }),
  persistentVolumeClaims: resource('', 'v1', 'persistentvolumeclaims', 'PersistentVolumeClaim', true, { shortNames: ['pvc'], hasStatus: true }),
  persistentVolumes: resource('', 'v1', 'persistentvolumes', 'PersistentVolume', false, { shortNames: ['pv'], hasStatus: true }),
  configMaps: resource('', 'v1', 'configmaps', 'ConfigMap', true, { shortNames: ['cm'] }),
  secrets: resource('', 'v1', 'secrets', 'Secret', true),
  serviceAccounts: resource('', 'v1', 'serviceaccounts', 'ServiceAccount', true, { shortNames: ['sa'] }),
  events: resource('', 'v1', 'events', 'Event', true, { shortNames: ['ev'] }),
  statefulSets: resource('apps', 'v1', 'statefulsets', 'StatefulSet', true, { shortNames: ['sts'], hasStatus: true, hasScale: true }),
  daemonSets: resource('apps', 'v1', 'daemonsets', 'DaemonSet', true, { shortNames: ['ds'], hasStatus: true }),
  controllerRevisions: resource('apps', 'v1', 'controllerrevisions', 'ControllerRevision', true),
  podDisruptionBudgets: resource('policy', 'v1', 'poddisruptionbudgets', 'PodDisruptionBudget', true, { shortNames: ['pdb'], hasStatus: true }),
  leases: resource('coordination.k8s.io', 'v1', 'leases', 'Lease', true),
  roles: resource('rbac.authorization.k8s.io', 'v1', 'roles', 'Role', true),
  roleBindings: resource('rbac.authorization.k8s.io', 'v1', 'rolebindings', 'RoleBinding', true),
  clusterRoles: resource('rbac.authorization.k8s.io', 'v1', 'clusterroles', 'ClusterRole', false),
  clusterRoleBindings: resource('rbac.authorization.k8s.io', 'v1', 'clusterrolebindings', 'ClusterRoleBinding', false),
} as const;

/** The `apiVersion` of a resource's objects: `group/version`, or the bare version for the core group. */
export function apiVersionOf(type: ResourceType): string {
  return type.group ? `${type.group}/${type.version}` : type.version;
}

/** Filters of a list or watch. */
export interface ListOptions {
  /**
   * Namespace to restrict to.
   * @default all namespaces
   */
  namespace?: string;
  /**
   * Label selector in `kubectl -l` syntax.
   * @default everything
   */
  labelSelector?: string;
  /**
   * Field selector (`metadata.name=x,spec.nodeName=y`).
   * @default everything
   */
  fieldSelector?: string;
}

/** A change delivered to watchers. */
export interface ApiEvent {
  /** What happened. */
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  /** A copy of the object after the change (its last state for DELETED). */
  object: KubeObject;
  /** The resourceVersion of the change. */
  resourceVersion: string;
}

/** An API failure with its HTTP code and Kubernetes Status reason. */
export class ApiError extends Error {
  /**
   * @param code HTTP status code (404, 409, 410, 422 ...)
   * @param reason Kubernetes Status reason (NotFound, AlreadyExists, Conflict, Expired, Invalid ...)
   * @param message human-readable message, as upstream words it
   * @param details Status details (name, group, kind, causes)
   */
  constructor(
    public readonly code: number,
    public readonly reason: string,
    message: string,
    public readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Options of a delete. */
export interface DeleteOptions {
  /**
   * Grace period; 0 deletes at once.
   * @default the object's own (pods: spec.terminationGracePeriodSeconds)
   */
  gracePeriodSeconds?: number;
  /**
   * Conditions the stored object must meet, else 409 Conflict.
   * @default none
   */
  preconditions?: { uid?: string; resourceVersion?: string };
  /**
   * What happens to dependents: `Orphan` and `Foreground` mark the object with the `orphan` or `foregroundDeletion`
   * finalizer for the garbage collector to act on; `Background` deletes the object now and lets the collector
   * delete the dependents afterwards.
   * @default 'Background'
   */
  propagationPolicy?: 'Orphan' | 'Background' | 'Foreground';
  /**
   * `dryRun=All`: return what the delete would return, deleting and marking nothing.
   * @default false
   */
  dryRun?: boolean;
}

/** Options of a create, update or status update. */
export interface WriteOptions {
  /**
   * `dryRun=All`: default, validate and admit the write and return the object it would store, without storing it (no
   * resourceVersion is consumed and no watcher hears of it).
   * @default false
   */
  dryRun?: boolean;
  /**
   * Who writes (a request's `fieldManager`, or its client's name): recorded in `metadata.managedFields` with the
   * operation, apiVersion, time and subresource, as upstream's field manager records Update operations.
   * @default - the write is not recorded
   */
  fieldManager?: string;
}

/** Options of a server-side apply. */
export interface ApplyOptions {
  /** The applier, whose managedFields entry (operation Apply) owns exactly the fields of what it applies. */
  fieldManager: string;
  /**
   * Take the fields the apply changes from the managers that own them, instead of answering 409 Conflict.
   * @default false
   */
  force?: boolean;
  /**
   * `dryRun=All`: answer with the object the apply would store, storing nothing.
   * @default false
   */
  dryRun?: boolean;
}

/** The in-process API server. */
export interface SandboxApi {
  /** Creates an object after upstream defaulting and validation; assigns uid, resourceVersion, creationTimestamp, generation and generated names. */
  create(type: ResourceType, obj: KubeObject, options?: WriteOptions): KubeObject;
  /** The object, or undefined when it does not exist. */
  get(type: ResourceType, namespace: string | undefined, name: string): KubeObject | undefined;
  /** The matching objects and the store's resourceVersion at the time of the list. */
  list(type: ResourceType, options?: ListOptions): { items: KubeObject[]; resourceVersion: string };
  /**
   * The same as `list`, but the stored objects themselves rather than copies, for callers that only read or serialize
   * them (the HTTP layer answering a list of 1,000 pods). Committed objects are never changed in place, so the view
   * stays consistent; callers must not mutate it.
   */
  listView(type: ResourceType, options?: ListOptions): { items: readonly KubeObject[]; resourceVersion: string };
  /** Replaces an object; 409 Conflict on a stale resourceVersion; spec changes bump generation; status is ignored when the type has a status subresource. */
  update(type: ResourceType, obj: KubeObject, options?: WriteOptions): KubeObject;
  /**
   * Server-side apply of `obj` (creating it when it does not exist): the configuration is merged into the stored
   * object as structured-merge-diff merges it, fields this manager applied before and omits now are removed unless
   * another manager owns them, and a change to a field another manager owns is a 409 Conflict unless `force`.
   */
  apply(type: ResourceType, obj: KubeObject, options: ApplyOptions): KubeObject;
  /** Replaces only the status of an object. */
  updateStatus(type: ResourceType, obj: KubeObject, options?: WriteOptions): KubeObject;
  /** Binds a pending pod to a node (the `pods/binding` subresource). */
  bind(namespace: string, name: string, nodeName: string): KubeObject;
  /**
   * Deletes an object. Pods bound to a node with a grace period > 0 and objects with finalizers are only marked
   * (deletionTimestamp); returns the marked or deleted object, or undefined when it did not exist.
   */
  delete(type: ResourceType, namespace: string | undefined, name: string, options?: DeleteOptions): KubeObject | undefined;
  /**
   * Calls `listener` synchronously after each committed change that matches; from a resourceVersion it first replays
   * the retained history, or throws ApiError 410 (Expired) when that version is too old. Without a resourceVersion (or
   * with "0") it first sends the current matching objects as ADDED, as upstream does. Objects entering or leaving the
   * selection arrive as ADDED or DELETED. Returns a function that stops the watch.
   */
  watch(type: ResourceType, options: ListOptions & { resourceVersion?: string }, listener: (event: ApiEvent) => void): () => void;
  /**
   * The same as `watch`, but each event carries the committed object itself rather than a copy, for listeners that
   * only read it (the controllers' shared caches, which every change of every pod passes through). Committed objects
   * are never changed in place, so an event object stays valid; listeners must not mutate it.
   */
  watchView(type: ResourceType, options: ListOptions & { resourceVersion?: string }, listener: (event: ApiEvent) => void): () => void;
}
