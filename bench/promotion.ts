// Promotion latency (issue 6): one partition walk of a staged StatefulSet on a real-clock sandbox with short
// kubelet delays, driven by our engine (`promoteStatefulSet` through client-node, as `kubectl-stage promote`) or by
// the kubectl loop of bench/baselines/kubectl-walk.sh; both reach the sandbox through the counting proxy and are
// timed by the same in-process recorder. Child-process entry: `promotion.ts <replicas> <plan> <runs of ours>
// <runs of each kubectl loop>` prints one JSON line: a PromotionMeasurement per side.
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { performance } from 'perf_hooks';
import { stagedBenchStatefulSet } from './bench-workloads';
import { reactionTimes, recordSandboxWalk, WalkRecording } from './reaction-times';
import { startRequestCounter, RequestCounter, RequestCounts } from './request-counter';
import { SystemClock } from '../src/runtime/clock';
import { connectCluster } from '../src/runtime/cluster/kube-cluster';
import { RetryingCluster } from '../src/runtime/cluster/retrying-cluster';
import { promoteStatefulSet } from '../src/runtime/statefulset/partition-promotion';
import { RESOURCES } from '../src/sandbox/api';
import { startSandbox } from '../src/sandbox/start-sandbox';

/** Who walks the partitions. */
export type PromotionSide = 'ours' | 'rollout-status' | 'poll';
/** Every side, ours first. */
export const PROMOTION_SIDES: readonly PromotionSide[] = ['ours', 'rollout-status', 'poll'];

/** Short, real-time kubelet delays: a pod is Ready about 0.4 s after it is created. */
export const KUBELET_DELAYS = { imagePullMs: 100, containerStartMs: 300, terminationMs: 100 };
const NAME = 'bench';

/** One side's runs of one walk. */
export interface PromotionMeasurement {
  /** Who walked the partitions. */
  readonly side: PromotionSide;
  /** Replicas of the StatefulSet. */
  readonly replicas: number;
  /** The partition plan walked, e.g. `3,2,1,0`. */
  readonly plan: string;
  /** Every reaction time of every run, in ms (see reaction-times.ts). */
  readonly reactionMs: number[];
  /** Wall time of each whole walk, from its start until the side finished, in ms. */
  readonly walkMs: number[];
  /** API requests of each run, counted at the proxy. */
  readonly requests: RequestCounts[];
  /** Ours only: writes per run the API refused with 409 Conflict (the engine then waits for the next change and retries). */
  readonly conflicts: number[];
}

/** Resolves once `condition()` holds, checking every 20 ms of real time; rejects after `timeoutMs`. */
export function waitFor(condition: () => boolean, what: string, timeoutMs = 120_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const check = () => {
      if (condition()) {
        resolve();
      } else if (performance.now() > deadline) {
        reject(new Error(`timed out waiting for ${what}`));
      } else {
        setTimeout(check, 20);
      }
    };
    check();
  });
}

/** Runs bench/baselines/kubectl-walk.sh with `args` (the side, the StatefulSet, its partitions) under `env`. */
export function runKubectlWalk(args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile('bash', [path.join(__dirname, 'baselines', 'kubectl-walk.sh'), ...args], { env }, (error, _stdout, stderr) => {
      if (error) {
        reject(new Error(`kubectl-walk.sh ${args.join(' ')} failed: ${stderr || error.message}`));
      } else {
        resolve();
      }
    });
  });
}

/** One `kubectl get sts NAME` under `env`, so the loop's discovery cache is warm before it is timed. */
export function kubectlWarmUp(env: NodeJS.ProcessEnv, name: string): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile('kubectl', ['--cache-dir', env.CACHE_DIR!, 'get', 'sts', name], { env },
      (error, _stdout, stderr) => (error ? reject(new Error(stderr)) : resolve()));
  });
}

/** What one walk measured: its reaction times, wall time, requests and (ours) 409s. */
export interface WalkResult {
  readonly reactions: number[];
  readonly walkMs: number;
  readonly requests: RequestCounts;
  readonly conflicts: number;
}

/** Where a side walks: the counting proxy, a kubeconfig through it, and how the walk is recorded. */
export interface WalkSetting {
  /** A kubeconfig whose cluster is the proxy. */
  readonly kubeconfig: string;
  /** kubectl's discovery cache folder. */
  readonly cacheDir: string;
  /** The counting proxy in front of the API server. */
  readonly proxy: RequestCounter;
  /** Starts recording the walk (just before it is timed). */
  record(): Promise<WalkRecording>;
}

/**
 * Walks StatefulSet `name` (staged, its new template written) along `plan`, driven by `side` through the proxy,
 * and returns the reactions, wall time, requests at the proxy and (ours) 409s. Engine-neutral: the sandbox and the
 * real control plane sections both call it.
 */
