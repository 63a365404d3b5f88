// Promotion latency and API requests on the real control plane (issue 11): the walks of §2, each side through the
// same counting proxy, timed by the same recorder fed by API watches instead of the sandbox's store. One control
// plane serves every run of one walk size (a fresh StatefulSet per run), so its start-up is timed once, and its
// memory is read once it is idle. Child-process entry: `kube-promotion.ts <replicas> <plan> <runs of ours> <runs of
// each kubectl loop>` prints one JSON KubePromotionMeasurement line.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { stagedBenchStatefulSet } from './bench-workloads';
import { ComponentMemory, componentMemory } from './control-plane-memory';
import { setImage, startBenchKubeCluster, waitForReadyPods } from './kube-bench-cluster';
import { measurePromotion, PROMOTION_SIDES, PromotionMeasurement, PromotionSide, walkSide, WalkResult } from './promotion';
import { recordClusterWalk } from './reaction-times';
import { startRequestCounter } from './request-counter';
import { findControlPlaneBinaries } from '../src/control-plane/binaries';
import { Cluster } from '../src/runtime/cluster/cluster';

/** What one walk size measured on the real control plane. */
export interface KubePromotionMeasurement {
  /** Milliseconds from calling startKubeCluster until it resolved (3 nodes). */
  readonly startupMs: number;
  /** Each component's resident set right after start-up, before any workload. */
  readonly idleMemory: ComponentMemory[];
  /** The same, after every walk of this size (the StatefulSets and their pods still there). */
  readonly loadedMemory: ComponentMemory[];
  /** The kubectl the loops ran (`kubectl version --client` of the one first on the PATH). */
  readonly kubectl: string;
  /** One measurement per side, ours first. */
  readonly sides: PromotionMeasurement[];
}

// Until the controller has seen the new template: both sides then start from the same status.
async function waitForObservedGeneration(admin: Cluster, name: string): Promise<void> {
  for (;;) {
    const set = await admin.get<any>('StatefulSet', 'default', name);
    if (set.status?.observedGeneration === set.metadata.generation && set.status?.updateRevision !== set.status?.currentRevision) {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Measures every side's walks of `plan` over `replicas` replicas on one control plane. */
export async function measureKubePromotion(replicas: number, plan: string, oursRuns: number, loopRuns: number): Promise<KubePromotionMeasurement> {
  const bench = await startBenchKubeCluster(Math.max(3, Math.ceil(replicas / 100)));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-kube-promotion-'));
  const proxy = await startRequestCounter({ url: bench.kube.url, certificate: bench.kube.caPem });
  try {
    const idleMemory = componentMemory(bench.clusterDir);
    const kubeconfig = path.join(dir, 'proxy.kubeconfig');
    proxy.writeKubeconfig(bench.kube.kubeconfigPath, kubeconfig);
    let runs = 0;
    const walkOnKube = async (side: PromotionSide, size: number, walkPlan: string): Promise<WalkResult> => {
      const name = `bench-${++runs}`;
      await bench.admin.create('StatefulSet', 'default', stagedBenchStatefulSet(name, size));
      await waitForReadyPods(bench.admin, `app=${name}`, size, 'app:1');
      await setImage(bench.admin, 'StatefulSet', name, 'app:2');
      await waitForObservedGeneration(bench.admin, name);
      return walkSide(side, name, size, walkPlan, {
        kubeconfig, cacheDir: path.join(dir, `kube-cache-${name}`), proxy, record: () => recordClusterWalk(bench.admin, name, 'app:2'),
      });
    };
    const sides: PromotionMeasurement[] = [];
    for (const side of PROMOTION_SIDES) {
      sides.push(await measurePromotion(side, replicas, plan, side === 'ours' ? oursRuns : loopRuns, walkOnKube));
    }
    const kubectl = execFileSync('kubectl', ['version', '--client', '-o', 'json'], { encoding: 'utf8' });
    return {
      startupMs: bench.startupMs,
      idleMemory,
      loadedMemory: componentMemory(bench.clusterDir),
      kubectl: JSON.parse(kubectl).clientVersion.gitVersion,
      sides,
    };
  } finally {
    await proxy.close();
    await bench.kube.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const [replicas, plan, oursRuns, loopRuns] = process.argv.slice(2);
  // The loops run the kubectl of the control plane's release when it was built: the machine's may be further from
  // the server than kubectl's supported skew of one minor version.
  const builtKubectl = findControlPlaneBinaries().kubectl;
  if (builtKubectl) {
    process.env.PATH = `${path.dirname(builtKubectl)}${path.delimiter}${process.env.PATH}`;
  }
  measureKubePromotion(Number(replicas), plan, Number(oursRuns), Number(loopRuns)).then(
    (result) => process.stdout.write(`${JSON.stringify(result)}\n`),
    (error) => {
      process.stderr.write(`${error.stack ?? error}\n`);
      process.exitCode = 1;
    });
}
