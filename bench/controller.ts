// Controller benchmark (issue 14): one `kubectl-stage controller` promoting N staged StatefulSets that all change at
// once, on the real-clock sandbox with §2's short kubelet delays, against the CLI promoter walking the same shape.
// Child-process entry: `controller.ts <statefulsets> <replicas> <max concurrent> <cli walks>` prints one JSON
// ControllerMeasurement line.
//
// Why real time on the sandbox, not its virtual clock: what a user of the controller wants to know is how long after
// their change the controller acts, and how long a thousand changes take to land; with a hundred clients in flight
// the virtual clock's idle rule advances past requests still queued in a client (§3), and a virtual reaction would
// count no CPU work at all, while the cost that grows with N is exactly the controller's CPU (decoding watch events,
// deciding, queueing). So the sandbox runs its controllers on the real clock with kubelet delays of a few hundred ms,
// and every time is `performance.now()` in the sandbox's process, read by an in-process watch on its store: the
// moment the store applied the StatefulSet controller's new `status.updateRevision` (the change became a revision)
// and the moment it applied the promoter's first partition write. Both ends are the store's, so neither the
// controller's nor the sandbox's own reporting is trusted.
//
// Why a child process for the controller: its memory must be its own, not the sandbox's (which holds N × replicas
// pods and the watch caches); see controller-process-child.ts for what is sampled.
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { monitorEventLoopDelay, performance } from 'perf_hooks';
import { stagedBenchStatefulSet } from './bench-workloads';
import { ControllerMemory } from './controller-process-child';
import { KUBELET_DELAYS, waitFor, walkSide } from './promotion';
import { reactionTimes, recordSandboxWalk, WalkRecorder, WalkRecording } from './reaction-times';
import { RequestCounts, startRequestCounter } from './request-counter';
import { rolledOut } from './sandbox-rollout';
import { RolloutKeys } from '../src/keys';
import { PartitionPlan } from '../src/partition-plan';
import { KubeObject, RESOURCES } from '../src/sandbox/api';
import { startSandbox } from '../src/sandbox/start-sandbox';

/** What one controller run measured. */
export interface ControllerMeasurement {
  /** StatefulSets changed at once. */
  readonly statefulSets: number;
  /** Replicas of each. */
  readonly replicas: number;
  /** The plan annotation of each (and the CLI walks' `--plan`). */
  readonly plan: string;
  /** The controller's `--max-concurrent`. */
  readonly maxConcurrent: number;
  /** Promotions that walked to partition 0 and were staged again. */
  readonly completed: number;
  /** From the first new update revision until the last StatefulSet was staged again, in ms. */
  readonly allDoneMs: number;
  /** Per StatefulSet: its new update revision in the store until the controller's first partition write, in ms. */
  readonly firstWriteMs: number[];
  /** Per step of every walk but its first: the last gating pod Ready until the next partition write (as §2), in ms. */
  readonly stepReactionMs: number[];
  /** Requests at the proxy from the change until every promotion ended and was staged again, by verb. */
  readonly controllerRequests: RequestCounts;
  /** The controller process's memory, CPU and event-loop delay. */
  readonly memory: ControllerMemory;
  /** The sandbox process's event-loop delay while the controller walked (the sandbox, the proxy and the observer share it), in ms. */
  readonly sandboxEventLoopDelayMs: { readonly median: number; readonly p99: number; readonly max: number };
  /** The CLI promoter (`promoteStatefulSet`, as `kubectl-stage promote --plan`) on the same shape: each walk's requests. */
  readonly cliRequests: RequestCounts[];
  /** The CLI walks' step reactions, in ms. */
  readonly cliStepReactionMs: number[];
  /** Per CLI walk: from the promoter's start (in process: no Node start-up) until its first partition write, in ms. */
  readonly cliFirstWriteMs: number[];
}

/** The plan `replicas, replicas - 1, ..., 0`: §2's canary walk for 3 replicas. */
export function oneByOnePlan(replicas: number): string {
  return Array.from({ length: replicas + 1 }, (_, i) => replicas - i).join(',');
}

/** The StatefulSet a pod belongs to, by its name (`app-12-0` is app-12's). */
function setOfPod(pod: KubeObject): string {
  return (pod.metadata.name ?? '').replace(/-\d+$/, '');
}

