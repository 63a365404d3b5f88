// Scale on the real control plane (issue 11): one process promoting many staged StatefulSets at once, as §3 does on
// the sandbox, here against kube-apiserver with the real StatefulSet controller and kwok pods. Unlike §3 the API
// server runs in other processes, so this process's CPU and peak RSS are the runtime's own (with ts-node and the
// launcher). Child-process entry: `kube-scale.ts <statefulsets> <replicas> <plan>` prints one JSON
// KubeScaleMeasurement line.
import { stagedBenchStatefulSet } from './bench-workloads';
import { ComponentMemory, componentMemory } from './control-plane-memory';
import { setImage, startBenchKubeCluster, waitForReadyPods } from './kube-bench-cluster';
import { promoteAll } from './promote-all';
import { ScaleMeasurement } from './scale';

/** What one scale run on the real control plane measured. */
export interface KubeScaleMeasurement extends ScaleMeasurement {
  /** kwok nodes of the control plane (one per 100 pods, and one more). */
  readonly nodes: number;
  /** Milliseconds from calling startKubeCluster until it resolved. */
  readonly startupMs: number;
  /** Each component's resident set after the promotions, every StatefulSet and pod still there. */
  readonly memory: ComponentMemory[];
}

/** Stages `statefulSets` StatefulSets of `replicas` pods on a real control plane, then promotes them all at once along `plan`. */
export async function measureKubeScale(statefulSets: number, replicas: number, plan: string): Promise<KubeScaleMeasurement> {
  const nodes = Math.ceil((statefulSets * replicas) / 100) + 1;
  const bench = await startBenchKubeCluster(nodes);
  try {
    const { admin } = bench;
    const names = Array.from({ length: statefulSets }, (_, i) => `app-${i}`);
    for (const name of names) {
      const set = stagedBenchStatefulSet(name, replicas);
      set.spec.template.metadata.labels.fleet = 'bench';
      await admin.create('StatefulSet', 'default', set);
    }
    await waitForReadyPods(admin, 'fleet=bench', statefulSets * replicas, 'app:1');
    for (const name of names) {
      await setImage(admin, 'StatefulSet', name, 'app:2');
    }
    const measured = await promoteAll(bench.kube.kubeconfigPath, names, plan);
    return {
      statefulSets,
      replicas,
      plan,
      ...measured,
      nodes,
      startupMs: bench.startupMs,
      memory: componentMemory(bench.clusterDir),
    };
  } finally {
    await bench.kube.stop();
  }
}

if (require.main === module) {
  const [statefulSets, replicas, plan] = process.argv.slice(2);
  measureKubeScale(Number(statefulSets), Number(replicas), plan).then(
    (result) => process.stdout.write(`${JSON.stringify(result)}\n`),
    (error) => {
      process.stderr.write(`${error.stack ?? error}\n`);
      process.exitCode = 1;
    });
}