export async function walkSide(side: PromotionSide, name: string, replicas: number, plan: string, setting: WalkSetting): Promise<WalkResult> {
  const env = { ...process.env, KUBECONFIG: setting.kubeconfig, CACHE_DIR: setting.cacheDir };
  if (side !== 'ours') {
    await kubectlWarmUp(env, name);
  }
  const recording = await setting.record();
  setting.proxy.reset();
  const start = performance.now();
  let conflicts = 0;
  try {
    if (side === 'ours') {
      const clock = new SystemClock();
      const { cluster } = await connectCluster({ kubeconfig: setting.kubeconfig });
      const outcome = await promoteStatefulSet({
        cluster: new RetryingCluster(cluster, clock),
        clock,
        workload: { kind: 'StatefulSet', namespace: 'default', name },
        plan,
        holder: 'bench',
        onEvent: (event) => {
          conflicts += event.type === 'conflict' ? 1 : 0;
        },
      });
      if (outcome.phase !== 'complete') {
        throw new Error(`the promotion ended ${outcome.phase}: ${outcome.message}`);
      }
    } else {
      await runKubectlWalk([side, name, ...plan.split(',').slice(1)], env);
    }
  } finally {
    recording.stop();
  }
  const walkMs = performance.now() - start;
  return { reactions: reactionTimes(recording.recorder.timeline(replicas)), walkMs, requests: setting.proxy.counts(), conflicts };
}

async function walkOnce(side: PromotionSide, replicas: number, plan: string): Promise<WalkResult> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-promotion-'));
  const sandbox = await startSandbox({ clock: 'real', nodes: Math.max(3, Math.ceil(replicas / 100)), kubelet: KUBELET_DELAYS, kubeconfigPath: path.join(dir, 'sandbox.kubeconfig') });
  const proxy = await startRequestCounter({ url: sandbox.url, certificate: sandbox.certificate });
  try {
    const kubeconfig = path.join(dir, 'proxy.kubeconfig');
    proxy.writeKubeconfig(sandbox.kubeconfigPath, kubeconfig);
    sandbox.api.create(RESOURCES.statefulSets, stagedBenchStatefulSet(NAME, replicas));
    const readyPods = () => sandbox.api.list(RESOURCES.pods, { namespace: 'default' }).items
      .filter((pod) => (pod.status?.conditions ?? []).some((c: any) => c.type === 'Ready' && c.status === 'True')).length;
    await waitFor(() => readyPods() === replicas, `${replicas} Ready pods`);
    const set = sandbox.api.get(RESOURCES.statefulSets, 'default', NAME)!;
    set.spec.template.spec.containers[0].image = 'app:2';
    sandbox.api.update(RESOURCES.statefulSets, set);

    return await walkSide(side, NAME, replicas, plan, {
      kubeconfig, cacheDir: path.join(dir, 'kube-cache'), proxy, record: async () => recordSandboxWalk(sandbox.api, NAME, 'app:2'),
    });
  } finally {
    await proxy.close();
    await sandbox.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** One walk of `plan` over `replicas` replicas driven by `side`, on some engine. */
export type WalkOnce = (side: PromotionSide, replicas: number, plan: string) => Promise<WalkResult>;

/** Runs `runs` walks of `plan` over `replicas` replicas, driven by `side`, each on a fresh sandbox unless `walk` says otherwise. */
export async function measurePromotion(
  side: PromotionSide, replicas: number, plan: string, runs: number, walk: WalkOnce = walkOnce,
): Promise<PromotionMeasurement> {
  const reactionMs: number[] = [];
  const walkMs: number[] = [];
  const requests: RequestCounts[] = [];
  const conflicts: number[] = [];
  for (let run = 0; run < runs; run++) {
    const result = await walk(side, replicas, plan);
    reactionMs.push(...result.reactions);
    walkMs.push(result.walkMs);
    requests.push(result.requests);
    conflicts.push(result.conflicts);
  }
  return { side, replicas, plan, reactionMs, walkMs, requests, conflicts };
}

if (require.main === module) {
  const [replicas, plan, oursRuns, loopRuns] = process.argv.slice(2);
  (async () => {
    const results: PromotionMeasurement[] = [];
    for (const side of PROMOTION_SIDES) {
      results.push(await measurePromotion(side, Number(replicas), plan, Number(side === 'ours' ? oursRuns : loopRuns)));
    }
    return results;
  })().then(
    (results) => process.stdout.write(`${JSON.stringify(results)}\n`),
    (error) => {
      process.stderr.write(`${error.stack ?? error}\n`);
      process.exitCode = 1;
    });
}
