// Every request a command makes, as the API server would authorize it, recorded at the Cluster boundary (beneath the
// retrying layer, so a retried request is recorded each time it is sent).
import { Cluster } from '../../src/runtime/cluster/cluster';
import { ClusterDecorator, ClusterRequest } from '../../src/runtime/cluster/cluster-decorator';

/** A {@link Cluster} that records each request it forwards. */
export class RecordingCluster extends ClusterDecorator {
  /** The requests so far, in the order they were sent. */
  public readonly requests: ClusterRequest[] = [];

  public constructor(inner: Cluster) {
    super(inner);
  }

  protected around<T>(request: ClusterRequest, call: () => Promise<T>): Promise<T> {
    this.requests.push(request);
    return call();
  }
}
