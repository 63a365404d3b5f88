// A DaemonSet node canary over many kwok nodes on the real control plane (issue 11): a DaemonSet (RollingUpdate,
// maxUnavailable 10%) Ready on every node, staged (OnDelete, as `kubectl-stage stage` does), its image changed, then
// promoted by `promoteDaemonSet` along a node canary plan until every node runs the new pod. Child-process entry:
// `kube-daemonset.ts <nodes> <plan>` prints one JSON DaemonSetCanaryMeasurement line.
import { performance } from 'perf_hooks';
import { ComponentMemory, componentMemory } from './control-plane-memory';
import { setImage, startBenchKubeCluster, updateWorkload, waitForReadyPods } from './kube-bench-cluster';
import { SystemClock } from '../src/runtime/clock';
import { RetryingCluster } from '../src/runtime/cluster/retrying-cluster';
import { promoteDaemonSet } from '../src/runtime/daemonset/daemonset-canary';
import { decideStageOf } from '../src/runtime/rollout/stage';

/** What one node canary measured. */
export interface DaemonSetCanaryMeasurement {
  /** kwok nodes (one daemon pod each). */
  readonly nodes: number;
  /** The node canary plan. */
  readonly plan: string;
  /** Milliseconds from calling startKubeCluster until it resolved (every node Ready). */
  readonly startupMs: number;
  /** Milliseconds from creating the DaemonSet until a pod was Ready on every node (the controller's own roll-out). */
  readonly firstRolloutMs: number;
  /** How the promotion ended (`complete` when every node runs the new pod). */
  readonly phase: string;
  /** Steps the promotion wrote. */
  readonly steps: number;
  /** Wall time of the promotion, in ms. */
  readonly wallMs: number;
  /** CPU time of this process during the promotion, in ms. */
  readonly cpuMs: number;
  /** API requests of the promotion, as the engine counts them (watches included). */
  readonly apiRequests: number;
  /** Peak resident set of this process (launcher and runtime), in MiB. */
  readonly peakRssMiB: number;
  /** Each component's resident set after the promotion, every node and pod still there. */
  readonly memory: ComponentMemory[];
}

const NAME = 'agent';

function daemonSet(): Record<string, any> {
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: NAME, namespace: 'default' },
    spec: {
      selector: { matchLabels: { app: NAME } },
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '10%' } },
      template: { metadata: { labels: { app: NAME } }, spec: { containers: [{ name: 'agent', image: 'app:1' }] } },
    },
  };
}

/** Starts a control plane with `nodes` nodes, rolls a DaemonSet onto them, then promotes a new image along `plan`. */
export async function measureDaemonSetCanary(nodes: number, plan: string): Promise<DaemonSetCanaryMeasurement> {
  const bench = await startBenchKubeCluster(nodes);
  try {
    const { admin } = bench;
    const created = performance.now();
    await admin.create('DaemonSet', 'default', daemonSet());
    await waitForReadyPods(admin, `app=${NAME}`, nodes, 'app:1');
    const firstRolloutMs = performance.now() - created;
    await updateWorkload(admin, 'DaemonSet', NAME, (ds) => {
      const decision = decideStageOf('DaemonSet', ds);
      return decision.action === 'patch' ? admin.patch('DaemonSet', 'default', NAME, decision.patch, 'merge').then(() => undefined) : undefined;
    });
    await setImage(admin, 'DaemonSet', NAME, 'app:2');

    const clock = new SystemClock();
    const cpuStart = process.cpuUsage();
    const start = performance.now();
    const outcome = await promoteDaemonSet({
      cluster: new RetryingCluster(admin, clock),
      clock,
      workload: { kind: 'DaemonSet', namespace: 'default', name: NAME },
      plan,
      holder: 'bench',
    });
    const wallMs = performance.now() - start;
    const cpu = process.cpuUsage(cpuStart);
    return {
      nodes,
      plan,
      startupMs: bench.startupMs,
      firstRolloutMs,
      phase: outcome.phase,
      steps: outcome.step,
      wallMs,
      cpuMs: (cpu.user + cpu.system) / 1000,
      apiRequests: outcome.apiRequests,
      peakRssMiB: process.resourceUsage().maxRSS / 1024,
      memory: componentMemory(bench.clusterDir),
    };
  } finally {
    await bench.kube.stop();
  }
}

if (require.main === module) {
  const [nodes, plan] = process.argv.slice(2);
  measureDaemonSetCanary(Number(nodes), plan).then(
    (result) => process.stdout.write(`${JSON.stringify(result)}\n`),
    (error) => {
      process.stderr.write(`${error.stack ?? error}\n`);
      process.exitCode = 1;
    });
}
