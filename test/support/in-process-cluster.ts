// The runtime's Cluster over the sandbox's in-process store (no HTTP): fast engine tests against the real controllers
// and kubelets on a VirtualClock. The HTTP tests use the same engine through kube-cluster.ts and the sandbox server.
import { RuntimeClock } from '../../src/runtime/clock';
import {
  Cluster, ClusterDeleteOptions, ClusterError, ClusterKind, ClusterList, ClusterWatchEvent, ClusterWatchOptions, ListSelector, PatchType,
} from '../../src/runtime/cluster/cluster';
import { ApiError, RESOURCES, ResourceType, SandboxApi } from '../../src/sandbox/api';
import { VirtualClock } from '../../src/sandbox/clock';
import { applyPatch } from '../../src/sandbox/patch';

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

const CONTENT_TYPES: Record<PatchType, string> = {
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  json: 'application/json-patch+json',
};

/** A fault the test injects into the next matching calls. */
export interface InjectedFault {
  readonly verb: 'get' | 'list' | 'create' | 'replace' | 'patch' | 'delete' | 'watch';
  readonly kind?: ClusterKind;
  readonly code: number;
  /** How many calls fail. @default 1 */
  readonly times?: number;
}

/** The in-process Cluster, with fault injection and a record of every call. */
export class InProcessCluster implements Cluster {
  /** Every call, as `verb Kind name?`. */
  public readonly calls: string[] = [];
  private faults: { verb: string; kind?: ClusterKind; code: number; left: number }[] = [];
  private readonly watchStops = new Set<() => void>();

  public constructor(private readonly api: SandboxApi) {}

  /** Makes the next matching calls fail with `code`. */
  public inject(fault: InjectedFault): void {
    this.faults.push({ verb: fault.verb, kind: fault.kind, code: fault.code, left: fault.times ?? 1 });
  }

  /** Ends every open watch stream, as an API server restart does. */
  public dropWatches(): void {
    [...this.watchStops].forEach((stop) => stop());
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
    return this.call('patch', kind, name, () => {
      const current = this.api.get(CLUSTER_RESOURCES[kind], namespace, name);
      if (!current) {
        throw new ApiError(404, 'NotFound', `${CLUSTER_RESOURCES[kind].resource} "${name}" not found`);
      }
      const patched = applyPatch(CLUSTER_RESOURCES[kind], current, JSON.stringify(patch), CONTENT_TYPES[type]);
      return this.api.update(CLUSTER_RESOURCES[kind], patched) as T;
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

  public async watch<T>(kind: ClusterKind, namespace: string | undefined, options: ClusterWatchOptions,
    onEvent: (event: ClusterWatchEvent<T>) => void, signal: AbortSignal): Promise<void> {
    await this.call('watch', kind, '', () => undefined);
    return new Promise((resolve, reject) => {
      let stop: () => void = () => undefined;
      const end = () => {
        stop();
        this.watchStops.delete(end);
        signal.removeEventListener('abort', end);
        resolve();
      };
      try {
        // Delivered asynchronously, as an HTTP stream would, so a writer never sees its own event before its answer.
        const { labelSelector, fieldSelector, resourceVersion } = options;
        stop = this.api.watch(CLUSTER_RESOURCES[kind], { namespace, labelSelector, fieldSelector, resourceVersion },
          (event) => queueMicrotask(() => {
            if (!signal.aborted && this.watchStops.has(end)) {
              onEvent({ type: event.type, object: event.object as T });
            }
          }));
      } catch (error) {
        reject(toClusterError(error));
        return;
      }
      this.watchStops.add(end);
      signal.addEventListener('abort', end, { once: true });
    });
  }

  private async call<T>(verb: string, kind: ClusterKind, name: string, body: () => T): Promise<T> {
    this.calls.push(`${verb} ${kind}${name ? ` ${name}` : ''}`);
    await Promise.resolve();
    const fault = this.faults.find((candidate) => candidate.verb === verb && (!candidate.kind || candidate.kind === kind) && candidate.left > 0);
    if (fault) {
      fault.left--;
      throw new ClusterError(fault.code, `injected ${fault.code} for ${verb} ${kind}`, { reason: fault.code === 409 ? 'Conflict' : 'InternalError' });
    }
    try {
      return body();
    } catch (error) {
      throw toClusterError(error);
    }
  }
}

function toClusterError(error: unknown): unknown {
  return error instanceof ApiError ? new ClusterError(error.code, error.message, { reason: error.reason }) : error;
}

/** The sandbox's VirtualClock as a RuntimeClock: its sleep rejects on abort, the runtime's resolves. */
export function runtimeClockOf(clock: VirtualClock): RuntimeClock {
  return {
    now: () => clock.now(),
    sleep: (ms, signal) => clock.sleep(ms, signal).catch(() => undefined),
  };
}
