// The DaemonSet canary's strategy switch as server-side apply, on both engines: a DaemonSet created by kubectl's
// client-side apply, staged (OnDelete, applied as kubectl-stage), promoted to the end (the original strategy applied
// back, its record dropped); after each write, the strategy, the record and who owns which strategy field.
import { differentialTest } from './differential';
import { isReady } from '../support/pod-readiness';
import { ClusterSnapshot, livePods } from '../support/scenario-cluster';
import { daemonSetManifest } from '../support/workload-manifests';

const ORIGINAL = 'staged-rollouts.io/original-strategy';
const STRATEGY = { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '50%', maxSurge: 0 } };
const agent = daemonSetManifest('agent', { image: 'agent:1', updateStrategy: STRATEGY });

const allOn = (image: string, count: number) => (s: ClusterSnapshot) => {
  const pods = livePods(s, 'agent');
  return pods.length === count && pods.every((pod) => isReady(pod) && pod.spec.containers[0].image === image);
};

// The strategy, its record, and the strategy fields each manager owns (main resource entries, sorted by manager).
function ownership(snapshot: ClusterSnapshot): Record<string, unknown> {
  const ds = snapshot.daemonSets[0] as any;
  const owners = (ds.metadata.managedFields ?? []).filter((entry: any) => !entry.subresource)
    .map((entry: any) => ({ manager: entry.manager, operation: entry.operation, strategy: entry.fieldsV1?.['f:spec']?.['f:updateStrategy'] }))
    .filter((entry: any) => entry.strategy !== undefined)
    .sort((a: any, b: any) => `${a.manager}/${a.operation}`.localeCompare(`${b.manager}/${b.operation}`));
  const original = ds.metadata.annotations?.[ORIGINAL];
  return { strategy: ds.spec.updateStrategy, original: original === undefined ? undefined : JSON.parse(original), owners };
}

differentialTest('a DaemonSet canary switches and restores its strategy with server-side apply as kubectl-stage', { nodes: 3 }, async (cluster, trace) => {
  await cluster.apply([agent]);
  await cluster.waitFor('3 daemon pods Ready', allOn('agent:1', 3));
  const staged = await cluster.stage(['stage', 'ds/agent']);
  expect(staged.code).toBe(0);
  const afterStage = await cluster.waitFor('staged', () => true);
  expect(ownership(afterStage)).toMatchObject({
    strategy: { type: 'OnDelete' },
    original: STRATEGY,
    owners: expect.arrayContaining([{ manager: 'kubectl-stage', operation: 'Apply', strategy: { 'f:type': {} } }]),
  });
  trace.record('staged', afterStage, { staged, ownership: ownership(afterStage) });

  expect((await cluster.kubectl(['set', 'image', 'ds/agent', 'agent=agent:2'])).code).toBe(0);
  await cluster.waitFor('the template observed', (s) => s.daemonSets.every((set) => set.status?.observedGeneration === set.metadata.generation));
  const promote = await cluster.stage(['promote', 'ds/agent', '--plan', 'canary', '--all', '--soak', '1s'], { signal: AbortSignal.timeout(120_000) });
  expect(`${promote.code}\n${promote.stdout}${promote.stderr}`).toMatch(/^0\n/);
  const done = await cluster.waitFor('every node on agent:2', allOn('agent:2', 3));
  expect(ownership(done)).toMatchObject({
    strategy: STRATEGY,
    original: undefined,
    owners: expect.arrayContaining([{
      manager: 'kubectl-stage',
      operation: 'Apply',
      strategy: { 'f:type': {}, 'f:rollingUpdate': { 'f:maxUnavailable': {}, 'f:maxSurge': {} } },
    }]),
  });
  trace.record('promoted', done, { promote, ownership: ownership(done) });
}, 300_000);
