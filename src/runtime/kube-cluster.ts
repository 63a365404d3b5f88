// The Cluster adapter over @kubernetes/client-node 1.x: kubeconfig loading as kubectl does it, the typed APIs for
// requests, Watch for streams, and every failure mapped to a ClusterError with the API server's code and Status.
// client-node is ESM-only, so it is loaded with a dynamic import and only its types are imported statically.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type * as k8s from '@kubernetes/client-node' with { 'resolution-mode': 'import' };
import {
  Cluster, ClusterDeleteOptions, ClusterError, ClusterKind, ClusterList, ClusterWatchEvent, ClusterWatchOptions, ListSelector, PatchType,
} from './cluster';
import { RuntimeError } from './runtime-error';

type ClientModule = typeof k8s;
type Serializer = {
  serialize(data: unknown, type: string, format?: string): unknown;
  deserialize(data: unknown, type: string, format?: string): unknown;
};

/** How to reach a cluster, as kubectl's global flags say it. */
export interface ConnectOptions {
  /** `--kubeconfig`: one file, used alone. @default KUBECONFIG, then ~/.kube/config, then the in-cluster service account */
  readonly kubeconfig?: string;
  /** `--context`. @default the kubeconfig's current-context */
  readonly context?: string;
  /** `-n/--namespace`. @default the context's namespace, then "default" */
  readonly namespace?: string;
  /** The environment to read KUBECONFIG and HOME from. @default process.env */
  readonly env?: Record<string, string | undefined>;
}

/** A connected cluster and the namespace commands act in. */
export interface ConnectedCluster {
  /** The cluster of the chosen context. */
  readonly cluster: Cluster;
  /** `--namespace`, else the context's namespace, else `default`. */
  readonly namespace: string;
}

// Where each kind lives: the typed API class, the model the serializer knows it by, its REST path, and its scope.
interface KindRoute {
  readonly api: 'CoreV1Api' | 'AppsV1Api' | 'CoordinationV1Api';
  readonly model: string;
  readonly prefix: string;
  readonly plural: string;
  readonly namespaced: boolean;
}

const ROUTES: Record<ClusterKind, KindRoute> = {
  StatefulSet: { api: 'AppsV1Api', model: 'V1StatefulSet', prefix: '/apis/apps/v1', plural: 'statefulsets', namespaced: true },
  DaemonSet: { api: 'AppsV1Api', model: 'V1DaemonSet', prefix: '/apis/apps/v1', plural: 'daemonsets', namespaced: true },
  ControllerRevision: { api: 'AppsV1Api', model: 'V1ControllerRevision', prefix: '/apis/apps/v1', plural: 'controllerrevisions', namespaced: true },
  Pod: { api: 'CoreV1Api', model: 'V1Pod', prefix: '/api/v1', plural: 'pods', namespaced: true },
  Node: { api: 'CoreV1Api', model: 'V1Node', prefix: '/api/v1', plural: 'nodes', namespaced: false },
  Event: { api: 'CoreV1Api', model: 'CoreV1Event', prefix: '/api/v1', plural: 'events', namespaced: true },
  Lease: { api: 'CoordinationV1Api', model: 'V1Lease', prefix: '/apis/coordination.k8s.io/v1', plural: 'leases', namespaced: true },
};

/**
 * Loads the kubeconfig with kubectl's precedence (`--kubeconfig`, then every file of `KUBECONFIG` merged with the first
 * one winning, then `~/.kube/config`, then the in-cluster service account), applies `--context`, and resolves the
 * namespace (`--namespace`, the context's, then `default`).
 *
 * @throws RuntimeError (`bad-input`) when no configuration is found or the context does not exist
 */
export async function connectCluster(options: ConnectOptions = {}): Promise<ConnectedCluster> {
  const client = await import('@kubernetes/client-node');
  const env = options.env ?? process.env;
  const kc = new client.KubeConfig();
  // kubectl skips KUBECONFIG entries that do not exist, but an explicit --kubeconfig must.
  const files = options.kubeconfig
    ? [options.kubeconfig]
    : (env.KUBECONFIG ?? '').split(path.delimiter).filter((file) => file !== '' && fs.existsSync(file));
  const home = path.join(env.HOME ?? os.homedir(), '.kube', 'config');
  try {
    if (files.length > 0) {
      kc.loadFromFile(files[0]);
      for (const file of files.slice(1)) {
        const next = new client.KubeConfig();
        next.loadFromFile(file);
        mergeFirstWins(kc, next);
      }
    } else if (fs.existsSync(home)) {
      kc.loadFromFile(home);
    } else if (env.KUBERNETES_SERVICE_HOST) {
      kc.loadFromCluster();
    } else {
      throw new RuntimeError('bad-input',
        'no cluster configuration found: pass --kubeconfig, set KUBECONFIG, create ~/.kube/config, or run inside a cluster');
    }
  } catch (error) {
    if (RuntimeError.is(error)) {
      throw error;
    }
    throw new RuntimeError('bad-input', `cannot load kubeconfig ${files[0] ?? home}: ${(error as Error).message}`);
  }
  if (options.context) {
    if (!kc.getContextObject(options.context)) {
      throw new RuntimeError('bad-input', `context was not found for specified context: ${options.context}`);
    }
    kc.setCurrentContext(options.context);
  }
  if (!kc.getCurrentCluster()) {
    throw new RuntimeError('bad-input', `the kubeconfig has no cluster for context "${kc.getCurrentContext()}"`);
  }
  const namespace = options.namespace || kc.getContextObject(kc.getCurrentContext())?.namespace || 'default';
  return { cluster: await kubeCluster(kc), namespace };
}

