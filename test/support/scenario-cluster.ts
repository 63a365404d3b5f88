// One scenario, two engines: a ScenarioCluster is either our in-process sandbox (virtual time) or the real control
// plane (kube-apiserver, kube-controller-manager, kube-scheduler, etcd, kwok; real time). A scenario drives it only
// through what a user has (kubectl, kubectl-stage, the API's objects), so the same script runs on both, and the
// traces it records can be compared: where they differ, the real control plane is right.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommandResult, runKubectlStage } from './kubectl-stage-run';
import { isReady } from './pod-readiness';
import { execKubectl } from './sandbox-clients';
import { startSandboxKit } from './sandbox-kit';
import { ControlPlaneApiClient } from '../../src/control-plane/api-client';
import { KubeCluster, startKubeCluster } from '../../src/control-plane/start-kube-cluster';
import type { RuntimeClock } from '../../src/runtime/clock';
import { RESOURCES, ResourceType } from '../../src/sandbox/api';
import { Sandbox } from '../../src/sandbox/start-sandbox';

/** Which engine a scenario runs on. */
export type Engine = 'sandbox' | 'kube';

export type { CommandResult } from './kubectl-stage-run';

/** The objects of namespace `default` a scenario looks at, read at one moment. */
export interface ClusterSnapshot {
  readonly pods: any[];
  readonly statefulSets: any[];
  readonly daemonSets: any[];
  readonly controllerRevisions: any[];
  readonly nodes: any[];
}

/** Pod timing shared by both engines (the sandbox in virtual ms, kwok in real ms). */
export interface ScenarioTiming {
  /** Image pull time. @default 200 */
  readonly imagePullMs?: number;
  /** Container start time. @default 300 */
  readonly containerStartMs?: number;
  /** Pod termination time. @default 300 */
  readonly terminationMs?: number;
}

/** Options of {@link startScenarioCluster}. */
export interface ScenarioClusterOptions {
  /** Nodes. @default 3 */
  readonly nodes?: number;
  /** Pod timing. @default the defaults of ScenarioTiming */
  readonly timing?: ScenarioTiming;
}

/** How {@link ScenarioCluster.kubectl} runs kubectl. */
export interface KubectlOptions {
  /** Written to kubectl's stdin. @default '' */
  readonly stdin?: string;
  /** Whether the command waits for the cluster to move (on the sandbox, virtual time runs while it does). @default false */
  readonly blocking?: boolean;
  /** The kubectl binary. @default the machine's `kubectl` */
  readonly binary?: string;
  /** The kubeconfig. @default the cluster's */
  readonly kubeconfig?: string;
}

/** A cluster a scenario runs on. */
export interface ScenarioCluster {
  readonly engine: Engine;
  readonly kubeconfigPath: string;
  /** The admin bearer token of the kubeconfig (for requests a scenario makes itself). */
  readonly token: string;
  /** The underlying sandbox (engine 'sandbox' only). */
  readonly sandbox?: Sandbox;
  /** The underlying control plane (engine 'kube' only). */
  readonly kube?: KubeCluster;
  /** The runtime clock scenario code waits on. */
  readonly clock: RuntimeClock;
  /**
   * Runs kubectl (the machine's, unless `binary` is given). `blocking` commands wait for the cluster to move
   * (`rollout status`, `rollout undo` then status): on the sandbox, virtual time runs while they do.
   */
  kubectl(args: readonly string[], options?: KubectlOptions): Promise<CommandResult>;
  /** Runs kubectl-stage in-process (`run(argv, io)`), with time moving until it returns. */
  stage(args: readonly string[], options?: { signal?: AbortSignal; env?: Record<string, string>; kubeconfig?: string }): Promise<CommandResult>;
  /** `kubectl apply -f -` of the given objects; throws on failure. */
  apply(objects: readonly object[]): Promise<void>;
  /** Lets `ms` pass (virtual time on the sandbox, real time on the control plane). */
  pause(ms: number): Promise<void>;
  /** Reads the objects of namespace default (and the nodes). */
  snapshot(): Promise<ClusterSnapshot>;
  /**
   * Waits (moving virtual time on the sandbox) until `predicate` holds on a snapshot in which every StatefulSet and
   * DaemonSet controller has observed its workload's generation (a stable point: on either engine a write may
   * otherwise still be on its way to the controller); returns that snapshot.
   */
  waitFor(what: string, predicate: (snapshot: ClusterSnapshot) => boolean, timeoutMs?: number): Promise<ClusterSnapshot>;
  stop(): Promise<void>;
}

