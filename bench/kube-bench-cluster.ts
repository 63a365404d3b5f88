// The real control plane as the benchmarks use it: started with the short pod timing of §2 (so a step waits as long
// as on the sandbox), timed from the call until startKubeCluster resolves (API server ready, nodes Ready, the default
// ServiceAccount there), with an admin client for setting up workloads outside the timed parts.
import * as path from 'path';
import { performance } from 'perf_hooks';
import { KUBELET_DELAYS } from './promotion';
import { KubeCluster, startKubeCluster } from '../src/control-plane/start-kube-cluster';
import { Cluster, ClusterError, ClusterKind } from '../src/runtime/cluster/cluster';
import { connectCluster } from '../src/runtime/cluster/kube-cluster';

/** A started control plane with what the benchmarks need beside it. */
export interface BenchKubeCluster {
  /** The control plane. */
  readonly kube: KubeCluster;
  /** An admin client, straight to the API server (not counted). */
  readonly admin: Cluster;
  /** Milliseconds from calling startKubeCluster until it resolved. */
  readonly startupMs: number;
  /** The launcher's folder, which every component's command line names (see control-plane-memory.ts). */
  readonly clusterDir: string;
}

/** Starts a control plane with `nodes` kwok nodes and the benchmarks' pod timing. */
export async function startBenchKubeCluster(nodes: number): Promise<BenchKubeCluster> {
  const start = performance.now();
  const kube = await startKubeCluster({ nodes, pods: KUBELET_DELAYS, startTimeoutMs: 600_000 });
  const startupMs = performance.now() - start;
  try {
    const { cluster } = await connectCluster({ kubeconfig: kube.kubeconfigPath, requestTimeoutMs: 120_000 });
    return { kube, admin: cluster, startupMs, clusterDir: path.dirname(kube.logDir) };
  } catch (error) {
    await kube.stop();
    throw error;
  }
}

function isReady(pod: any): boolean {
  return (pod.status?.conditions ?? []).some((c: any) => c.type === 'Ready' && c.status === 'True');
}

/** Resolves once `count` live pods matching `labelSelector` in `default` run `image` and are Ready (polled every 250 ms). */
export async function waitForReadyPods(admin: Cluster, labelSelector: string, count: number, image: string, timeoutMs = 600_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const pods = await admin.list<any>('Pod', 'default', { labelSelector });
    const ready = pods.items.filter((pod) => !pod.metadata.deletionTimestamp && pod.spec.containers[0].image === image && isReady(pod)).length;
    if (ready >= count) {
      return;
    }
    if (performance.now() > deadline) {
      throw new Error(`timed out waiting for ${count} Ready pods (${labelSelector}) on ${image}: ${ready} after ${timeoutMs} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/**
 * Reads workload `name` in `default` and writes what `change` makes of it (undefined: nothing to write), again on a
 * fresh read whenever the write loses a race (409) with the controller's status write.
 */
export async function updateWorkload(
  admin: Cluster, kind: ClusterKind, name: string, change: (workload: any) => Promise<void> | undefined,
): Promise<void> {
  for (;;) {
    try {
      await change(await admin.get<any>(kind, 'default', name));
      return;
    } catch (error) {
      if (!ClusterError.is(error, 409)) {
        throw error;
      }
    }
  }
}

/** Sets the first container's image of workload `name` in `default` (replaced with the resourceVersion it was read at). */
export async function setImage(admin: Cluster, kind: ClusterKind, name: string, image: string): Promise<void> {
  await updateWorkload(admin, kind, name, async (workload) => {
    workload.spec.template.spec.containers[0].image = image;
    await admin.replace(kind, 'default', workload);
  });
}