/**
 * Merges `next` into `kc` as kubectl merges KUBECONFIG files: the first file to define a cluster, user or context name
 * wins, and the current-context is the first one set (client-node's mergeConfig refuses duplicate names instead).
 */
function mergeFirstWins(kc: k8s.KubeConfig, next: k8s.KubeConfig): void {
  const missing = <T extends { name: string }>(mine: readonly T[], theirs: readonly T[]) =>
    [...mine, ...theirs.filter((item) => !mine.some((own) => own.name === item.name))];
  kc.loadFromOptions({
    clusters: missing(kc.clusters, next.clusters),
    users: missing(kc.users, next.users),
    contexts: missing(kc.contexts, next.contexts),
    currentContext: kc.currentContext || next.currentContext,
  });
}

/** A Cluster over an already loaded KubeConfig. */
export async function kubeCluster(kc: k8s.KubeConfig): Promise<Cluster> {
  const client = await import('@kubernetes/client-node');
  // The typed APIs hand out models (Date objects, renamed fields such as `_exec`); the serializer converts between
  // them and the API's own JSON, which is what the runtime reads and writes.
  const { ObjectSerializer } = await import('@kubernetes/client-node/dist/gen/models/ObjectSerializer.js') as { ObjectSerializer: Serializer };
  return new KubeCluster(client, kc, ObjectSerializer);
}

class KubeCluster implements Cluster {
  private readonly apis: Record<KindRoute['api'], Record<string, (params: unknown, options?: unknown) => Promise<unknown>>>;

  public constructor(private readonly client: ClientModule, private readonly kc: k8s.KubeConfig, private readonly serializer: Serializer) {
    this.apis = {
      CoreV1Api: kc.makeApiClient(client.CoreV1Api) as never,
      AppsV1Api: kc.makeApiClient(client.AppsV1Api) as never,
      CoordinationV1Api: kc.makeApiClient(client.CoordinationV1Api) as never,
    };
  }

  public async get<T>(kind: ClusterKind, namespace: string | undefined, name: string): Promise<T | undefined> {
    try {
      return this.toJson<T>(kind, await this.call(kind, 'read', '', { name, namespace }));
    } catch (error) {
      if (ClusterError.is(error, 404)) {
        return undefined;
      }
      throw error;
    }
  }

  public async list<T>(kind: ClusterKind, namespace: string | undefined, selector: ListSelector = {}): Promise<ClusterList<T>> {
    const route = ROUTES[kind];
    const allNamespaces = route.namespaced && namespace === undefined;
    const list = await this.call(kind, 'list', allNamespaces ? 'ForAllNamespaces' : '', { namespace, ...selector }) as
      { items?: unknown[]; metadata?: { resourceVersion?: string } };
    return { items: (list.items ?? []).map((item) => this.toJson<T>(kind, item)), resourceVersion: list.metadata?.resourceVersion ?? '' };
  }

  public async create<T>(kind: ClusterKind, namespace: string, body: T): Promise<T> {
    return this.toJson<T>(kind, await this.call(kind, 'create', '', { namespace, body: this.toModel(kind, body) }));
  }

  public async replace<T>(kind: ClusterKind, namespace: string, body: T): Promise<T> {
    const name = (body as { metadata?: { name?: string } }).metadata?.name;
    return this.toJson<T>(kind, await this.call(kind, 'replace', '', { name, namespace, body: this.toModel(kind, body) }));
  }

  public async patch<T>(kind: ClusterKind, namespace: string, name: string, patch: unknown, type: PatchType): Promise<T> {
    const strategy = {
      merge: this.client.PatchStrategy.MergePatch,
      strategic: this.client.PatchStrategy.StrategicMergePatch,
      json: this.client.PatchStrategy.JsonPatch,
    }[type];
    const result = await this.call(kind, 'patch', '', { name, namespace, body: patch }, this.client.setHeaderOptions('Content-Type', strategy));
    return this.toJson<T>(kind, result);
  }

