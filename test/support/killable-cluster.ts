// A process that dies: once killed, its Cluster's requests never complete (and answers in flight are never delivered),
// so a controller or promoter on it stops where it is without releasing anything, as a killed pod does.
import { Cluster } from '../../src/runtime/cluster/cluster';
import { ClusterDecorator, ClusterRequest } from '../../src/runtime/cluster/cluster-decorator';

/** A {@link Cluster} that stops answering at {@link KillableCluster.kill}. */
export class KillableCluster extends ClusterDecorator {
  private dead = false;

  public constructor(inner: Cluster) {
    super(inner);
  }

  /** Whether {@link kill} was called. */
  public get killed(): boolean {
    return this.dead;
  }

  /** From now on, no request completes. */
  public kill(): void {
    this.dead = true;
  }

  protected around<T>(_request: ClusterRequest, call: () => Promise<T>): Promise<T> {
    const never = () => new Promise<T>(() => undefined);
    return this.dead ? never() : call().then((value) => (this.dead ? never() : value));
  }
}