/** What the observer records of every StatefulSet while the controller walks them. */
class FleetObserver {
  public readonly newRevisionAt = new Map<string, number>();
  public readonly firstWriteAt = new Map<string, number>();
  public readonly doneAt = new Map<string, number>();
  private readonly recorders = new Map<string, WalkRecorder>();
  private readonly initialRevision = new Map<string, string>();
  private readonly reachedZero = new Set<string>();

  public constructor(sets: readonly KubeObject[], newImage: string) {
    for (const set of sets) {
      const name = set.metadata.name!;
      this.initialRevision.set(name, set.status.updateRevision);
      this.recorders.set(name, new WalkRecorder(name, newImage, set.spec.updateStrategy.rollingUpdate.partition));
    }
  }

  public observeSet(set: KubeObject): void {
    const name = set.metadata.name!;
    const now = performance.now();
    this.recorders.get(name)?.observeSet(set);
    if (!this.newRevisionAt.has(name) && set.status?.updateRevision && set.status.updateRevision !== this.initialRevision.get(name)) {
      this.newRevisionAt.set(name, now);
    }
    const partition = set.spec.updateStrategy?.rollingUpdate?.partition;
    if (this.newRevisionAt.has(name) && !this.firstWriteAt.has(name) && partition !== PartitionPlan.STAGED_PARTITION) {
      this.firstWriteAt.set(name, now);
    }
    if (partition === 0) {
      this.reachedZero.add(name);
    }
    if (this.reachedZero.has(name) && partition === PartitionPlan.STAGED_PARTITION && !this.doneAt.has(name)) {
      this.doneAt.set(name, now);
    }
  }

  public observePod(pod: KubeObject): void {
    this.recorders.get(setOfPod(pod))?.observePod(pod);
  }

  /** Step reactions of every walk, up to its write of partition 0 (the re-staging afterwards is no step). */
  public stepReactions(replicas: number): number[] {
    return [...this.recorders.values()].flatMap((recorder) => {
      const timeline = recorder.timeline(replicas);
      const end = timeline.partitionChanges.findIndex((change) => change.partition === 0);
      return reactionTimes({ ...timeline, partitionChanges: timeline.partitionChanges.slice(0, end + 1) });
    });
  }
}

