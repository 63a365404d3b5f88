// startSandbox: the store, the controllers, the HTTP API server and a kubeconfig, wired together on one clock, with
// the controls tests and the CLI need (advance virtual time, add or taint nodes, inject faults, restart the API
// server, stop).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeObject, RESOURCES, SandboxApi } from './api';
import { RealClock, SandboxClock, VirtualClock } from './clock';
import { Controllers, KubeletOptions, KubeletSimulator, startControllers } from './controllers';
import { sandboxKubeconfig } from './kubeconfig';
import { removeSandboxKubeconfig, writeSandboxKubeconfig } from './kubeconfig-file';
import { makeNodes } from './nodes';
import { PodMetrics } from './pod-metrics';
import { SandboxStartError } from './sandbox-start-error';
import { newBearerToken } from './server/access';
import { ApiServer, ApiServerOptions } from './server/api-server';
import { FaultInjector, FaultOptions } from './server/faults';
import { SelfSignedCertificate, selfSignedCertificate } from './server/self-signed-certificate';
import { SandboxStore } from './store';

/** Options of {@link startSandbox}. */
export interface SandboxOptions {
  /**
   * Simulated nodes: a count (named node-1..node-N) or full Node objects.
   * @default 3
   */
  readonly nodes?: number | KubeObject[];
  /**
   * 'virtual' (tests: time moves only via advance/runUntil) or 'real' (people).
   * @default 'real'
   */
  readonly clock?: 'virtual' | 'real';
  /**
   * TCP port on 127.0.0.1; 0 picks a free one.
   * @default 0
   */
  readonly port?: number;
  /**
   * Kubelet timing and failure options passed to the controllers.
   * @default the kubelet simulation's defaults
   */
  readonly kubelet?: KubeletOptions;
  /**
   * Initial faults.
   * @default none
   */
  readonly faults?: FaultOptions;
  /**
   * Virtual clock only: how many consecutive event-loop turns without an HTTP request in flight count as "clients
   * have settled" before time moves. In-process clients (client-node) take a few turns between receiving a response
   * or watch event and sending their next request; raise this when a client does more asynchronous work in between.
   * @default 20
   */
  readonly idleTurns?: number;
  /**
   * Where to write the kubeconfig file: a new file, or one a sandbox wrote (never another file: startSandbox throws a
   * SandboxStartError instead). stop() removes it unless it changed since.
   * @default `kubeconfig` in a fresh temporary directory (removed by stop())
   */
  readonly kubeconfigPath?: string;
}

/** Options of {@link Sandbox.runUntil}. */
export interface SandboxRunOptions {
  /**
   * The most virtual time to advance before giving up.
   * @default 3_600_000 (one virtual hour)
   */
  readonly maxVirtualMs?: number;
}

/** A running sandbox. */
export interface Sandbox {
  /** `https://127.0.0.1:PORT`. */
  readonly url: string;
  /** The bearer token every request must carry (`Authorization: Bearer <token>`); the kubeconfig's user has it. */
  readonly token: string;
  /** The server's self-signed certificate (PEM), the kubeconfig's certificate authority: trust it to verify the server. */
  readonly certificate: string;
  /** The kubeconfig file written (context 'sandbox', namespace 'default'). */
  readonly kubeconfigPath: string;
  /** The same kubeconfig, as an object. */
  readonly kubeconfig: Record<string, unknown>;
  /** The in-process store (tests may seed objects directly). */
  readonly api: SandboxApi;
  /** The sandbox clock: a VirtualClock when `clock: 'virtual'`. */
  readonly clock: SandboxClock;
  /** The simulated kubelets. */
  readonly kubelet: KubeletSimulator;
  /** The pods' simulated metrics endpoints, reached through the pod proxy (`pods/<name>:<port>/proxy/metrics`). */
  readonly podMetrics: PodMetrics;
  /**
   * Virtual clock only: alternates "let HTTP and promises settle (no request in flight for several event-loop
   * turns)" and "advance to the next timer" until `until()` is true or the promise settles; throws after
   * `maxVirtualMs` of virtual time, or when `until` is a function and no timer is left. With a promise and no timer
   * left it waits for the client in real time. The server sees only requests in flight, not a client process
   * starting up: pass a promise for a client that waits for time to pass (`kubectl rollout status`, a watch-driven
   * engine); await a client that needs no virtual time (`kubectl get`, `kubectl apply`) directly.
   */
  runUntil(until: (() => boolean) | Promise<unknown>, options?: SandboxRunOptions): Promise<void>;
  /** Virtual clock only: advances by `ms`, letting I/O settle between timers. */
  advance(ms: number): Promise<void>;
  /** Registers a node (a Node object, or a name for a default node). */
  addNode(node: KubeObject | string): KubeObject;
  /** Adds a taint to a node (as `kubectl taint nodes`). */
  taintNode(name: string, taint: { key: string; value?: string; effect: string }): void;
  /** Replaces the faults in force. */
  setFaults(faults: FaultOptions): void;
  /** Closes the listener and every watch stream, then listens again on the same port with the same state. */
  restartApiServer(): Promise<void>;
  /** Stops the server and the controllers. */
  stop(): Promise<void>;
}

