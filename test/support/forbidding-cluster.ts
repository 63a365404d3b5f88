// An API server whose authorizer refuses some requests: each refused request fails as a real one does, with a 403
// Forbidden Status naming the account, the verb and the resource (staging/src/k8s.io/apiserver/pkg/endpoints/handlers/
// responsewriters/errors.go ForbiddenStatusError), so a runtime can be tested against a Role that grants too little.
import { CLUSTER_RESOURCES } from '../../src/rehearsal/sandbox-cluster';
import { Cluster, ClusterError } from '../../src/runtime/cluster/cluster';
import { ClusterDecorator, ClusterRequest } from '../../src/runtime/cluster/cluster-decorator';

/** A {@link Cluster} that refuses, with 403, each request `refuses` holds for. */
export class ForbiddingCluster extends ClusterDecorator {
  /** The requests refused so far. */
  public readonly refused: ClusterRequest[] = [];

  public constructor(inner: Cluster, private readonly refuses: (request: ClusterRequest) => boolean, private readonly user = 'system:serviceaccount:ops:kubectl-stage-controller') {
    super(inner);
  }

  protected around<T>(request: ClusterRequest, call: () => Promise<T>): Promise<T> {
    if (!this.refuses(request)) {
      return call();
    }
    this.refused.push(request);
    const type = CLUSTER_RESOURCES[request.kind];
    const resource = request.verb === 'proxy' ? `${type.resource}/proxy` : type.resource;
    const verb = request.verb === 'replace' ? 'update' : request.verb === 'proxy' ? 'get' : request.verb;
    const qualified = type.group === '' ? type.resource : `${type.resource}.${type.group}`;
    const message = `${qualified}${request.name ? ` "${request.name}"` : ''} is forbidden: User "${this.user}" cannot ${verb} resource "${resource}" `
      + `in API group "${type.group}"${request.namespace ? ` in the namespace "${request.namespace}"` : ''}`;
    return Promise.reject(new ClusterError(403, message, { reason: 'Forbidden' }));
  }
}
