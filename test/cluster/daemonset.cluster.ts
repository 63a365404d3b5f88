// The DaemonSet node canary on both engines, over 10 nodes: a good release walked node by node, and a bad one that
// fails on its canary node and is rolled back without touching the others. Plus the seed's kubectl history and undo.
import { differentialTest } from './differential';
import { isReady } from '../support/pod-readiness';
import { ClusterSnapshot, livePods } from '../support/scenario-cluster';
import { daemonSetManifest } from '../support/workload-manifests';

const withHostNetwork = daemonSetManifest('node-exporter', {
  image: 'prom/node-exporter:v0.14.0',
  updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '20%', maxSurge: 0 } },
  hostPort: 9100,
  podSpec: { hostNetwork: true },
});

const allOn = (image: string, count: number) => (s: ClusterSnapshot) => {
  const pods = livePods(s, 'node-exporter');
  return pods.length === count && pods.every((pod) => isReady(pod) && pod.spec.containers[0].image === image);
};
const templateObserved = (s: ClusterSnapshot) => s.daemonSets.every((set) => set.status?.observedGeneration === set.metadata.generation);
const images = (s: ClusterSnapshot) => livePods(s, 'node-exporter').map((pod) => pod.spec.containers[0].image);

differentialTest('a DaemonSet canary over 10 nodes: canary, 50%, all, then history beside kubectl\'s', { nodes: 10 }, async (cluster, trace) => {
  await cluster.apply([withHostNetwork]);
  await cluster.waitFor('10 daemon pods Ready', allOn('prom/node-exporter:v0.14.0', 10));
  const staged = await cluster.stage(['stage', 'ds/node-exporter']);
  expect(staged.code).toBe(0);
  expect((await cluster.kubectl(['set', 'image', 'ds/node-exporter', 'node-exporter=prom/node-exporter:v0.15.0'])).code).toBe(0);
  const changed = await cluster.waitFor('the template observed', templateObserved);
  expect(images(changed).every((image) => image === 'prom/node-exporter:v0.14.0')).toBe(true);
  trace.record('staged and changed', changed, { staged });

  const canary = await cluster.stage(['promote', 'ds/node-exporter', '--plan', 'canary,50%', '--step', '--soak', '1s']);
  expect(canary.code).toBe(0);
  const afterCanary = await cluster.waitFor('a stable point', () => true);
  expect(images(afterCanary).filter((image) => image.endsWith('v0.15.0'))).toHaveLength(1);
  trace.record('canary', afterCanary, { canary, status: await cluster.stage(['status', 'ds/node-exporter']) });

  const rest = await cluster.stage(['promote', 'ds/node-exporter', '--plan', 'canary,50%', '--all', '--soak', '1s']);
  expect(rest.code).toBe(0);
  // Each old pod is deleted once, however the watch events of other pods interleave with its deletion's.
  const deletions = [...canary.stdout.matchAll(/deleted (.*)$/gm), ...rest.stdout.matchAll(/deleted (.*)$/gm)]
    .flatMap((match) => match[1].split(', ').map((entry) => entry.split(' on ')[0]));
  expect(deletions).toHaveLength(10);
  expect(new Set(deletions).size).toBe(10);
  const done = await cluster.waitFor('every node on v0.15.0', allOn('prom/node-exporter:v0.15.0', 10));
  trace.record('complete', done, {
    rest,
    status: await cluster.stage(['status', 'ds/node-exporter']),
    history: await cluster.stage(['history', 'ds/node-exporter']),
    kubectlHistory: await cluster.kubectl(['rollout', 'history', 'ds/node-exporter']),
    strategy: done.daemonSets[0].spec.updateStrategy,
  });
  // The original strategy is restored at the end.
  expect(done.daemonSets[0].spec.updateStrategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '20%', maxSurge: 0 } });
}, 900_000);

differentialTest('a crash-looping DaemonSet release fails on its canary node and --auto-rollback restores it; the other 9 never move', { nodes: 10 }, async (cluster, trace) => {
  await cluster.apply([withHostNetwork]);
  const before = await cluster.waitFor('10 daemon pods Ready', allOn('prom/node-exporter:v0.14.0', 10));
  const uids = new Map(livePods(before, 'node-exporter').map((pod) => [pod.spec.nodeName, pod.metadata.uid]));
  expect((await cluster.stage(['stage', 'ds/node-exporter'])).code).toBe(0);
  // The release's containers exit soon after starting (the failure convention both engines honour). An image that
  // cannot be pulled is not used here: after kwok v0.8.0's ImagePullBackOff stage it sometimes stops acting on that
  // node's pods (see the closing note of issue 11).
  expect((await cluster.kubectl(['set', 'env', 'ds/node-exporter', 'SANDBOX_FAILURE=CrashLoop'])).code).toBe(0);
  await cluster.waitFor('the template observed', templateObserved);

  const promote = await cluster.stage(['promote', 'ds/node-exporter', '--plan', 'canary,50%', '--auto-rollback', '--timeout', '30s']);
  expect(`${promote.code}\n${promote.stdout}${promote.stderr}`).toMatch(/^2\n/);
  expect(promote.stdout).toMatch(/\nstep 1: deleted node-exporter-\w+ on node-1\n/);
  expect(promote.stdout).toMatch(/\nstep 1 failed: pod node-exporter-\w+( on node-1)?: .*CrashLoopBackOff/);
  const after = await cluster.waitFor('every node back on v0.14.0', (snapshot) => allOn('prom/node-exporter:v0.14.0', 10)(snapshot)
    && livePods(snapshot, 'node-exporter').every((pod) => !(pod.spec.containers[0].env ?? []).length));
  const moved = livePods(after, 'node-exporter').filter((pod) => uids.get(pod.spec.nodeName) !== pod.metadata.uid).map((pod) => pod.spec.nodeName);
  expect(moved).toEqual(['node-1']);
  trace.record('rolled back', after, { promote, history: await cluster.kubectl(['rollout', 'history', 'ds/node-exporter']) });
}, 900_000);