// Consecutive event-loop turns without a request in flight that count as "HTTP has settled".
const DEFAULT_IDLE_TURNS = 20;

/** Starts a sandbox: store, namespaces default and kube-system, nodes, controllers, HTTP server and kubeconfig. */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  // Every option is checked before anything starts, so a bad one leaves no server listening.
  const clock = newClock(options.clock ?? 'real');
  const idleTurns = options.idleTurns ?? DEFAULT_IDLE_TURNS;
  if (!Number.isInteger(idleTurns) || idleTurns < 1) {
    throw new Error(`startSandbox: idleTurns must be an integer >= 1, got ${idleTurns}`);
  }
  const faults: FaultSwitch = { current: new FaultInjector(options.faults ?? {}) };
  const store = new SandboxStore({ clock });
  const nodes = options.nodes ?? 3;
  for (const node of typeof nodes === 'number' ? makeNodes(nodes, clock.now()) : nodes) {
    store.create(RESOURCES.nodes, node);
  }
  const controllers = startControllers(store, { clock, kubelet: options.kubelet });
  const token = newBearerToken();
  const tls = selfSignedCertificate();
  const podMetrics = new PodMetrics();
  const server = await listenOrStop(controllers, {
    api: store,
    podMetrics,
    clock,
    currentResourceVersion: () => store.resourceVersion,
    faults: () => faults.current,
    token,
    tls,
    port: options.port ?? 0,
  });
  const kubeconfig = await writeKubeconfigOrStop(controllers, server, sandboxKubeconfig(server.url, tls.certificate, token), options.kubeconfigPath);
  return new RunningSandbox({ store, clock, controllers, server, faults, token, tls, kubeconfig, idleTurns, podMetrics });
}

function newClock(kind: SandboxOptions['clock']): SandboxClock {
  if (kind !== 'virtual' && kind !== 'real') {
    throw new Error(`startSandbox: clock must be 'virtual' or 'real', got ${JSON.stringify(kind)}`);
  }
  return kind === 'virtual' ? new VirtualClock() : new RealClock();
}

// The faults in force: the server reads them per request, and setFaults replaces them.
interface FaultSwitch {
  current: FaultInjector;
}

async function listenOrStop(controllers: Controllers, options: ApiServerOptions): Promise<ApiServer> {
  try {
    return await ApiServer.listen(options);
  } catch (error) {
    controllers.stop();
    throw new SandboxStartError(`cannot listen on 127.0.0.1:${options.port} (${(error as Error).message}); choose another port, or 0 for a free one`);
  }
}

// The kubeconfig written, and how stop() cleans it up.
interface KubeconfigFile {
  readonly path: string;
  readonly content: Record<string, unknown>;
  // The text written, to tell whether the file changed since.
  readonly text: string;
  // The temporary directory holding the file when the caller named none, removed as a whole.
  readonly temporaryDir: string | undefined;
}

async function writeKubeconfigOrStop(
  controllers: Controllers, server: ApiServer, content: Record<string, unknown>, requestedPath: string | undefined,
): Promise<KubeconfigFile> {
  const temporaryDir = requestedPath ? undefined : mkdtempSync(join(tmpdir(), 'sandbox-'));
  const path = requestedPath ?? join(temporaryDir!, 'kubeconfig');
  try {
    return { path, content, text: writeSandboxKubeconfig(path, content), temporaryDir };
  } catch (error) {
    controllers.stop();
    await server.close();
    throw error;
  }
}