const SNAPSHOT_TYPES: Array<[keyof ClusterSnapshot, ResourceType, string]> = [
  ['pods', RESOURCES.pods, '/api/v1/namespaces/default/pods'],
  ['statefulSets', RESOURCES.statefulSets, '/apis/apps/v1/namespaces/default/statefulsets'],
  ['daemonSets', RESOURCES.daemonSets, '/apis/apps/v1/namespaces/default/daemonsets'],
  ['controllerRevisions', RESOURCES.controllerRevisions, '/apis/apps/v1/namespaces/default/controllerrevisions'],
  ['nodes', RESOURCES.nodes, '/api/v1/nodes'],
];

const byName = (a: any, b: any) => (a.metadata.name ?? '').localeCompare(b.metadata.name ?? '', 'en', { numeric: true });

/** Starts a cluster on `engine`. */
export async function startScenarioCluster(engine: Engine, options: ScenarioClusterOptions = {}): Promise<ScenarioCluster> {
  return engine === 'sandbox' ? startSandboxEngine(options) : startKubeEngine(options);
}

// No --request-timeout: `--record` would write it into change-causes; the process timeout bounds a hung call.
function runKubectl(kubeconfig: string, args: readonly string[], options: KubectlOptions): Promise<CommandResult> {
  return execKubectl(options.kubeconfig ?? kubeconfig, args, { binary: options.binary, stdin: options.stdin ?? '', timeoutMs: 300_000, maxBuffer: 64 * 1024 * 1024 });
}

async function applyWith(cluster: Pick<ScenarioCluster, 'kubectl'>, objects: readonly object[]): Promise<void> {
  const result = await cluster.kubectl(['apply', '-f', '-'], { stdin: objects.map((object) => JSON.stringify(object)).join('\n') });
  if (result.code !== 0) {
    throw new Error(`kubectl apply failed (${result.code}): ${result.stderr}`);
  }
}

async function startSandboxEngine(options: ScenarioClusterOptions): Promise<ScenarioCluster> {
  const timing = options.timing ?? {};
  const { sandbox, runtimeClock: clock } = await startSandboxKit({
    transport: 'http',
    nodes: options.nodes ?? 3,
    kubelet: { imagePullMs: timing.imagePullMs ?? 200, containerStartMs: timing.containerStartMs ?? 300, terminationMs: timing.terminationMs ?? 300 },
  });
  const snapshotNow = (): ClusterSnapshot => Object.fromEntries(SNAPSHOT_TYPES.map(([key, type]) => [
    key, [...sandbox.api.list(type, type.namespaced ? { namespace: 'default' } : {}).items].sort(byName),
  ])) as unknown as ClusterSnapshot;
  const cluster: ScenarioCluster = {
    engine: 'sandbox',
    kubeconfigPath: sandbox.kubeconfigPath,
    token: sandbox.token,
    sandbox,
    clock,
    async kubectl(args, kubectlOptions = {}) {
      const running = runKubectl(sandbox.kubeconfigPath, args, kubectlOptions);
      if (kubectlOptions.blocking) {
        await sandbox.runUntil(running);
      }
      return running;
    },
    async stage(args, stageOptions = {}) {
      const running = runKubectlStage(args, { ...stageOptions, kubeconfig: stageOptions.kubeconfig ?? sandbox.kubeconfigPath, clock });
      await sandbox.runUntil(running);
      return running;
    },
    apply: (objects) => applyWith(cluster, objects),
    pause: (ms) => sandbox.advance(ms),
    snapshot: async () => snapshotNow(),
    async waitFor(what, predicate, timeoutMs = 600_000) {
      try {
        await sandbox.runUntil(() => stable(snapshotNow(), predicate), { maxVirtualMs: timeoutMs });
      } catch (error) {
        throw new Error(`waiting for ${what}: ${(error as Error).message}`);
      }
      return snapshotNow();
    },
    stop: () => sandbox.stop(),
  };
  return cluster;
}

