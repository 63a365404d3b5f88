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
import { reactionTimes, WalkRecorder } from './reaction-times';
import { startRequestCounter, RequestCounts } from './request-counter';
import { SystemClock } from '../src/runtime/clock';
import { connectCluster } from '../src/runtime/kube-cluster';
import { promoteStatefulSet } from '../src/runtime/promotion-engine';
import { RetryingCluster } from '../src/runtime/retrying-cluster';
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

function runScript(args: string[], env: NodeJS.ProcessEnv): Promise<void> {
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

function kubectlWarmUp(env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile('kubectl', ['--cache-dir', env.CACHE_DIR!, 'get', 'sts', NAME], { env },
      (error, _stdout, stderr) => (error ? reject(new Error(stderr)) : resolve()));
  });
}

/** Runs one walk of `plan` on a fresh sandbox and returns its reaction times, wall time and requests. */
/** What one walk measured: its reaction times, wall time, requests and (ours) 409s. */
interface WalkResult {
  readonly reactions: number[];
  readonly walkMs: number;
  readonly requests: RequestCounts;
  readonly conflicts: number;
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

    const env = { ...process.env, KUBECONFIG: kubeconfig, CACHE_DIR: path.join(dir, 'kube-cache') };
    if (side !== 'ours') {
      await kubectlWarmUp(env);
    }
    const recorder = new WalkRecorder(sandbox.api, NAME, 'app:2');
    proxy.reset();
    const start = performance.now();
    let conflicts = 0;
    if (side === 'ours') {
      const clock = new SystemClock();
      const { cluster } = await connectCluster({ kubeconfig });
      const outcome = await promoteStatefulSet({
        cluster: new RetryingCluster(cluster, clock),
        clock,
        workload: { kind: 'StatefulSet', namespace: 'default', name: NAME },
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
      await runScript([side, NAME, ...plan.split(',').slice(1)], env);
    }
    const walkMs = performance.now() - start;
    const requests = proxy.counts();
    recorder.stop();
    return { reactions: reactionTimes(recorder.timeline(replicas)), walkMs, requests, conflicts };
  } finally {
    await proxy.close();
    await sandbox.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs `runs` walks of `plan` over `replicas` replicas, driven by `side`. */
export async function measurePromotion(side: PromotionSide, replicas: number, plan: string, runs: number): Promise<PromotionMeasurement> {
  const reactionMs: number[] = [];
  const walkMs: number[] = [];
  const requests: RequestCounts[] = [];
  const conflicts: number[] = [];
  for (let run = 0; run < runs; run++) {
    const result = await walkOnce(side, replicas, plan);
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
