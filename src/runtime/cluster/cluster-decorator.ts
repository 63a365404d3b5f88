// The shape every Cluster wrapper shares (retries, request counting, test doubles): forward each call to the inner
// Cluster through one hook, so a wrapper states only what it adds around a call.
import {
  Cluster, ClusterDeleteOptions, ClusterKind, ClusterList, ClusterWatchEvent, ClusterWatchOptions, ListSelector, PatchType,
} from './cluster';

/** The operations of a {@link Cluster}, as a wrapper sees them. */
export type ClusterVerb = 'get' | 'list' | 'create' | 'replace' | 'patch' | 'delete' | 'watch' | 'proxy';

/** One call as a wrapper sees it: what is done to which objects (what an API server authorizes). */
export interface ClusterRequest {
  readonly verb: ClusterVerb;
  readonly kind: ClusterKind;
  /** The namespace; undefined for cluster-scoped objects and lists across namespaces. */
  readonly namespace?: string;
  /** The object's name (get, replace, patch, delete); undefined for create, list and watch. */
  readonly name?: string;
  /** The selectors of a list or watch. @default none */
  readonly selector?: ListSelector;
  /** The port and path of a pod proxy request (`verb` 'proxy' on a Pod). @default none */
  readonly proxy?: { readonly port: number; readonly path: string };
}

/** A {@link Cluster} that forwards every call to `inner` through {@link ClusterDecorator.around}. */
export abstract class ClusterDecorator implements Cluster {
  protected constructor(protected readonly inner: Cluster) {}

  public get<T>(kind: ClusterKind, namespace: string | undefined, name: string): Promise<T | undefined> {
    return this.around({ verb: 'get', kind, namespace, name }, () => this.inner.get<T>(kind, namespace, name));
  }

  public list<T>(kind: ClusterKind, namespace: string | undefined, selector?: ListSelector): Promise<ClusterList<T>> {
    return this.around({ verb: 'list', kind, namespace, selector }, () => this.inner.list<T>(kind, namespace, selector));
  }

  public create<T>(kind: ClusterKind, namespace: string, body: T): Promise<T> {
    return this.around({ verb: 'create', kind, namespace }, () => this.inner.create<T>(kind, namespace, body));
  }

  public replace<T>(kind: ClusterKind, namespace: string, body: T): Promise<T> {
    const name = (body as { metadata?: { name?: string } }).metadata?.name;
    return this.around({ verb: 'replace', kind, namespace, name }, () => this.inner.replace<T>(kind, namespace, body));
  }

  public patch<T>(kind: ClusterKind, namespace: string, name: string, patch: unknown, type: PatchType): Promise<T> {
    return this.around({ verb: 'patch', kind, namespace, name }, () => this.inner.patch<T>(kind, namespace, name, patch, type));
  }

  public delete(kind: ClusterKind, namespace: string, name: string, options?: ClusterDeleteOptions): Promise<void> {
    return this.around({ verb: 'delete', kind, namespace, name }, () => this.inner.delete(kind, namespace, name, options));
  }

  public podProxyGet(namespace: string, pod: string, port: number, path: string): Promise<string> {
    return this.around({ verb: 'proxy', kind: 'Pod', namespace, name: pod, proxy: { port, path } },
      () => this.inner.podProxyGet(namespace, pod, port, path));
  }

  public watch<T>(kind: ClusterKind, namespace: string | undefined, options: ClusterWatchOptions,
    onEvent: (event: ClusterWatchEvent<T>) => void, signal: AbortSignal): Promise<void> {
    const selector = { labelSelector: options.labelSelector, fieldSelector: options.fieldSelector };
    return this.around({ verb: 'watch', kind, namespace, selector }, () => this.inner.watch<T>(kind, namespace, options, onEvent, signal));
  }

  /** Runs one forwarded call; `call` performs it on the inner Cluster. */
  protected abstract around<T>(request: ClusterRequest, call: () => Promise<T>): Promise<T>;
}