async function startKubeEngine(options: ScenarioClusterOptions): Promise<ScenarioCluster> {
  const timing = options.timing ?? {};
  const kube = await startKubeCluster({
    nodes: options.nodes ?? 3,
    pods: { imagePullMs: timing.imagePullMs ?? 200, containerStartMs: timing.containerStartMs ?? 300, terminationMs: timing.terminationMs ?? 300 },
  });
  const api = new ControlPlaneApiClient(kube.url, kube.caPem, kube.adminToken);
  const cacheDir = mkdtempSync(join(tmpdir(), 'scenario-kube-'));
  const snapshotNow = async (): Promise<ClusterSnapshot> => {
    const lists = await Promise.all(SNAPSHOT_TYPES.map(async ([, , path]) => ((await api.expect('GET', path)).items ?? []).sort(byName)));
    return Object.fromEntries(SNAPSHOT_TYPES.map(([key], index) => [key, lists[index]])) as unknown as ClusterSnapshot;
  };
  const cluster: ScenarioCluster = {
    engine: 'kube',
    kubeconfigPath: kube.kubeconfigPath,
    token: kube.adminToken,
    kube,
    clock: {
      now: () => Date.now(),
      sleep: (ms, signal) => new Promise((resolve) => {
        const timer = setTimeout(resolve, ms);
        signal?.addEventListener('abort', () => { clearTimeout(timer); resolve(); }, { once: true });
      }),
    },
    kubectl: (args, kubectlOptions = {}) => runKubectl(kube.kubeconfigPath, args, kubectlOptions),
    stage: (args, stageOptions = {}) => runKubectlStage(args, { ...stageOptions, kubeconfig: stageOptions.kubeconfig ?? kube.kubeconfigPath }),
    apply: (objects) => applyWith(cluster, objects),
    pause: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    snapshot: snapshotNow,
    async waitFor(what, predicate, timeoutMs = 120_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const snapshot = await snapshotNow();
        if (stable(snapshot, predicate)) {
          return snapshot;
        }
        if (Date.now() > deadline) {
          throw new Error(`waiting for ${what}: still false after ${timeoutMs} ms; pods: ${snapshot.pods.map(describePod).join(', ')}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    async stop() {
      await kube.stop();
      rmSync(cacheDir, { recursive: true, force: true });
    },
  };
  return cluster;
}

// A stable point: every workload's controller has observed its generation, and its status counts the Ready pods it owns
// (the real controllers write status a moment after the pods change), and the scenario's own condition holds.
function stable(snapshot: ClusterSnapshot, predicate: (snapshot: ClusterSnapshot) => boolean): boolean {
  const readyOwned = (set: any) => snapshot.pods.filter((pod) => !pod.metadata.deletionTimestamp && isReady(pod)
    && (pod.metadata.ownerReferences ?? []).some((ref: any) => ref.controller && ref.uid === set.metadata.uid)).length;
  const observed = (set: any) => set.status?.observedGeneration === set.metadata.generation;
  return snapshot.statefulSets.every((set) => observed(set) && (set.status?.readyReplicas ?? 0) === readyOwned(set))
    && snapshot.daemonSets.every((set) => observed(set) && (set.status?.numberReady ?? 0) === readyOwned(set))
    && predicate(snapshot);
}

function describePod(pod: any): string {
  return `${pod.metadata.name}(${pod.metadata.labels?.['controller-revision-hash'] ?? '-'},${pod.status?.phase}${isReady(pod) ? ',Ready' : ''}${pod.metadata.deletionTimestamp ? ',Terminating' : ''})`;
}

/** The pods of `app` that are not terminating. */
export function livePods(snapshot: ClusterSnapshot, app: string): any[] {
  return snapshot.pods.filter((pod) => pod.metadata.labels?.app === app && !pod.metadata.deletionTimestamp);
}

/** Whether `count` pods of `app` exist, all Ready, all with the first container on `image`. */
export function allReadyOn(snapshot: ClusterSnapshot, app: string, count: number, image?: string): boolean {
  const pods = livePods(snapshot, app);
  return pods.length === count && pods.every((pod) => isReady(pod) && (image === undefined || pod.spec.containers[0].image === image));
}
