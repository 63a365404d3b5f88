// Scale (issue 6): one runtime process promoting many staged StatefulSets at once, or one large one, against the
// sandbox's HTTP server on the real clock with short kubelet delays (the runtime, client-node and the sandbox share
// the process). Child-process entry: `scale.ts <statefulsets> <replicas> <plan>` prints one JSON ScaleMeasurement line.
import { stagedBenchStatefulSet } from './bench-workloads';
import { promoteAll } from './promote-all';
import { KUBELET_DELAYS, waitFor } from './promotion';
import { rolledOut } from './sandbox-rollout';
import { RESOURCES } from '../src/sandbox/api';
import { startSandbox } from '../src/sandbox/start-sandbox';

/** What one scale run measured. */
export interface ScaleMeasurement {
  /** StatefulSets promoted at once. */
  readonly statefulSets: number;
  /** Replicas of each. */
  readonly replicas: number;
  /** The partition plan each walks. */
  readonly plan: string;
  /** Promotions that ended `complete`. */
  readonly completed: number;
  /** Wall time from starting the promotions until the last one ended, in ms. */
  readonly wallMs: number;
  /** CPU time of the same span (runtime and sandbox share the process), in ms. */
  readonly cpuMs: number;
  /** API requests of all promotions together, as the engine counts them (retries included). */
  readonly apiRequests: number;
  /** Peak resident set of the process (sandbox, runtime and Node together), in MiB. */
  readonly peakRssMiB: number;
}

/** Stages `statefulSets` StatefulSets of `replicas` pods, then promotes them all at once along `plan`. */
export async function measureScale(statefulSets: number, replicas: number, plan: string): Promise<ScaleMeasurement> {
  const pods = statefulSets * replicas;
  const sandbox = await startSandbox({ clock: 'real', nodes: Math.ceil(pods / 100) + 1, kubelet: KUBELET_DELAYS });
  try {
    const names = Array.from({ length: statefulSets }, (_, i) => `app-${i}`);
    names.forEach((name) => sandbox.api.create(RESOURCES.statefulSets, stagedBenchStatefulSet(name, replicas)));
    const all = () => names.map((name) => sandbox.api.get(RESOURCES.statefulSets, 'default', name));
    await waitFor(() => all().every(rolledOut), `${statefulSets} StatefulSets of ${replicas} Ready pods`, 600_000);
    for (const set of all()) {
      set!.spec.template.spec.containers[0].image = 'app:2';
      sandbox.api.update(RESOURCES.statefulSets, set!);
    }
    const measured = await promoteAll(sandbox.kubeconfigPath, names, plan);
    return {
      statefulSets,
      replicas,
      plan,
      ...measured,
    };
  } finally {
    await sandbox.stop();
  }
}

if (require.main === module) {
  const [statefulSets, replicas, plan] = process.argv.slice(2);
  measureScale(Number(statefulSets), Number(replicas), plan).then(
    (result) => process.stdout.write(`${JSON.stringify(result)}\n`),
    (error) => {
      process.stderr.write(`${error.stack ?? error}\n`);
      process.exitCode = 1;
    });
}
