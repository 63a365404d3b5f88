import { runtimeClockOf } from '../../../src/rehearsal/virtual-runtime-clock';
import { isNewerVersion, WorkloadObserver } from '../../../src/runtime/cluster/workload-observer';
import { KubeObject, RESOURCES } from '../../../src/sandbox/api';
import { VirtualClock } from '../../../src/sandbox/clock';
import { createSandboxApi } from '../../../src/sandbox/store';
import { InProcessCluster } from '../../support/in-process-cluster';

const meta = (resourceVersion?: string) => ({ metadata: { resourceVersion } });

test('isNewerVersion compares integer resourceVersions numerically, anything else by difference', () => {
  expect(isNewerVersion(meta('10'), meta('9'))).toBe(true);
  expect(isNewerVersion(meta('9'), meta('10'))).toBe(false);
  expect(isNewerVersion(meta('10'), meta('10'))).toBe(false);
  expect(isNewerVersion(meta('abc'), meta('abd'))).toBe(true);
  expect(isNewerVersion(meta('5'), undefined)).toBe(true);
});

function pod(name: string, labels: Record<string, string>): KubeObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default', labels }, spec: { containers: [{ name: 'c', image: 'i' }] } };
}

function setup() {
  const clock = new VirtualClock();
  const api = createSandboxApi({ clock });
  api.create(RESOURCES.statefulSets, {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'web', namespace: 'default' },
    spec: {
      replicas: 1,
      serviceName: 'web',
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'i' }] } },
    },
  });
  api.create(RESOURCES.pods, pod('web-0', { app: 'web' }));
  api.create(RESOURCES.pods, pod('other-0', { app: 'other' }));
  const cluster = new InProcessCluster(api);
  const observer = new WorkloadObserver({ cluster, clock: runtimeClockOf(clock), namespace: 'default', name: 'web' });
  return { clock, api, cluster, observer };
}

test('lists the StatefulSet and the pods its selector selects, then follows changes', async () => {
  const { clock, api, observer } = setup();
  await observer.start();
  expect(observer.snapshot().workload?.metadata.name).toBe('web');
  expect(observer.snapshot().pods.map((p) => p.metadata.name)).toEqual(['web-0']);
  const changed = observer.nextChange();
  let woke = false;
  void changed.then(() => { woke = true; });
  api.create(RESOURCES.pods, pod('web-1', { app: 'web' }));
  await clock.runUntil(() => woke);
  expect(observer.snapshot().pods.map((p) => p.metadata.name)).toEqual(['web-0', 'web-1']);
  api.delete(RESOURCES.pods, 'default', 'web-0', { gracePeriodSeconds: 0 });
  await clock.runUntil(() => observer.snapshot().pods.length === 1);
  await observer.stop();
});

test('a dropped watch resumes from the last resourceVersion, and a 410 relists', async () => {
  const { clock, api, cluster, observer } = setup();
  await observer.start();
  cluster.endWatches();
  api.create(RESOURCES.pods, pod('web-1', { app: 'web' }));
  await clock.runUntil(() => observer.snapshot().pods.length === 2);
  cluster.inject({ verb: 'watch', kind: 'Pod', code: 410 });
  cluster.endWatches();
  api.create(RESOURCES.pods, pod('web-2', { app: 'web' }));
  await clock.runUntil(() => observer.snapshot().pods.length === 3);
  expect(observer.snapshot().pods.map((p) => p.metadata.name)).toEqual(['web-0', 'web-1', 'web-2']);
  // Two drops and one 410: the pod watch was reopened three times and the pods listed once more.
  expect(cluster.calls.filter((call) => call === 'watch Pod')).toHaveLength(4);
  expect(cluster.calls.filter((call) => call === 'list Pod')).toHaveLength(2);
  await observer.stop();
});

test('its own writes are seen at once; an older watch event never rolls the view back', async () => {
  const { api, observer } = setup();
  await observer.start();
  const sts = api.get(RESOURCES.statefulSets, 'default', 'web')!;
  const newer = { ...sts, metadata: { ...sts.metadata, resourceVersion: String(Number(sts.metadata.resourceVersion) + 100) } };
  observer.observe(newer as never);
  expect(observer.snapshot().workload?.metadata.resourceVersion).toBe(newer.metadata.resourceVersion);
  observer.observe(sts as never);
  expect(observer.snapshot().workload?.metadata.resourceVersion).toBe(newer.metadata.resourceVersion);
  await observer.stop();
});
