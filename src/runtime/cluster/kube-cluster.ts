// The Cluster adapter over @kubernetes/client-node 1.x: kubeconfig loading as kubectl does it, the typed APIs for
// requests, Watch for streams, and every failure mapped to a ClusterError with the API server's code and Status.
// client-node is ESM-only, so it is loaded with a dynamic import and only its types are imported statically.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type * as k8s from '@kubernetes/client-node' with { 'resolution-mode': 'import' };
import { MAX_TIMER_MS } from '../clock';
import { applyConfiguration } from './apply-configuration';
import { ClientNodePart } from './client-node-parts';
import {
  Cluster, ClusterDeleteOptions, ClusterError, ClusterKind, ClusterList, ClusterWatchEvent, ClusterWatchOptions, DEFAULT_REQUEST_TIMEOUT_MS,
  FIELD_MANAGER, ListSelector, PatchType,
} from './cluster';
import { formatDuration } from '../duration';
import { RuntimeError } from '../runtime-error';

type ClientModule = Pick<typeof k8s, ClientNodePart>;
type Middleware = { pre(context: k8s.RequestContext): unknown; post(context: k8s.ResponseContext): unknown };
type ObservableOf = (value: unknown) => unknown;
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
  /**
   * `--request-timeout`: how long one request may take, connecting included (a watch: until its response starts);
   * 0 means no limit, as kubectl reads it. A server that never answers then fails the request instead of hanging it.
   * @default DEFAULT_REQUEST_TIMEOUT_MS (30 s)
   */
  readonly requestTimeoutMs?: number;
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
  const client: ClientModule = await import('@kubernetes/client-node');
  const env = options.env ?? process.env;
  // kubectl skips KUBECONFIG entries that do not exist, but an explicit --kubeconfig must.
  const files = options.kubeconfig
    ? [options.kubeconfig]
    : (env.KUBECONFIG ?? '').split(path.delimiter).filter((file) => file !== '' && fs.existsSync(file));
  const home = path.join(env.HOME ?? os.homedir(), '.kube', 'config');
  const load = (file: string): k8s.KubeConfig => {
    const loaded = new client.KubeConfig();
    try {
      // kubectl reads an empty file as an empty configuration; client-node's loader fails on it.
      if (fs.readFileSync(file, 'utf8').trim() === '') {
        loaded.loadFromOptions({ clusters: [], users: [], contexts: [], currentContext: '' });
      } else {
        loaded.loadFromFile(file);
      }
    } catch (error) {
      // A YAML error goes on with a code frame over several lines: its first line says what and where.
      throw new RuntimeError('bad-input', `cannot load kubeconfig ${file}: ${firstLine(error)}`);
    }
    return loaded;
  };
  let kc: k8s.KubeConfig;
  if (files.length > 0) {
    kc = load(files[0]);
    for (const file of files.slice(1)) {
      mergeFirstWins(kc, load(file));
    }
  } else if (fs.existsSync(home)) {
    kc = load(home);
  } else if (env.KUBERNETES_SERVICE_HOST) {
    kc = new client.KubeConfig();
    kc.loadFromCluster();
  } else {
    throw new RuntimeError('bad-input',
      'no cluster configuration found: pass --kubeconfig, set KUBECONFIG, create ~/.kube/config, or run inside a cluster');
  }
  allowPlainHttp(kc);
  if (options.context) {
    if (!kc.getContextObject(options.context)) {
      throw new RuntimeError('bad-input', `context was not found for specified context: ${options.context}`);
    }
    kc.setCurrentContext(options.context);
  }
  checkCurrentContext(kc, files.length > 0 ? files.join(path.delimiter) : home);
  const namespace = options.namespace || kc.getContextObject(kc.getCurrentContext())?.namespace || 'default';
  return { cluster: await kubeCluster(kc, options.requestTimeoutMs), namespace };
}