  public async delete(kind: ClusterKind, namespace: string, name: string, options: ClusterDeleteOptions = {}): Promise<void> {
    await this.call(kind, 'delete', '', {
      name,
      namespace,
      gracePeriodSeconds: options.gracePeriodSeconds,
      body: { preconditions: options.preconditions, gracePeriodSeconds: options.gracePeriodSeconds },
    });
  }

  public async watch<T>(kind: ClusterKind, namespace: string | undefined, options: ClusterWatchOptions,
    onEvent: (event: ClusterWatchEvent<T>) => void, signal: AbortSignal): Promise<void> {
    if (signal.aborted) {
      return;
    }
    const route = ROUTES[kind];
    const scope = route.namespaced && namespace !== undefined ? `/namespaces/${encodeURIComponent(namespace)}` : '';
    const watcher = new this.client.Watch(this.kc);
    await new Promise<void>((resolve, reject) => {
      let failure: ClusterError | undefined;
      let controller: AbortController | undefined;
      const onAbort = () => controller?.abort();
      const done = (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        if (signal.aborted) {
          resolve();
        } else if (failure) {
          reject(failure);
        } else if (error) {
          reject(toClusterError(error));
        } else {
          resolve();
        }
      };
      const query = {
        labelSelector: options.labelSelector,
        fieldSelector: options.fieldSelector,
        resourceVersion: options.resourceVersion,
        allowWatchBookmarks: options.allowBookmarks,
      };
      watcher.watch(`${route.prefix}${scope}/${route.plural}`, query, (phase, object) => {
        if (phase === 'ERROR') {
          // A watch that started but cannot go on (410 Expired when the resourceVersion is too old) says so in-band.
          const status = object as { code?: number; reason?: string; message?: string };
          failure = new ClusterError(status.code ?? 500, status.message ?? 'watch error', { reason: status.reason });
          controller?.abort();
          return;
        }
        if (!signal.aborted && !failure) {
          onEvent({ type: phase as ClusterWatchEvent<T>['type'], object: object as T });
        }
      }, done).then((started) => {
        controller = started;
        signal.addEventListener('abort', onAbort, { once: true });
        if (signal.aborted) {
          started.abort();
        }
      }, (error) => done(error));
    });
  }

  // Calls `<verb>[Namespaced]<Kind><suffix>` on the kind's typed API, e.g. patchNamespacedStatefulSet.
  private async call(kind: ClusterKind, verb: string, suffix: string, params: Record<string, unknown>, options?: unknown): Promise<unknown> {
    const route = ROUTES[kind];
    const scope = route.namespaced && suffix === '' ? 'Namespaced' : '';
    const method = `${verb}${scope}${kind}${suffix}`;
    const api = this.apis[route.api];
    try {
      return await api[method].call(api, params, options);
    } catch (error) {
      throw toClusterError(error);
    }
  }

  private toJson<T>(kind: ClusterKind, model: unknown): T {
    const json = this.serializer.serialize(model, ROUTES[kind].model) as Record<string, unknown>;
    return { apiVersion: json.apiVersion, kind: json.kind ?? kind, ...json } as T;
  }

  private toModel(kind: ClusterKind, json: unknown): unknown {
    return this.serializer.deserialize(json, ROUTES[kind].model);
  }
}

/**
 * Maps a client-node failure to a ClusterError: an `ApiException` carries the HTTP code and the Status body as text, a
 * failed watch request a `statusCode`, a transport error neither (code 0).
 */
export function toClusterError(error: unknown): ClusterError {
  if (ClusterError.is(error)) {
    return error;
  }
  const failure = error as { code?: unknown; statusCode?: number; body?: unknown; headers?: Record<string, string>; message?: string };
  const code = typeof failure.code === 'number' ? failure.code : failure.statusCode ?? 0;
  const status = parseStatus(failure.body);
  const retryAfter = Number(failure.headers?.['retry-after']);
  return new ClusterError(code, status?.message ?? failure.message ?? String(error), {
    reason: status?.reason,
    retryAfterSeconds: Number.isFinite(retryAfter) && failure.headers?.['retry-after'] !== undefined ? retryAfter : undefined,
  });
}

function parseStatus(body: unknown): { message?: string; reason?: string } | undefined {
  if (typeof body === 'object' && body !== null) {
    return body as { message?: string; reason?: string };
  }
  if (typeof body !== 'string' || body === '') {
    return undefined;
  }
  try {
    const parsed = JSON.parse(body);
    return typeof parsed === 'object' && parsed !== null ? parsed : undefined;
  } catch {
    return { message: body };
  }
}
