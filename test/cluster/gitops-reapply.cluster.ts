// A GitOps re-apply in the middle of a promotion, on the sandbox and on kube-apiserver: the manifest of a staged
// rollout whose partition the promoter owns (PartitionOwner.PROMOTER) is applied with `kubectl apply --server-side`
// after the first step; the partition, the promotion state and the pods stay where the promoter put them, and
// managedFields show who owns what.
import { differentialTest } from './differential';
import { PartitionPlan } from '../../src/partition-plan';
import { PartitionOwner, StatefulSetRollout } from '../../src/statefulset-rollout';
import { allReadyOn, ScenarioCluster } from '../support/scenario-cluster';
import { statefulSetManifest } from '../support/workload-manifests';

function manifest(image: string): string {
  const rollout = StatefulSetRollout.staged(PartitionPlan.canary(), { partitionOwner: PartitionOwner.PROMOTER });
  const sts = statefulSetManifest('kafka', { replicas: 3, image, spec: JSON.parse(JSON.stringify(rollout._toSpec(3))) });
  return JSON.stringify({ ...sts, metadata: { ...sts.metadata, annotations: rollout._annotations() } });
}

async function serverSideApply(cluster: ScenarioCluster, image: string): Promise<void> {
  const result = await cluster.kubectl(['apply', '--server-side', '-f', '-'], { stdin: manifest(image) });
  expect(result).toMatchObject({ code: 0, stderr: '' });
}

// The main resource's managers (the controllers' status writes aside), without times.
async function owners(cluster: ScenarioCluster): Promise<unknown[]> {
  const sts = JSON.parse((await cluster.kubectl(['get', 'sts', 'kafka', '-o', 'json', '--show-managed-fields'])).stdout);
  return sts.metadata.managedFields.filter((entry: any) => !entry.subresource).map(({ time: _time, ...entry }: any) => entry);
}

differentialTest('GitOps re-apply mid-promotion: kubectl apply --server-side of a PROMOTER manifest leaves the partition and the promotion alone',
  { nodes: 3 }, async (cluster, trace) => {
    await serverSideApply(cluster, 'kafka:1');
    await cluster.waitFor('kafka Ready on kafka:1', (s) => allReadyOn(s, 'kafka', 3, 'kafka:1'));
    const staged = await cluster.stage(['stage', 'sts/kafka']);
    expect(staged.code).toBe(0);
    await serverSideApply(cluster, 'kafka:2');
    const pinned = await cluster.waitFor('the new revision staged', (s) => s.statefulSets[0].status?.updateRevision !== s.statefulSets[0].status?.currentRevision);
    expect(pinned.statefulSets[0].spec.updateStrategy.rollingUpdate.partition).toBe(PartitionPlan.STAGED_PARTITION);
    trace.record('staged', pinned, { staged, owners: await owners(cluster) });

    const step = await cluster.stage(['promote', 'sts/kafka', '--step']);
    expect(step.code).toBe(0);
    const stepped = await cluster.waitFor('kafka-2 Ready on kafka:2', (s) => s.pods.some((pod) => pod.metadata.name === 'kafka-2'
      && pod.spec.containers[0].image === 'kafka:2' && pod.status?.conditions?.some((c: any) => c.type === 'Ready' && c.status === 'True')));
    const stateBefore = stepped.statefulSets[0].metadata.annotations['staged-rollouts.io/state'];

    await serverSideApply(cluster, 'kafka:2');
    const reapplied = await cluster.waitFor('a stable point after the re-apply', () => true);
    expect(reapplied.statefulSets[0].spec.updateStrategy.rollingUpdate.partition).toBe(2);
    expect(reapplied.statefulSets[0].metadata.annotations['staged-rollouts.io/state']).toBe(stateBefore);
    trace.record('re-applied mid-promotion', reapplied, { owners: await owners(cluster) });

    const rest = await cluster.stage(['promote', 'sts/kafka']);
    expect(rest.code).toBe(0);
    const done = await cluster.waitFor('kafka Ready on kafka:2', (s) => allReadyOn(s, 'kafka', 3, 'kafka:2'));
    expect(done.statefulSets[0].spec.updateStrategy.rollingUpdate.partition).toBe(0);
    trace.record('promoted', done, { rest: { code: rest.code, stdout: '', stderr: rest.stderr } });
  });