// What kubectl would refuse to use, said in one line naming the file and what to do: no context at all (an empty
// file), no current-context, a current-context or cluster the file does not define, a cluster without a server.
function checkCurrentContext(kc: k8s.KubeConfig, source: string): void {
  const names = kc.getContexts().map((context) => context.name);
  if (names.length === 0) {
    throw new RuntimeError('bad-input', `kubeconfig ${source} defines no context: point --kubeconfig or KUBECONFIG at a kubeconfig with one`);
  }
  const current = kc.getCurrentContext();
  if (!current) {
    throw new RuntimeError('bad-input', `kubeconfig ${source} sets no current-context: pass --context (one of ${names.join(', ')})`);
  }
  const context = kc.getContextObject(current);
  if (!context) {
    throw new RuntimeError('bad-input', `kubeconfig ${source}: current-context "${current}" is not one of its contexts (${names.join(', ')})`);
  }
  const cluster = kc.getCurrentCluster();
  if (!cluster) {
    throw new RuntimeError('bad-input', `kubeconfig ${source}: context "${current}" names cluster "${context.cluster}", which the file does not define`);
  }
  if (!cluster.server) {
    throw new RuntimeError('bad-input', `kubeconfig ${source}: cluster "${cluster.name}" has no server defined`);
  }
}

// kubectl speaks plain HTTP to an http:// server and ignores TLS settings for it; client-node refuses such a server
// unless insecure-skip-tls-verify is set, which for plain HTTP changes nothing else.
function allowPlainHttp(kc: k8s.KubeConfig): void {
  kc.loadFromOptions({
    clusters: kc.clusters.map((cluster) => cluster.server?.startsWith('http:') ? { ...cluster, skipTLSVerify: true } : cluster),
    users: kc.users,
    contexts: kc.contexts,
    currentContext: kc.currentContext,
  });
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0];
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

/**
 * A Cluster over an already loaded KubeConfig. Not exported: the published package inlines client-node, so its public
 * types cannot name client-node's KubeConfig.
 *
 * @param requestTimeoutMs how long one request may take; 0 means no limit @default DEFAULT_REQUEST_TIMEOUT_MS
 */
async function kubeCluster(kc: k8s.KubeConfig, requestTimeoutMs = DEFAULT_REQUEST_TIMEOUT_MS): Promise<Cluster> {
  const client: ClientModule = await import('@kubernetes/client-node');
  // The typed APIs hand out models (Date objects, renamed fields such as `_exec`); the serializer converts between
  // them and the API's own JSON, which is what the runtime reads and writes.
  const { ObjectSerializer } = await import('@kubernetes/client-node/dist/gen/models/ObjectSerializer.js') as { ObjectSerializer: Serializer };
  // Request middleware returns the client's own Observable type.
  const { of } = await import('@kubernetes/client-node/dist/gen/rxjsStub.js') as { of: ObservableOf };
  return new KubeCluster(client, kc, ObjectSerializer, of, requestTimeoutMs);
}

class KubeCluster implements Cluster {
  private readonly apis: Record<KindRoute['api'], Record<string, (params: unknown, options?: unknown) => Promise<unknown>>>;
  // Whether the server has answered anything yet: until it has, a transport failure is a wrong address or a server
  // that is down, which retrying does not fix, so it fails the command at once.
  private answered = false;