/** Starts the controller child and resolves once its cache has synced. */
async function startControllerChild(kubeconfig: string, maxConcurrent: number): Promise<{ child: ChildProcess; memory: Promise<ControllerMemory> }> {
  const child = spawn(process.execPath, ['--expose-gc', '-r', 'ts-node/register/transpile-only', path.join(__dirname, 'controller-process-child.ts'),
    kubeconfig, String(maxConcurrent)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  let synced: () => void = () => undefined;
  const syncedPromise = new Promise<void>((resolve) => {
    synced = resolve;
  });
  const memory = new Promise<ControllerMemory>((resolve, reject) => {
    child.stdout!.on('data', (chunk) => {
      out += chunk;
      if (out.includes('synced\n')) {
        synced();
      }
    });
    child.on('exit', (code) => {
      const last = out.trim().split('\n').pop() ?? '';
      return code === 0 && last.startsWith('{') ? resolve(JSON.parse(last)) : reject(new Error(`the controller exited with ${code}`));
    });
  });
  await Promise.race([syncedPromise, memory]);
  return { child, memory };
}

/** Stages `statefulSets` StatefulSets of `replicas` pods, starts one controller, changes them all at once and measures. */
export async function measureController(
  statefulSets: number, replicas: number, maxConcurrent: number, cliWalks: number,
): Promise<ControllerMeasurement> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-controller-'));
  const pods = statefulSets * replicas;
  const sandbox = await startSandbox({
    clock: 'real', nodes: Math.ceil(pods / 100) + 1, kubelet: KUBELET_DELAYS, kubeconfigPath: path.join(dir, 'sandbox.kubeconfig'),
  });
  const proxy = await startRequestCounter({ url: sandbox.url, certificate: sandbox.certificate });
  const plan = oneByOnePlan(replicas);
  try {
    const kubeconfig = path.join(dir, 'proxy.kubeconfig');
    proxy.writeKubeconfig(sandbox.kubeconfigPath, kubeconfig);
    const names = Array.from({ length: statefulSets }, (_, i) => `app-${i}`);
    for (const name of names) {
      const set = stagedBenchStatefulSet(name, replicas);
      set.metadata.annotations = { [RolloutKeys.PLAN_ANNOTATION]: plan };
      sandbox.api.create(RESOURCES.statefulSets, set);
    }
    const all = () => names.map((name) => sandbox.api.get(RESOURCES.statefulSets, 'default', name)!);
    await waitFor(() => all().every(rolledOut), `${statefulSets} StatefulSets of ${replicas} Ready pods`, 600_000);

    const { child, memory } = await startControllerChild(kubeconfig, maxConcurrent);
    const observer = new FleetObserver(all(), 'app:2');
    const sets = sandbox.api.list(RESOURCES.statefulSets, { namespace: 'default' });
    const podList = sandbox.api.list(RESOURCES.pods, { namespace: 'default' });
    const stops = [
      sandbox.api.watch(RESOURCES.statefulSets, { namespace: 'default', resourceVersion: sets.resourceVersion }, (event) => observer.observeSet(event.object)),
      sandbox.api.watch(RESOURCES.pods, { namespace: 'default', resourceVersion: podList.resourceVersion }, (event) => observer.observePod(event.object)),
    ];
    proxy.reset();
    const delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();
    for (const set of all()) {
      set.spec.template.spec.containers[0].image = 'app:2';
      sandbox.api.update(RESOURCES.statefulSets, set);
    }
    try {
      await waitFor(() => observer.doneAt.size === statefulSets, `${statefulSets} promotions to end and be staged again`, 1_800_000);
    } finally {
      stops.forEach((stop) => stop());
      child.kill('SIGTERM');
      delay.disable();
    }
    const controllerRequests = proxy.counts();
    const controllerMemory = await memory;
    const firstRevision = Math.min(...observer.newRevisionAt.values());
    const firstWriteMs = names.map((name) => observer.firstWriteAt.get(name)! - observer.newRevisionAt.get(name)!);

    // The CLI promoter on the same shape, the controller stopped: StatefulSets changed again, walked one at a time.
    const cliRequests: RequestCounts[] = [];
    const cliStepReactionMs: number[] = [];
    const cliFirstWriteMs: number[] = [];
    for (const name of names.slice(0, cliWalks)) {
      const set = sandbox.api.get(RESOURCES.statefulSets, 'default', name)!;
      set.spec.template.spec.containers[0].image = 'app:3';
      sandbox.api.update(RESOURCES.statefulSets, set);
      const revision = set.status.updateRevision;
      await waitFor(() => sandbox.api.get(RESOURCES.statefulSets, 'default', name)!.status.updateRevision !== revision, `${name}'s new revision`);
      let recording: WalkRecording | undefined;
      let startedAt = 0;
      const walk = await walkSide('ours', name, replicas, plan, {
        kubeconfig,
        cacheDir: path.join(dir, 'kube-cache'),
        proxy,
        record: async () => {
          // walkSide starts the promoter right after this.
          startedAt = performance.now();
          recording = recordSandboxWalk(sandbox.api, name, 'app:3');
          return recording;
        },
      });
      cliRequests.push(walk.requests);
      cliStepReactionMs.push(...walk.reactions);
      cliFirstWriteMs.push(recording!.recorder.timeline(replicas).partitionChanges[0].at - startedAt);
    }
    return {
      statefulSets,
      replicas,
      plan,
      maxConcurrent,
      completed: observer.doneAt.size,
      allDoneMs: Math.max(...observer.doneAt.values()) - firstRevision,
      firstWriteMs,
      stepReactionMs: observer.stepReactions(replicas),
      controllerRequests,
      memory: controllerMemory,
      sandboxEventLoopDelayMs: { median: delay.percentile(50) / 1e6, p99: delay.percentile(99) / 1e6, max: delay.max / 1e6 },
      cliRequests,
      cliStepReactionMs,
      cliFirstWriteMs,
    };
  } finally {
    await proxy.close();
    await sandbox.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const [statefulSets, replicas, maxConcurrent, cliWalks] = process.argv.slice(2).map(Number);
  measureController(statefulSets, replicas, maxConcurrent, cliWalks).then(
    (result) => process.stdout.write(`${JSON.stringify(result)}\n`),
    (error) => {
      process.stderr.write(`${error.stack ?? error}\n`);
      process.exitCode = 1;
    });
}
