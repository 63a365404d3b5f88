// The runtime's Cluster over the sandbox's in-process store (no HTTP, no TLS): a rehearsal promotes with the runtime's
// own code against the sandbox's real controllers and kubelets on a VirtualClock. kube-cluster.ts is the same boundary
// over HTTP, for a real API server or the sandbox's server.
import { applyConfiguration } from '../runtime/cluster/apply-configuration';
import {
  Cluster, ClusterDeleteOptions, ClusterError, ClusterKind, ClusterList, ClusterWatchEvent, ClusterWatchOptions, FIELD_MANAGER, ListSelector,
  PatchType,
} from '../runtime/cluster/cluster';
import { ApiError, apiVersionOf, KubeObject, RESOURCES, ResourceType, SandboxApi } from '../sandbox/api';
import { applyPatch } from '../sandbox/patch';
import { PodMetrics } from '../sandbox/pod-metrics';

/** The sandbox resource of each kind the runtime works with (its API group, resource name and scope). */
export const CLUSTER_RESOURCES: Record<ClusterKind, ResourceType> = {
  StatefulSet: RESOURCES.statefulSets,
  DaemonSet: RESOURCES.daemonSets,
  Pod: RESOURCES.pods,
  ControllerRevision: RESOURCES.controllerRevisions,
  Lease: RESOURCES.leases,
  Node: RESOURCES.nodes,
  Event: RESOURCES.events,
};

// The content type the API server reads each patch body as.
const CONTENT_TYPES: Record<Exclude<PatchType, 'apply'>, string> = {
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  json: 'application/json-patch+json',
};

/** The runtime's Cluster over a sandbox store in the same process. */
export class SandboxCluster implements Cluster {
  private readonly watchEnds = new Set<() => void>();

  /**
   * @param api the sandbox store the controllers run against
   * @param podMetrics the pods' simulated metrics endpoints, which podProxyGet reaches @default none: no pod listens
   */
  public constructor(private readonly api: SandboxApi, private readonly podMetrics: PodMetrics = new PodMetrics()) {}

  /** Ends every open watch stream, as an API server does when it shuts down or restarts. */
  public endWatches(): void {
    [...this.watchEnds].forEach((end) => end());
  }

  public async get<T>(kind: ClusterKind, namespace: string | undefined, name: string): Promise<T | undefined> {
    return this.call('get', kind, name, () => this.api.get(CLUSTER_RESOURCES[kind], namespace, name) as T | undefined);
  }

  public async list<T>(kind: ClusterKind, namespace: string | undefined, selector: ListSelector = {}): Promise<ClusterList<T>> {
    return this.call('list', kind, '', () => {
      const list = this.api.list(CLUSTER_RESOURCES[kind], { namespace, ...selector });
      return { items: list.items as T[], resourceVersion: list.resourceVersion };
    });
  }

  public async create<T>(kind: ClusterKind, namespace: string, body: T): Promise<T> {
    return this.call('create', kind, '', () => this.api.create(CLUSTER_RESOURCES[kind], { ...(body as any), metadata: { ...(body as any).metadata, namespace } }) as T);
  }

  public async replace<T>(kind: ClusterKind, _namespace: string, body: T): Promise<T> {
    return this.call('replace', kind, (body as any).metadata?.name, () => this.api.update(CLUSTER_RESOURCES[kind], body as any) as T);
  }

  public async patch<T>(kind: ClusterKind, namespace: string, name: string, patch: unknown, type: PatchType): Promise<T> {
    const resource = CLUSTER_RESOURCES[kind];
    return this.call('patch', kind, name, () => {
      if (type === 'apply') {
        const config = applyConfiguration(apiVersionOf(resource), kind, namespace, name, patch) as KubeObject;
        return this.api.apply(resource, config, { fieldManager: FIELD_MANAGER, force: true }) as T;
      }
      const current = this.api.get(resource, namespace, name);
      if (!current) {
        throw new ApiError(404, 'NotFound', `${resource.resource} "${name}" not found`);
      }
      return this.api.update(resource, applyPatch(resource, current, JSON.stringify(patch), CONTENT_TYPES[type])) as T;
    });
  }

  public async delete(kind: ClusterKind, namespace: string, name: string, options: ClusterDeleteOptions = {}): Promise<void> {
    return this.call('delete', kind, name, () => {
      const { preconditions, gracePeriodSeconds } = options;
      if (!this.api.delete(CLUSTER_RESOURCES[kind], namespace, name, { preconditions, gracePeriodSeconds })) {
        throw new ApiError(404, 'NotFound', `${CLUSTER_RESOURCES[kind].resource} "${name}" not found`);
      }
    });
  }

  public async podProxyGet(namespace: string, pod: string, port: number, path: string): Promise<string> {
    return this.call('proxy', 'Pod', pod, () => {
      const answer = this.podMetrics.proxy(this.api, namespace, `${pod}:${port}`, path);
      if (answer.status < 200 || answer.status > 299) {
        throw new ApiError(answer.status, 'InternalError', answer.body.trim());
      }
      return answer.body;
    });
  }

  public async watch<T>(kind: ClusterKind, namespace: string | undefined, options: ClusterWatchOptions,
    onEvent: (event: ClusterWatchEvent<T>) => void, signal: AbortSignal): Promise<void> {
    await this.call('watch', kind, '', () => undefined);
    return new Promise((resolve, reject) => {
      let stop: () => void = () => undefined;
      const end = () => {
        stop();
        this.watchEnds.delete(end);
        signal.removeEventListener('abort', end);
        resolve();
      };
      try {
        // Delivered asynchronously, as an HTTP stream would, so a writer never sees its own event before its answer.
        const { labelSelector, fieldSelector, resourceVersion } = options;
        stop = this.api.watch(CLUSTER_RESOURCES[kind], { namespace, labelSelector, fieldSelector, resourceVersion },
          (event) => queueMicrotask(() => {
            if (!signal.aborted && this.watchEnds.has(end)) {
              onEvent({ type: event.type, object: event.object as T });
            }
          }));
      } catch (error) {
        reject(toClusterError(error));
        return;
      }
      this.watchEnds.add(end);
      signal.addEventListener('abort', end, { once: true });
    });
  }

  /**
   * Every call goes through here: answered after a microtask, as a request would be, with the sandbox's ApiError
   * turned into the runtime's ClusterError. A subclass may record calls or fail some before `body` runs.
   *
   * @param verb the Cluster method (`get`, `list`, `create`, `replace`, `patch`, `delete`, `watch`)
   * @param kind the object's kind
   * @param name the object's name, or '' for a collection
   * @param body the call against the store
   */
  protected async call<T>(_verb: string, _kind: ClusterKind, _name: string, body: () => T): Promise<T> {
    await Promise.resolve();
    try {
      return body();
    } catch (error) {
      throw toClusterError(error);
    }
  }
}

/** The sandbox's ApiError as the runtime's ClusterError (its HTTP code and Status reason); other errors unchanged. */
export function toClusterError(error: unknown): unknown {
  return error instanceof ApiError ? new ClusterError(error.code, error.message, { reason: error.reason }) : error;
}
