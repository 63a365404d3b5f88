import { KubeObject, RESOURCES } from '../../../src/sandbox/api';
import { isReady } from '../../support/pod-readiness';
import { InProcessSandboxKit, startSandboxKit } from '../../support/sandbox-kit';

let sandbox: InProcessSandboxKit;

beforeEach(async () => {
  sandbox = await startSandboxKit({ nodes: [{}, {}, {}, { controlPlane: true }], kubeletTiming: 'sandbox' });
});

afterEach(() => sandbox.stop());

const CHANGE_CAUSE = 'kubernetes.io/change-cause';

function daemonSet(image: string, changeCause: string): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: 'node-exporter', namespace: 'default', annotations: { [CHANGE_CAUSE]: changeCause } },
    spec: {
      selector: { matchLabels: { app: 'node-exporter' } },
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1 } },
      template: {
        metadata: { labels: { app: 'node-exporter' } },
        spec: { containers: [{ name: 'node-exporter', image }] },
      },
    },
  };
}

function getDs(): KubeObject {
  return sandbox.api.get(RESOURCES.daemonSets, 'default', 'node-exporter')!;
}

function setImage(image: string, changeCause: string): void {
  const ds = getDs();
  ds.spec.template.spec.containers[0].image = image;
  ds.metadata.annotations = { ...ds.metadata.annotations, [CHANGE_CAUSE]: changeCause };
  sandbox.api.update(RESOURCES.daemonSets, ds);
}

function history(): Array<[number, string | undefined]> {
  return sandbox.api.list(RESOURCES.controllerRevisions, { namespace: 'default' }).items
    .filter((revision) => revision.metadata.ownerReferences?.[0]?.name === 'node-exporter')
    .sort((a, b) => a.revision - b.revision)
    .map((revision) => [revision.revision, revision.metadata.annotations?.[CHANGE_CAUSE]]);
}

function settled(): boolean {
  const ds = getDs();
  const status = ds.status ?? {};
  return status.observedGeneration === ds.metadata.generation && status.numberReady === status.desiredNumberScheduled
    && status.updatedNumberScheduled === status.desiredNumberScheduled && status.desiredNumberScheduled > 0;
}

describe('DaemonSet controller (in-process)', () => {
  test('runs one pod per schedulable node (not on the tainted control plane), pinned and labelled', () => {
    sandbox.api.create(RESOURCES.daemonSets, daemonSet('prom/node-exporter:v0.13.0', 'v0.13'));
    sandbox.advanceUntil(settled);
    const pods = sandbox.pods('node-exporter');
    expect(pods.map((pod) => pod.spec.nodeName).sort()).toEqual(['node-1', 'node-2', 'node-3']);
    const [revision] = sandbox.api.list(RESOURCES.controllerRevisions, { namespace: 'default' }).items;
    for (const pod of pods) {
      expect(pod.metadata.name).toMatch(/^node-exporter-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
      expect(pod.metadata.labels).toEqual(expect.objectContaining({
        'controller-revision-hash': revision.metadata.labels!['controller-revision-hash'],
        'pod-template-generation': '1',
      }));
      expect(pod.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms).toEqual([
        { matchFields: [{ key: 'metadata.name', operator: 'In', values: [pod.spec.nodeName] }] },
      ]);
    }
    expect(getDs().status).toEqual(expect.objectContaining({
      desiredNumberScheduled: 3,
      currentNumberScheduled: 3,
      updatedNumberScheduled: 3,
      numberReady: 3,
      numberAvailable: 3,
      numberMisscheduled: 0,
      observedGeneration: 1,
    }));
    expect(history()).toEqual([[1, 'v0.13']]);
  });

  test('a bad image halts the rolling update after one node; rolling back renumbers the old revision', () => {
    sandbox.api.create(RESOURCES.daemonSets, daemonSet('prom/node-exporter:v0.13.0', 'v0.13'));
    sandbox.advanceUntil(settled);
    setImage('prom/node-exporter:v0.14.0', 'v0.14');
    sandbox.advanceUntil(settled);
    setImage('prom/node-exporter:bad', 'bad');
    sandbox.advanceUntil(() => getDs().status?.observedGeneration === 3);
    sandbox.clock.advance(600_000);
    const images = sandbox.pods('node-exporter').map((pod) => pod.spec.containers[0].image).sort();
    expect(images).toEqual(['prom/node-exporter:bad', 'prom/node-exporter:v0.14.0', 'prom/node-exporter:v0.14.0']);
    expect(sandbox.pods('node-exporter').filter(isReady)).toHaveLength(2);
    expect(getDs().status).toEqual(expect.objectContaining({ updatedNumberScheduled: 1, numberUnavailable: 1, numberReady: 2 }));
    expect(history()).toEqual([[1, 'v0.13'], [2, 'v0.14'], [3, 'bad']]);

    // What `kubectl rollout undo --to-revision=2` sends: revision 2's template, and its change-cause.
    setImage('prom/node-exporter:v0.14.0', 'v0.14');
    sandbox.advanceUntil(settled);
    expect(history()).toEqual([[1, 'v0.13'], [3, 'bad'], [4, 'v0.14']]);
    expect(sandbox.pods('node-exporter').every(isReady)).toBe(true);
  });

  test('a node added at runtime gets a pod', () => {
    sandbox.api.create(RESOURCES.daemonSets, daemonSet('prom/node-exporter:v0.13.0', 'v0.13'));
    sandbox.advanceUntil(settled);
    sandbox.api.create(RESOURCES.nodes, { ...makeExtraNode() });
    sandbox.advanceUntil(() => settled() && getDs().status.desiredNumberScheduled === 4);
    expect(sandbox.pods('node-exporter').map((pod) => pod.spec.nodeName).sort()).toEqual(['node-1', 'node-2', 'node-3', 'node-5']);
  });
});

function makeExtraNode(): KubeObject {
  const [node] = sandbox.api.list(RESOURCES.nodes).items.filter((candidate) => candidate.metadata.name === 'node-1');
  const { uid: _uid, resourceVersion: _rv, creationTimestamp: _created, ...metadata } = node.metadata;
  return { ...node, metadata: { ...metadata, name: 'node-5', labels: { ...metadata.labels, 'kubernetes.io/hostname': 'node-5' } } };
}
