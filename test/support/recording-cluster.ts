// Every request a command makes, as the API server would authorize it, recorded at the Cluster boundary (beneath the
// retrying layer, so a retried request is recorded each time it is sent).
import { ClusterConnector } from '../../src/cli/cli-context';
import { Cluster } from '../../src/runtime/cluster/cluster';
import { ClusterDecorator, ClusterRequest } from '../../src/runtime/cluster/cluster-decorator';
import { connectCluster } from '../../src/runtime/cluster/kube-cluster';

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

/** A connector for kubectl-stage runs that connects as the CLI does and records every connection's requests. */
export interface RecordingConnector {
  /** Pass as the run's `connector`. */
  readonly connector: ClusterConnector;
  /** The requests of every connection so far, connection by connection. */
  requests(): ClusterRequest[];
}

/** Starts recording: each connection the runs make is wrapped in a {@link RecordingCluster}. */
export function recordingConnector(): RecordingConnector {
  const recorders: RecordingCluster[] = [];
  return {
    connector: async (flags) => {
      const { cluster, namespace } = await connectCluster(flags);
      const recorder = new RecordingCluster(cluster);
      recorders.push(recorder);
      return { cluster: recorder, namespace };
    },
    requests: () => recorders.flatMap((recorder) => recorder.requests),
  };
}
