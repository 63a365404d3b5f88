// startSandbox: the store, the controllers, the HTTP API server and a kubeconfig, wired together on one clock, with
// the controls tests and the CLI need (advance virtual time, add or taint nodes, inject faults, restart the API
// server, stop).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeObject, RESOURCES, SandboxApi } from './api';
import { RealClock, SandboxClock, VirtualClock } from './clock';
import { KubeletOptions, KubeletSimulator, startControllers } from './controllers';
import { sandboxKubeconfig } from './kubeconfig';
import { removeSandboxKubeconfig, writeSandboxKubeconfig } from './kubeconfig-file';
import { makeNodes } from './nodes';
import { SandboxStartError } from './sandbox-start-error';
import { newBearerToken } from './server/access';
import { ApiServer } from './server/api-server';
import { FaultInjector, FaultOptions } from './server/faults';
import { selfSignedCertificate } from './server/self-signed-certificate';
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
// Real time to wait for an out-of-process client (kubectl) when the virtual clock has nothing left to run.
const EXTERNAL_CLIENT_POLL_MS = 5;

/** Starts a sandbox: store, namespaces default and kube-system, nodes, controllers, HTTP server and kubeconfig. */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const clockKind = options.clock ?? 'real';
  if (clockKind !== 'virtual' && clockKind !== 'real') {
    throw new Error(`startSandbox: clock must be 'virtual' or 'real', got ${JSON.stringify(clockKind)}`);
  }
  const clock = clockKind === 'virtual' ? new VirtualClock() : new RealClock();
  const store = new SandboxStore({ clock });
  const nodes = options.nodes ?? 3;
  for (const node of typeof nodes === 'number' ? makeNodes(nodes, clock.now()) : nodes) {
    store.create(RESOURCES.nodes, node);
  }
  let faults = new FaultInjector(options.faults ?? {});
  const controllers = startControllers(store, { clock, kubelet: options.kubelet });
  const token = newBearerToken();
  const tls = selfSignedCertificate();
  let server: ApiServer;
  try {
    server = await ApiServer.listen({
      api: store,
      clock,
      currentResourceVersion: () => store.resourceVersion,
      faults: () => faults,
      token,
      tls,
      port: options.port ?? 0,
    });
  } catch (error) {
    controllers.stop();
    throw new SandboxStartError(`cannot listen on 127.0.0.1:${options.port ?? 0} (${(error as Error).message}); choose another port, or 0 for a free one`);
  }
  const temporaryDir = options.kubeconfigPath ? undefined : mkdtempSync(join(tmpdir(), 'sandbox-'));
  const kubeconfigPath = options.kubeconfigPath ?? join(temporaryDir!, 'kubeconfig');
  const kubeconfig = sandboxKubeconfig(server.url, tls.certificate, token);
  let kubeconfigText: string;
  try {
    kubeconfigText = writeSandboxKubeconfig(kubeconfigPath, kubeconfig);
  } catch (error) {
    controllers.stop();
    await server.close();
    throw error;
  }

  const virtual = (operation: string): VirtualClock => {
    if (!(clock instanceof VirtualClock)) {
      throw new Error(`Sandbox.${operation} needs a virtual clock: start the sandbox with { clock: 'virtual' }`);
    }
    return clock;
  };
  const idleTurns = options.idleTurns ?? DEFAULT_IDLE_TURNS;
  if (!Number.isInteger(idleTurns) || idleTurns < 1) {
    throw new Error(`startSandbox: idleTurns must be an integer >= 1, got ${idleTurns}`);
  }
  const settle = async () => {
    for (let quiet = 0; quiet < idleTurns;) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      quiet = server.requestsInFlight === 0 ? quiet + 1 : 0;
    }
  };

  return {
    url: server.url,
    token,
    certificate: tls.certificate,
    kubeconfigPath,
    kubeconfig,
    api: store,
    clock,
    kubelet: controllers.kubelet,
    runUntil: async (until, runOptions = {}) => {
      const virtualClock = virtual('runUntil');
      const maxVirtualMs = runOptions.maxVirtualMs ?? 3_600_000;
      const start = virtualClock.now();
      let settled = false;
      const promise = typeof until === 'function' ? undefined : Promise.resolve(until).then(() => { settled = true; }, () => { settled = true; });
      const done = typeof until === 'function' ? until : () => settled;
      for (;;) {
        await settle();
        if (done()) {
          return;
        }
        if (virtualClock.pendingTimers() === 0) {
          if (!promise) {
            throw new Error(`Sandbox.runUntil: condition still false at ${new Date(virtualClock.now()).toISOString()} (no timer pending)`);
          }
          // Nothing runs in virtual time until the out-of-process client acts; give it real time.
          await Promise.race([promise, new Promise((resolve) => setTimeout(resolve, EXTERNAL_CLIENT_POLL_MS))]);
          continue;
        }
        virtualClock.advanceToNextTimer();
        if (virtualClock.now() - start > maxVirtualMs) {
          throw new Error(`Sandbox.runUntil: condition still false after ${maxVirtualMs} ms of virtual time (at ${new Date(virtualClock.now()).toISOString()})`);
        }
      }
    },
    advance: async (ms) => {
      const virtualClock = virtual('advance');
      if (!(ms >= 0)) {
        throw new Error(`Sandbox.advance: ms must be a number >= 0, got ${ms}`);
      }
      // A marker timer at the target: stepping timer by timer until it fires runs exactly the timers due by then.
      let reached = false;
      virtualClock.setTimer(ms, () => { reached = true; });
      while (!reached) {
        await settle();
        virtualClock.advanceToNextTimer();
      }
      await settle();
    },
    addNode: (node) => store.create(RESOURCES.nodes, typeof node === 'string' ? nextDefaultNode(store, node, clock.now()) : node),
    taintNode: (name, taint) => {
      const node = store.get(RESOURCES.nodes, undefined, name);
      if (!node) {
        throw new Error(`Sandbox.taintNode: node "${name}" not found; nodes: ${store.list(RESOURCES.nodes).items.map((item) => item.metadata.name).join(', ')}`);
      }
      const taints = (node.spec?.taints ?? []).filter((existing: any) => existing.key !== taint.key || existing.effect !== taint.effect);
      store.update(RESOURCES.nodes, { ...node, spec: { ...node.spec, taints: [...taints, taint] } });
    },
    setFaults: (next) => { faults = new FaultInjector(next); },
    restartApiServer: () => server.restart(),
    stop: async () => {
      controllers.stop();
      await server.close();
      if (temporaryDir) {
        rmSync(temporaryDir, { recursive: true, force: true });
      } else {
        removeSandboxKubeconfig(kubeconfigPath, kubeconfigText);
      }
    },
  };
}

// A default node named `name` numbered after the existing ones, so its address and pod CIDR are its own.
function nextDefaultNode(store: SandboxStore, name: string, nowMs: number): KubeObject {
  const existing = store.listView(RESOURCES.nodes).items.map((node) => ({ name: node.metadata.name }));
  return makeNodes([...existing, { name }], nowMs)[existing.length];
}
