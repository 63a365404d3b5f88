// The narrow I/O boundary of the runtime. The engine, the lock and the commands talk to a cluster only through
// `Cluster`, so they run unchanged against a real API server (kube-cluster.ts), the sandbox over HTTP, or an
// in-process fake in tests.
import { brandError, hasErrorBrand } from '../../internal/error-brand';

/** The kinds of object the runtime reads or writes. */
export type ClusterKind = 'StatefulSet' | 'DaemonSet' | 'Pod' | 'ControllerRevision' | 'Lease' | 'Node' | 'Event';

/**
 * How a patch body is interpreted: `merge` is RFC 7386 (`application/merge-patch+json`), `strategic` is Kubernetes'
 * strategic merge patch, `json` is an RFC 6902 operation list, `apply` is server-side apply (the body is the runtime's
 * whole intent for the object, sent as {@link FIELD_MANAGER} with `force`; the adapter adds apiVersion, kind, name
 * and namespace).
 */
export type PatchType = 'merge' | 'strategic' | 'json' | 'apply';

/**
 * The field manager of the runtime's server-side applies: managedFields show `kubectl-stage` owning what it applied
 * (a StatefulSet's partition, the promotion state). Its applies are forced: while it promotes, the promoter is the
 * authority on those fields, as `kubectl scale` and `kubectl rollout` are on theirs (their writes are patches, Update
 * operations, which take fields from any manager without a conflict).
 */
export const FIELD_MANAGER = 'kubectl-stage';

/** A list answer: the items and the collection's resourceVersion to start a watch from. */
export interface ClusterList<T> {
  /** The objects. */
  readonly items: T[];
  /** The list's resourceVersion (a watch from it sees every later change). */
  readonly resourceVersion: string;
}

/** One event of a watch stream. */
export interface ClusterWatchEvent<T> {
  /** What happened; `BOOKMARK` carries only `metadata.resourceVersion`. */
  readonly type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK';
  /** The object after the change (before deletion for `DELETED`). */
  readonly object: T;
}

/** Which objects a list or watch returns. */
export interface ListSelector {
  /** A label selector in its string form, e.g. `app=kafka,tier in (a,b)`. @default every object */
  readonly labelSelector?: string;
  /** A field selector, e.g. `metadata.name=kafka`. @default every object */
  readonly fieldSelector?: string;
}

/** Options of `Cluster.delete`. */
export interface ClusterDeleteOptions {
  /** Delete only when the object still has this uid / resourceVersion (409 otherwise). @default none */
  readonly preconditions?: { readonly uid?: string; readonly resourceVersion?: string };
  /** Seconds the object may take to terminate gracefully. @default the object's own default */
  readonly gracePeriodSeconds?: number;
}

/** Options of `Cluster.watch`. */
export interface ClusterWatchOptions extends ListSelector {
  /** Stream changes after this resourceVersion (from a list or the last event seen). */
  readonly resourceVersion: string;
  /** Ask for BOOKMARK events, so a resumed watch starts from a recent resourceVersion. @default false */
  readonly allowBookmarks?: boolean;
}

/**
 * The request timeout when none is given. kubectl has none by default (its dial timeout is 30 s); a command here must
 * not hang on a server that accepts and never answers, so a request gets as long as kubectl gives a connection.
 * (Defined here rather than in kube-cluster.ts so that the CLI's help can name it without loading the adapter.)
 */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

/** The narrow I/O boundary of the runtime: everything the engine and commands do to a cluster. */
export interface Cluster {
  /** Reads one object; `undefined` when it does not exist (404). */
  get<T>(kind: ClusterKind, namespace: string | undefined, name: string): Promise<T | undefined>;
  /** Lists objects of a kind, in one namespace or (namespace `undefined`) across all / cluster-scoped. */
  list<T>(kind: ClusterKind, namespace: string | undefined, selector?: ListSelector): Promise<ClusterList<T>>;
  /** Creates an object (409 AlreadyExists -> ClusterError). */
  create<T>(kind: ClusterKind, namespace: string, body: T): Promise<T>;
  /** PUT; body.metadata.resourceVersion is the precondition (409 -> ClusterError). */
  replace<T>(kind: ClusterKind, namespace: string, body: T): Promise<T>;
  /** Patches an object; a `metadata.resourceVersion` in a merge patch is a precondition (409 when stale). */
  patch<T>(kind: ClusterKind, namespace: string, name: string, patch: unknown, type: PatchType): Promise<T>;
  /** Deletes an object; a missing object is a ClusterError with code 404. */
  delete(kind: ClusterKind, namespace: string, name: string, options?: ClusterDeleteOptions): Promise<void>;
  /**
   * `GET pods/<pod>:<port>/proxy/<path>`: what the pod answers on `port` at `path`, through the API server's pod proxy
   * (RBAC: `get` on `pods/proxy`). A non-2xx answer, the pod's own or the proxy's (503 when nothing listens, 400 when
   * the pod has no address yet), is a ClusterError with its code.
   */
  podProxyGet(namespace: string, pod: string, port: number, path: string): Promise<string>;
  /** Streams events until `signal` aborts (resolves) or the stream ends (resolves) or fails (rejects; 410 -> ClusterError code 410). */
  watch<T>(kind: ClusterKind, namespace: string | undefined, options: ClusterWatchOptions,
    onEvent: (event: ClusterWatchEvent<T>) => void, signal: AbortSignal): Promise<void>;
}

/** Options of `ClusterError`. */
export interface ClusterErrorOptions {
  /** The `reason` of the API server's Status (`Conflict`, `NotFound`, `Expired`...). @default none */
  readonly reason?: string;
  /** The seconds a 429 or 503 answer asked the client to wait (`Retry-After`). @default none */
  readonly retryAfterSeconds?: number;
}

/** An error answer of the API server (or a transport failure, code 0), with its HTTP code and Status reason. */
export class ClusterError extends Error {
  /**
   * Whether `error` is a `ClusterError`, optionally with the given HTTP code, made by this copy of the class or by
   * another bundle's.
   */
  public static is(error: unknown, code?: number): error is ClusterError {
    return hasErrorBrand(error, 'ClusterError') && (code === undefined || (error as ClusterError).code === code);
  }

  /** The HTTP status code; 0 when no answer arrived (connection refused, reset). */
  public readonly code: number;
  /** The Status `reason`. */
  public readonly reason?: string;
  /** The `Retry-After` seconds of a throttled answer. */
  public readonly retryAfterSeconds?: number;

  /** @param message the Status `message` as the API server wrote it. */
  public constructor(code: number, message: string, options: ClusterErrorOptions = {}) {
    super(message);
    this.name = 'ClusterError';
    this.code = code;
    brandError(this, 'ClusterError');
    this.reason = options.reason;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}
