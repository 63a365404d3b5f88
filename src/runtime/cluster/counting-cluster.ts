// API requests per promotion are a benchmark figure (issue 5); counting them at the boundary keeps the engine honest
// about every read, write and watch it makes, retries included when this wraps the retrying layer's inner cluster.
import { Cluster } from './cluster';
import { ClusterDecorator, ClusterRequest } from './cluster-decorator';

/** A {@link Cluster} that counts the requests it forwards, by verb. */
export class CountingCluster extends ClusterDecorator {
  private readonly counts = new Map<string, number>();

  public constructor(inner: Cluster) {
    super(inner);
  }

  /** Requests so far: the total and per verb (`get`, `list`, `create`, `replace`, `patch`, `delete`, `watch`). */
  public requests(): { readonly total: number; readonly byVerb: Readonly<Record<string, number>> } {
    const byVerb = Object.fromEntries(this.counts);
    return { total: [...this.counts.values()].reduce((sum, count) => sum + count, 0), byVerb };
  }

  protected around<T>({ verb }: ClusterRequest, call: () => Promise<T>): Promise<T> {
    this.counts.set(verb, (this.counts.get(verb) ?? 0) + 1);
    return call();
  }
}