  public constructor(private readonly client: ClientModule, private readonly kc: k8s.KubeConfig, private readonly serializer: Serializer,
    private readonly of: ObservableOf, private readonly requestTimeoutMs: number) {
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
      apply: this.client.PatchStrategy.ServerSideApply,
    }[type];
    const params = type === 'apply'
      ? { name, namespace, body: applyConfiguration(ROUTES[kind].prefix.replace(/^\/apis?\//, ''), kind, namespace, name, patch), fieldManager: FIELD_MANAGER, force: true }
      : { name, namespace, body: patch };
    const result = await this.call(kind, 'patch', '', params, strategy);
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
    // client-node's Watch returns its abort handle only once the response has started, so a server that accepts and
    // never answers would hold the watch (and Ctrl-C) forever: the request's own agent is kept to end it instead.
    let agent: { destroy(): void } | undefined;
    let ended = false;
    const config = {
      getCurrentCluster: () => this.kc.getCurrentCluster(),
      applyToFetchOptions: async (fetchOptions: object) => {
        const init = await this.kc.applyToFetchOptions(fetchOptions);
        agent = init.agent as unknown as { destroy(): void };
        if (ended) {
          agent.destroy();
        }
        return init;
      },
    };
    const watcher = new this.client.Watch(config as unknown as k8s.KubeConfig);
    await new Promise<void>((resolve, reject) => {
      let failure: Error | undefined;
      let controller: AbortController | undefined;
      let settled = false;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const done = (error: unknown) => {
        if (settled) {
          return;
        }
        settled = true;
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        if (signal.aborted) {
          resolve();
        } else if (failure) {
          reject(failure);
        } else if (error) {
          reject(this.failure(error, false));
        } else {
          resolve();
        }
      };
      // A watch that has not started ends at once, without waiting for its request to fail.
      const endUnstarted = () => {
        ended = true;
        agent?.destroy();
        done(undefined);
      };
      const onAbort = () => (controller ? controller.abort() : endUnstarted());
      if (this.requestTimeoutMs > 0) {
        timer = setTimeout(() => {
          failure = this.failure(undefined, true);
          endUnstarted();
        }, this.timerMs());
      }
      signal.addEventListener('abort', onAbort, { once: true });
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
        clearTimeout(timer);
        // Watch hands back its handle after a failed request too; only a response that started is an answer.
        this.answered ||= !settled;
        controller = started;
        if (signal.aborted || ended) {
          started.abort();
        }
      }, (error) => done(error));
    });
  }

  public async podProxyGet(namespace: string, pod: string, port: number, target: string): Promise<string> {
    return await this.request('CoreV1Api', 'connectGetNamespacedPodProxyWithPath', { name: `${pod}:${port}`, namespace, path: target }) as string;
  }

  // Calls `<verb>[Namespaced]<Kind><suffix>` on the kind's typed API, e.g. patchNamespacedStatefulSet.
  // `contentType` is the patch type of a patch request.
  private async call(kind: ClusterKind, verb: string, suffix: string, params: Record<string, unknown>, contentType?: string): Promise<unknown> {
    const route = ROUTES[kind];
    const scope = route.namespaced && suffix === '' ? 'Namespaced' : '';
    return this.request(route.api, `${verb}${scope}${kind}${suffix}`, params, contentType);
  }

  // Calls `method` of a typed API within the request timeout, mapping a failure to a ClusterError.
  private async request(apiName: KindRoute['api'], method: string, params: Record<string, unknown>, contentType?: string): Promise<unknown> {
    const api = this.apis[apiName];
    const deadline = new AbortController();
    const timer = this.requestTimeoutMs > 0 ? setTimeout(() => deadline.abort(), this.timerMs()) : undefined;
    const withSignal: Middleware = {
      pre: (context) => {
        context.setSignal(deadline.signal);
        return this.of(context);
      },
      post: (response) => this.of(response),
    };
    const options = { middleware: [withSignal], middlewareMergeStrategy: 'append' };
    try {
      const result = await api[method].call(api, params, contentType ? this.client.setHeaderOptions('Content-Type', contentType, options as never) : options);
      this.answered = true;
      return result;
    } catch (error) {
      throw this.failure(error, deadline.signal.aborted);
    } finally {
      clearTimeout(timer);
    }
  }

  // The request timeout as a timer can hold it: one of 25 days or more (--request-timeout 600h) would fire at once.
  private timerMs(): number {
    return Math.min(this.requestTimeoutMs, MAX_TIMER_MS);
  }

  // The error a failed request is reported as: the server's answer as a ClusterError; no answer within the request
  // timeout, or none at all, as code 0 (retried by RetryingCluster) once the server has answered before, and as a
  // one-line RuntimeError (not retried) while it never has.
  private failure(error: unknown, timedOut: boolean): Error {
    const server = this.kc.getCurrentCluster()?.server;
    const failure = timedOut
      ? new ClusterError(0, `the API server at ${server} did not answer within ${formatDuration(this.requestTimeoutMs)} (request timeout)`, { reason: 'Timeout' })
      : toClusterError(error);
    if (failure.code !== 0) {
      this.answered = true;
      return failure;
    }
    if (this.answered) {
      return failure;
    }
    return new RuntimeError('api', timedOut ? failure.message : `cannot reach the API server at ${server}: ${firstLine(failure)}`);
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
