// Sandbox benchmark (issue 6): a StatefulSet of N replicas created and then rolled to a new template with a full
// RollingUpdate, in process (SandboxApi + controllers) on the VirtualClock, so the wall time is the sandbox's own
// CPU cost: store, watches, StatefulSet controller, scheduler and kubelet simulation.
import { performance } from 'perf_hooks';
import { benchStatefulSet } from './bench-workloads';
import { HotSpots, profileOf, summarizeProfile } from './hot-spots';
import { KubeObject, RESOURCES } from '../src/sandbox/api';
import { VirtualClock } from '../src/sandbox/clock';
import { startControllers } from '../src/sandbox/controllers';
import { makeNodes } from '../src/sandbox/nodes';
import { createSandboxApi } from '../src/sandbox/store';

/** Hot spots reported for a profiled rollout. */
const HOT_SPOTS = 10;
/** Microseconds between profile samples: a rollout runs for seconds, so 1 ms keeps the profiler's overhead low. */
const PROFILE_INTERVAL_US = 1000;
/** Pods per simulated node: the kubelet's default limit. */
const PODS_PER_NODE = 110;

/** What one rollout run measured. */
export interface SandboxRolloutMeasurement {
  /** Replicas of the StatefulSet. */
  readonly replicas: number;
  /** Wall time from creating the StatefulSet until every replica is Ready, in ms. */
  readonly createMs: number;
  /** Wall time from the template change until the rollout is complete (kubectl's definition), in ms. */
  readonly rolloutMs: number;
  /** CPU time (user + system) of the same span, in ms: what the rollout costs when the machine is shared. */
  readonly rolloutCpuMs: number;
  /** Virtual time the rollout took, in ms. */
  readonly rolloutVirtualMs: number;
  /** Pods the rollout replaced (created anew with the new revision). */
  readonly podsReplaced: number;
  /**
   * Where the rollout spent its CPU time (the timings above then include the profiler's overhead).
   * @default - not profiled
   */
  readonly hotSpots?: HotSpots;
}

/** Whether the StatefulSet's controller has observed its spec and every replica runs the update revision and is Ready. */
export function rolledOut(set: KubeObject | undefined): boolean {
  const status = set?.status ?? {};
  return set !== undefined && status.observedGeneration === set.metadata.generation
    && status.currentRevision === status.updateRevision
    && status.updatedReplicas === set.spec.replicas && status.readyReplicas === set.spec.replicas;
}

/**
 * Creates a `replicas`-pod StatefulSet on a fresh in-process sandbox, waits for it, then rolls it to a new image;
 * with `profile`, the rollout runs under the CPU profiler.
 */
export async function measureSandboxRollout(replicas: number, profile = false): Promise<SandboxRolloutMeasurement> {
  const clock = new VirtualClock();
  const api = createSandboxApi({ clock });
  for (const node of makeNodes(Math.ceil((replicas + 1) / PODS_PER_NODE), clock.now())) {
    api.create(RESOURCES.nodes, node);
  }
  const controllers = startControllers(api, { clock });
  const get = () => api.get(RESOURCES.statefulSets, 'default', 'bench');
  const runUntilRolledOut = () => {
    while (!rolledOut(get())) {
      if (!clock.advanceToNextTimer()) {
        throw new Error(`the StatefulSet never rolled out: status ${JSON.stringify(get()?.status)}`);
      }
    }
  };
  try {
    let start = performance.now();
    api.create(RESOURCES.statefulSets, benchStatefulSet('bench', replicas, 'app:1'));
    runUntilRolledOut();
    const createMs = performance.now() - start;

    let created = 0;
    const { resourceVersion } = api.list(RESOURCES.pods, { namespace: 'default' });
    const unwatch = api.watch(RESOURCES.pods, { namespace: 'default', resourceVersion }, (event) => {
      created += event.type === 'ADDED' ? 1 : 0;
    });
    const set = get()!;
    set.spec.template.spec.containers[0].image = 'app:2';
    const virtualStart = clock.now();
    const cpuStart = process.cpuUsage();
    start = performance.now();
    const rollout = () => {
      api.update(RESOURCES.statefulSets, set);
      runUntilRolledOut();
    };
    const hotSpots = profile ? summarizeProfile(await profileOf(rollout, PROFILE_INTERVAL_US), HOT_SPOTS) : (rollout(), undefined);
    const rolloutMs = performance.now() - start;
    const cpu = process.cpuUsage(cpuStart);
    unwatch();
    return {
      replicas,
      createMs,
      rolloutMs,
      rolloutCpuMs: (cpu.user + cpu.system) / 1000,
      rolloutVirtualMs: clock.now() - virtualStart,
      podsReplaced: created,
      hotSpots,
    };
  } finally {
    controllers.stop();
  }
}

// Child-process entry: `sandbox-rollout.ts <replicas> [--profile]` prints one JSON SandboxRolloutMeasurement line.
if (require.main === module) {
  measureSandboxRollout(Number(process.argv[2]), process.argv[3] === '--profile').then(
    (result) => process.stdout.write(`${JSON.stringify(result)}\n`),
    (error) => {
      process.stderr.write(`${error.stack ?? error}\n`);
      process.exitCode = 1;
    });
}
