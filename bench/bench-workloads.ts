// The StatefulSets the sandbox-driven benchmarks create: one shape, so every benchmark measures the same workload.
import { PartitionPlan } from '../src/partition-plan';
import type { KubeObject } from '../src/sandbox/api';

/** A StatefulSet of `replicas` pods running `image`, with Parallel pod management so creation is not ordinal by ordinal. */
export function benchStatefulSet(name: string, replicas: number, image: string): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name, namespace: 'default' },
    spec: {
      replicas,
      serviceName: name,
      podManagementPolicy: 'Parallel',
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: 'app', image }] },
      },
    },
  };
}

/**
 * A StatefulSet on `app:1` with its update staged (partition pinned), so every partition change waits for the walk;
 * Parallel pod management and up to 10% of the replicas down at once.
 */
export function stagedBenchStatefulSet(name: string, replicas: number): KubeObject {
  const set = benchStatefulSet(name, replicas, 'app:1');
  set.spec.updateStrategy = {
    type: 'RollingUpdate',
    rollingUpdate: { partition: PartitionPlan.STAGED_PARTITION, maxUnavailable: Math.max(1, Math.floor(replicas / 10)) },
  };
  return set;
}
