// API requests per promotion are a benchmark figure (issue 5); counting them at the boundary keeps the engine honest
// about every read, write and watch it makes, retries included when this wraps the retrying layer's inner cluster.
import {
  Cluster, ClusterDeleteOptions, ClusterKind, ClusterList, ClusterWatchEvent, ClusterWatchOptions, ListSelector, PatchType,
} from './cluster';

/** A {@link Cluster} that counts the requests it forwards, by verb. */
export class CountingCluster implements Cluster {
  private readonly counts = new Map<string, number>();

  public constructor(private readonly inner: Cluster) {}

  /** Requests so far: the total and per verb (`get`, `list`, `create`, `replace`, `patch`, `delete`, `watch`). */
  public requests(): { readonly total: number; readonly byVerb: Readonly<Record<string, number>> } {
    const byVerb = Object.fromEntries(this.counts);
    return { total: [...this.counts.values()].reduce((sum, count) => sum + count, 0), byVerb };
  }

  public get<T>(kind: ClusterKind, namespace: string | undefined, name: string): Promise<T | undefined> {
    this.count('get');
    return this.inner.get<T>(kind, namespace, name);
  }

  public list<T>(kind: ClusterKind, namespace: string | undefined, selector?: ListSelector): Promise<ClusterList<T>> {
    this.count('list');
    return this.inner.list<T>(kind, namespace, selector);
  }

  public create<T>(kind: ClusterKind, namespace: string, body: T): Promise<T> {
    this.count('create');
    return this.inner.create<T>(kind, namespace, body);
  }

  public replace<T>(kind: ClusterKind, namespace: string, body: T): Promise<T> {
    this.count('replace');
    return this.inner.replace<T>(kind, namespace, body);
  }

  public patch<T>(kind: ClusterKind, namespace: string, name: string, patch: unknown, type: PatchType): Promise<T> {
    this.count('patch');
    return this.inner.patch<T>(kind, namespace, name, patch, type);
  }

  public delete(kind: ClusterKind, namespace: string, name: string, options?: ClusterDeleteOptions): Promise<void> {
    this.count('delete');
    return this.inner.delete(kind, namespace, name, options);
  }

  public watch<T>(kind: ClusterKind, namespace: string | undefined, options: ClusterWatchOptions,
    onEvent: (event: ClusterWatchEvent<T>) => void, signal: AbortSignal): Promise<void> {
    this.count('watch');
    return this.inner.watch<T>(kind, namespace, options, onEvent, signal);
  }

  private count(verb: string): void {
    this.counts.set(verb, (this.counts.get(verb) ?? 0) + 1);
  }
}
