// Promotes every named StatefulSet at once from one process, as the scale benchmarks measure it: wall and CPU time,
// API requests and peak memory, on whichever cluster the kubeconfig names (the sandbox or the real control plane).
import { performance } from 'perf_hooks';
import { SystemClock } from '../src/runtime/clock';
import { connectCluster } from '../src/runtime/cluster/kube-cluster';
import { RetryingCluster } from '../src/runtime/cluster/retrying-cluster';
import { promoteStatefulSet } from '../src/runtime/statefulset/partition-promotion';

/** What promoting them all took. */
export interface PromoteAllMeasurement {
  readonly completed: number;
  readonly wallMs: number;
  readonly cpuMs: number;
  readonly apiRequests: number;
  readonly peakRssMiB: number;
}

/** Promotes `names` (namespace default) by `plan` concurrently through one connection. */
export async function promoteAll(kubeconfig: string, names: readonly string[], plan: string): Promise<PromoteAllMeasurement> {
  const clock = new SystemClock();
  const { cluster } = await connectCluster({ kubeconfig });
  const retrying = new RetryingCluster(cluster, clock);
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  const outcomes = await Promise.all(names.map((name) => promoteStatefulSet({
    cluster: retrying,
    clock,
    workload: { kind: 'StatefulSet', namespace: 'default', name },
    plan,
    holder: 'bench',
  })));
  const wallMs = performance.now() - start;
  const cpu = process.cpuUsage(cpuStart);
  return {
    completed: outcomes.filter((o) => o.phase === 'complete').length,
    wallMs,
    cpuMs: (cpu.user + cpu.system) / 1000,
    apiRequests: outcomes.reduce((sum, o) => sum + o.apiRequests, 0),
    peakRssMiB: process.resourceUsage().maxRSS / 1024,
  };
}
