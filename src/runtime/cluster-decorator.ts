// The shape every Cluster wrapper shares (retries, request counting, test doubles): forward each call to the inner
// Cluster through one hook, so a wrapper states only what it adds around a call.
import {
  Cluster, ClusterDeleteOptions, ClusterKind, ClusterList, ClusterWatchEvent, ClusterWatchOptions, ListSelector, PatchType,
} from './cluster';

/** The operations of a {@link Cluster}, as a wrapper sees them. */
export type ClusterVerb = 'get' | 'list' | 'create' | 'replace' | 'patch' | 'delete' | 'watch';

/** A {@link Cluster} that forwards every call to `inner` through {@link ClusterDecorator.around}. */
export abstract class ClusterDecorator implements Cluster {
  protected constructor(protected readonly inner: Cluster) {}

  public get<T>(kind: ClusterKind, namespace: string | undefined, name: string): Promise<T | undefined> {
    return this.around('get', () => this.inner.get<T>(kind, namespace, name));
  }

  public list<T>(kind: ClusterKind, namespace: string | undefined, selector?: ListSelector): Promise<ClusterList<T>> {
    return this.around('list', () => this.inner.list<T>(kind, namespace, selector));
  }

  public create<T>(kind: ClusterKind, namespace: string, body: T): Promise<T> {
    return this.around('create', () => this.inner.create<T>(kind, namespace, body));
  }

  public replace<T>(kind: ClusterKind, namespace: string, body: T): Promise<T> {
    return this.around('replace', () => this.inner.replace<T>(kind, namespace, body));
  }

  public patch<T>(kind: ClusterKind, namespace: string, name: string, patch: unknown, type: PatchType): Promise<T> {
    return this.around('patch', () => this.inner.patch<T>(kind, namespace, name, patch, type));
  }

  public delete(kind: ClusterKind, namespace: string, name: string, options?: ClusterDeleteOptions): Promise<void> {
    return this.around('delete', () => this.inner.delete(kind, namespace, name, options));
  }

  public watch<T>(kind: ClusterKind, namespace: string | undefined, options: ClusterWatchOptions,
    onEvent: (event: ClusterWatchEvent<T>) => void, signal: AbortSignal): Promise<void> {
    return this.around('watch', () => this.inner.watch<T>(kind, namespace, options, onEvent, signal));
  }

  /** Runs one forwarded call; `call` performs it on the inner Cluster. */
  protected abstract around<T>(verb: ClusterVerb, call: () => Promise<T>): Promise<T>;
}
