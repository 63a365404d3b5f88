// The classes of gap that upstream's own scenarios found in the sandbox, kept in the differential runner: what kubectl
// shows for a PodDisruptionBudget, evictions and drain within (and against) a budget, resource quantities as the API
// server stores them, empty lists an apply leaves out, claims bound to volumes, and a server-side dry run.
import { differentialTest } from './differential';
import { allReadyOn, ClusterSnapshot, livePods } from '../support/scenario-cluster';
import { statefulSetManifest } from '../support/workload-manifests';

const budget = (name: string, spec: Record<string, unknown>) => ({
  apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name, namespace: 'default' }, spec,
});
const zk = statefulSetManifest('zk', { replicas: 3, image: 'zk:1', updateStrategy: 'rolling', spec: { podManagementPolicy: 'Parallel' } });
const allZkReady = (s: ClusterSnapshot) => allReadyOn(s, 'zk', 3, 'zk:1');

differentialTest('a PodDisruptionBudget\'s status, as kubectl get pdb shows it', { nodes: 3 }, async (cluster, trace) => {
  await cluster.apply([zk, budget('zk-pdb', { selector: { matchLabels: { app: 'zk' } }, maxUnavailable: 1 }),
    budget('zk-strict', { selector: { matchLabels: { app: 'zk' } }, minAvailable: '100%' })]);
  const ready = await cluster.waitFor('3 zk pods Ready', allZkReady);
  let status: any;
  for (const deadline = Date.now() + 30_000; Date.now() < deadline;) {
    // The disruption controller writes status after the pods are Ready: wait for the allowed count to settle.
    status = JSON.parse((await cluster.kubectl(['get', 'pdb', 'zk-pdb', '-o', 'json'])).stdout).status;
    if (status?.currentHealthy === 3) {
      break;
    }
    await cluster.pause(200);
  }
  expect(status).toMatchObject({ currentHealthy: 3, desiredHealthy: 2, disruptionsAllowed: 1, expectedPods: 3 });
  const table = await cluster.kubectl(['get', 'pdb']);
  expect(table.stdout).toMatch(/^zk-pdb\s+N\/A\s+1\s+1\s/m);
  expect(table.stdout).toMatch(/^zk-strict\s+100%\s+N\/A\s+0\s/m);
  trace.record('budgets', ready, { table });
});

differentialTest('kubectl drain is refused by a budget that allows no disruption, and evicts within one that allows one', { nodes: 3 }, async (cluster, trace) => {
  await cluster.apply([zk, budget('zk-pdb', { selector: { matchLabels: { app: 'zk' } }, minAvailable: '100%' })]);
  const ready = await cluster.waitFor('3 zk pods Ready', allZkReady);
  await cluster.waitFor('the budget computed', () => true);
  const node = livePods(ready, 'zk').find((pod) => pod.metadata.name === 'zk-0').spec.nodeName;
  const refused = await cluster.kubectl(['drain', node, '--ignore-daemonsets', '--timeout=3s'], { blocking: true });
  expect(refused.code).not.toBe(0);
  expect(refused.stderr).toContain('Cannot evict pod as it would violate the pod\'s disruption budget.');
  const after = await cluster.waitFor('a stable point', () => true);
  expect(livePods(after, 'zk')).toHaveLength(3);
  expect(after.nodes.find((n) => n.metadata.name === node).spec.unschedulable).toBe(true);
  trace.record('refused', after, { refused: { code: refused.code, stdout: '', stderr: refused.stderr.split('\n').find((l) => l.includes('Cannot evict')) ?? '' } });

  // A budget that allows one disruption: the drain evicts zk-0, which the StatefulSet recreates on another node.
  await cluster.apply([budget('zk-pdb', { selector: { matchLabels: { app: 'zk' } }, maxUnavailable: 1 })]);
  const drained = await cluster.kubectl(['drain', node, '--ignore-daemonsets', '--timeout=60s'], { blocking: true });
  expect(drained.code).toBe(0);
  expect(drained.stdout).toContain('pod/zk-0 evicted\n');
  const moved = await cluster.waitFor('zk-0 back on another node', (s) => allZkReady(s)
    && livePods(s, 'zk').find((pod) => pod.metadata.name === 'zk-0').spec.nodeName !== node);
  // Which node zk-0 was on is the scheduler's choice among equal nodes (random on a real scheduler): not compared.
  const lines = drained.stdout.split('\n').filter((l) => /evicted|drained/.test(l)).map((l) => l.replace(/^node\/\S+/, 'node/<node>'));
  trace.record('drained', moved, { drained: { code: drained.code, stdout: lines.join('\n'), stderr: '' } });
});

differentialTest('quantities are stored in canonical form, empty lists are left out, claims are bound', { nodes: 3 }, async (cluster, trace) => {
  const web = statefulSetManifest('web', {
    replicas: 1,
    image: 'web:1',
    updateStrategy: 'rolling',
    spec: {
      volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1024Mi' } } } }],
    },
  }) as any;
  web.spec.template.spec.containers[0].resources = { requests: { cpu: '0.5', memory: '1024Mi' }, limits: { cpu: '1.5', memory: '2048Mi' } };
  web.spec.template.spec.tolerations = [];
  await cluster.apply([web]);
  const ready = await cluster.waitFor('web Ready', (s) => allReadyOn(s, 'web', 1, 'web:1'));
  const resources = await cluster.kubectl(['get', 'sts', 'web', '-o', 'jsonpath={.spec.template.spec.containers[0].resources}']);
  expect(JSON.parse(resources.stdout)).toEqual({ requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '1500m', memory: '2Gi' } });
  const tolerations = await cluster.kubectl(['get', 'sts', 'web', '-o', 'jsonpath={.spec.template.spec.tolerations}']);
  expect(tolerations.stdout).toBe('');
  const claim = JSON.parse((await cluster.kubectl(['get', 'pvc', 'data-web-0', '-o', 'json'])).stdout);
  expect(claim.status.phase).toBe('Bound');
  expect(claim.status.capacity.storage).toBe('1Gi');
  trace.record('stored', ready, { resources, tolerations, claim: { phase: claim.status.phase, capacity: claim.status.capacity } });
});

differentialTest('kubectl rollout undo --dry-run=server answers as the undo would and changes nothing', { nodes: 3 }, async (cluster, trace) => {
  await cluster.apply([statefulSetManifest('web', { replicas: 2, image: 'web:1', updateStrategy: 'rolling' })]);
  await cluster.waitFor('web Ready', (s) => allReadyOn(s, 'web', 2, 'web:1'));
  expect((await cluster.kubectl(['set', 'image', 'sts/web', 'web=web:2'])).code).toBe(0);
  const rolled = await cluster.waitFor('web on web:2', (s) => allReadyOn(s, 'web', 2, 'web:2'));
  const generation = rolled.statefulSets[0].metadata.generation;
  const dryRun = await cluster.kubectl(['rollout', 'undo', 'sts/web', '--dry-run=server']);
  expect(dryRun).toMatchObject({ code: 0, stdout: 'statefulset.apps/web rolled back (server dry run)\n' });
  const after = await cluster.waitFor('a stable point', () => true);
  expect(after.statefulSets[0].metadata.generation).toBe(generation);
  expect(after.statefulSets[0].spec.template.spec.containers[0].image).toBe('web:2');
  trace.record('dry run', after, { dryRun });
});