// What startSandbox started, for the RunningSandbox to control and stop.
interface SandboxParts {
  readonly store: SandboxStore;
  readonly clock: SandboxClock;
  readonly controllers: Controllers;
  readonly server: ApiServer;
  readonly faults: FaultSwitch;
  readonly token: string;
  readonly tls: SelfSignedCertificate;
  readonly kubeconfig: KubeconfigFile;
  readonly idleTurns: number;
  readonly podMetrics: PodMetrics;
}

// A started sandbox: the Sandbox controls over the parts startSandbox wired together.
class RunningSandbox implements Sandbox {
  public readonly url: string;
  public readonly token: string;
  public readonly certificate: string;
  public readonly kubeconfigPath: string;
  public readonly kubeconfig: Record<string, unknown>;
  public readonly api: SandboxApi;
  public readonly clock: SandboxClock;
  public readonly kubelet: KubeletSimulator;
  public readonly podMetrics: PodMetrics;

  constructor(private readonly parts: SandboxParts) {
    this.url = parts.server.url;
    this.token = parts.token;
    this.certificate = parts.tls.certificate;
    this.kubeconfigPath = parts.kubeconfig.path;
    this.kubeconfig = parts.kubeconfig.content;
    this.api = parts.store;
    this.clock = parts.clock;
    this.kubelet = parts.controllers.kubelet;
    this.podMetrics = parts.podMetrics;
  }

  public async runUntil(until: (() => boolean) | Promise<unknown>, options: SandboxRunOptions = {}): Promise<void> {
    return this.virtualClock('runUntil').runUntil(until, { ...options, idle: () => this.settle(), caller: 'Sandbox.runUntil' });
  }

  public async advance(ms: number): Promise<void> {
    const clock = this.virtualClock('advance');
    if (!(ms >= 0)) {
      throw new Error(`Sandbox.advance: ms must be a number >= 0, got ${ms}`);
    }
    // A marker timer at the target: stepping timer by timer until it fires runs exactly the timers due by then.
    let reached = false;
    clock.setTimer(ms, () => { reached = true; });
    await clock.runUntil(() => reached, { maxVirtualMs: ms, idle: () => this.settle(), caller: 'Sandbox.advance' });
  }

  public addNode(node: KubeObject | string): KubeObject {
    const { store, clock } = this.parts;
    return store.create(RESOURCES.nodes, typeof node === 'string' ? nextDefaultNode(store, node, clock.now()) : node);
  }

  public taintNode(name: string, taint: { key: string; value?: string; effect: string }): void {
    const store = this.parts.store;
    const node = store.get(RESOURCES.nodes, undefined, name);
    if (!node) {
      throw new Error(`Sandbox.taintNode: node "${name}" not found; nodes: ${store.list(RESOURCES.nodes).items.map((item) => item.metadata.name).join(', ')}`);
    }
    const taints = (node.spec?.taints ?? []).filter((existing: any) => existing.key !== taint.key || existing.effect !== taint.effect);
    store.update(RESOURCES.nodes, { ...node, spec: { ...node.spec, taints: [...taints, taint] } });
  }

  public setFaults(faults: FaultOptions): void {
    this.parts.faults.current = new FaultInjector(faults);
  }

  public async restartApiServer(): Promise<void> {
    return this.parts.server.restart();
  }

  public async stop(): Promise<void> {
    const { controllers, server, kubeconfig } = this.parts;
    controllers.stop();
    await server.close();
    if (kubeconfig.temporaryDir) {
      rmSync(kubeconfig.temporaryDir, { recursive: true, force: true });
    } else {
      removeSandboxKubeconfig(kubeconfig.path, kubeconfig.text);
    }
  }

  private virtualClock(operation: string): VirtualClock {
    if (!(this.parts.clock instanceof VirtualClock)) {
      throw new Error(`Sandbox.${operation} needs a virtual clock: start the sandbox with { clock: 'virtual' }`);
    }
    return this.parts.clock;
  }

  // HTTP has settled: no request in flight for idleTurns consecutive event-loop turns.
  private async settle(): Promise<void> {
    for (let quiet = 0; quiet < this.parts.idleTurns;) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      quiet = this.parts.server.requestsInFlight === 0 ? quiet + 1 : 0;
    }
  }
}

// A default node named `name` numbered after the existing ones, so its address and pod CIDR are its own.
function nextDefaultNode(store: SandboxStore, name: string, nowMs: number): KubeObject {
  const existing = store.listView(RESOURCES.nodes).items.map((node) => ({ name: node.metadata.name }));
  return makeNodes([...existing, { name }], nowMs)[existing.length];
}
