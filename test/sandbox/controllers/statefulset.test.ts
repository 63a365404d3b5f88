import { KubeObject, RESOURCES } from '../../../src/sandbox/api';
import { isReady } from '../../support/pod-readiness';
import { InProcessSandboxKit, startSandboxKit } from '../../support/sandbox-kit';
import { statefulSetManifest } from '../../support/workload-manifests';

let sandbox: InProcessSandboxKit;

beforeEach(async () => {
  sandbox = await startSandboxKit({ nodes: 3, kubeletTiming: 'sandbox' });
});

afterEach(() => sandbox.stop());

function pods(app: string): KubeObject[] {
  return sandbox.pods(app);
}

function getSet(name: string): KubeObject {
  return sandbox.api.get(RESOURCES.statefulSets, 'default', name)!;
}

function revisions(name: string): KubeObject[] {
  return sandbox.api.list(RESOURCES.controllerRevisions, { namespace: 'default' }).items
    .filter((r) => r.metadata.ownerReferences?.[0]?.name === name)
    .sort((a, b) => a.revision - b.revision);
}

/** Whether the controller has observed the latest spec and finished rolling it out. */
function rolledOut(name: string): boolean {
  const set = getSet(name);
  const status = set.status ?? {};
  return status.observedGeneration === set.metadata.generation && status.currentRevision === status.updateRevision
    && status.updatedReplicas === set.spec.replicas && status.readyReplicas === set.spec.replicas;
}

function patchTemplateImage(name: string, image: string, extra: Record<string, unknown> = {}): void {
  const set = getSet(name);
  set.spec.template.spec.containers[0].image = image;
  Object.assign(set.spec, extra);
  sandbox.api.update(RESOURCES.statefulSets, set);
}

describe('StatefulSet controller (in-process)', () => {
  test('OrderedReady creates zk-0..2 one at a time, each after its predecessor is Running and Ready', () => {
    sandbox.api.create(RESOURCES.statefulSets, statefulSetManifest('zk'));
    sandbox.clock.advance(0);
    expect(pods('zk').map((p) => p.metadata.name)).toEqual(['zk-0']);

    const creationOrder: string[] = [];
    const readyWhenNextCreated: boolean[] = [];
    const { resourceVersion } = sandbox.api.list(RESOURCES.pods, { namespace: 'default' });
    const unwatch = sandbox.api.watch(RESOURCES.pods, { namespace: 'default', resourceVersion }, (event) => {
      if (event.type === 'ADDED') {
        creationOrder.push(event.object.metadata.name!);
        const ordinal = Number(event.object.metadata.name!.split('-')[1]);
        const predecessor = sandbox.api.get(RESOURCES.pods, 'default', `zk-${ordinal - 1}`);
        readyWhenNextCreated.push(predecessor !== undefined && isReady(predecessor));
      }
    });
    sandbox.advanceUntil(() => getSet('zk').status?.readyReplicas === 3);
    unwatch();

    expect(creationOrder).toEqual(['zk-1', 'zk-2']);
    expect(readyWhenNextCreated).toEqual([true, true]);
    const all = pods('zk');
    expect(all.map((p) => p.metadata.name)).toEqual(['zk-0', 'zk-1', 'zk-2']);
    const [revision] = revisions('zk');
    expect(revisions('zk')).toHaveLength(1);
    expect(revision.revision).toBe(1);
    const hash = revision.metadata.labels!['controller.kubernetes.io/hash'];
    expect(revision.metadata.name).toBe(`zk-${hash}`);
    all.forEach((pod, ordinal) => {
      expect(pod.metadata.labels).toEqual({
        'app': 'zk',
        'controller-revision-hash': revision.metadata.name,
        'statefulset.kubernetes.io/pod-name': `zk-${ordinal}`,
        'apps.kubernetes.io/pod-index': String(ordinal),
      });
      expect(pod.spec.hostname).toBe(`zk-${ordinal}`);
      expect(pod.spec.subdomain).toBe('zk');
      expect(pod.spec.nodeName).toMatch(/^node-[123]$/);
    });
    expect(getSet('zk').status).toEqual(expect.objectContaining({
      replicas: 3,
      readyReplicas: 3,
      availableReplicas: 3,
      currentReplicas: 3,
      updatedReplicas: 3,
      currentRevision: revision.metadata.name,
      updateRevision: revision.metadata.name,
      observedGeneration: 1,
      collisionCount: 0,
    }));
  });

  test('Parallel creates every pod at once', () => {
    sandbox.api.create(RESOURCES.statefulSets, statefulSetManifest('kafka', { spec: { podManagementPolicy: 'Parallel' } }));
    sandbox.clock.advance(0);
    expect(pods('kafka').map((p) => p.metadata.name)).toEqual(['kafka-0', 'kafka-1', 'kafka-2']);
  });

  test('a template change rolls pods in reverse ordinal order, one at a time', () => {
    sandbox.api.create(RESOURCES.statefulSets, statefulSetManifest('kafka', { spec: { podManagementPolicy: 'Parallel' } }));
    sandbox.advanceUntil(() => getSet('kafka').status?.readyReplicas === 3);
    const oldRevision = getSet('kafka').status.currentRevision;

    const deletions: string[] = [];
    const othersReadyAndUpdatedAtDeletion: boolean[] = [];
    const { resourceVersion } = sandbox.api.list(RESOURCES.pods, { namespace: 'default' });
    const unwatch = sandbox.api.watch(RESOURCES.pods, { namespace: 'default', resourceVersion }, (event) => {
      const name = event.object.metadata.name!;
      if (event.type === 'MODIFIED' && event.object.metadata.deletionTimestamp && !deletions.includes(name)) {
        deletions.push(name);
        const ordinal = Number(name.split('-')[1]);
        const higher = pods('kafka').filter((pod) => Number(pod.metadata.name!.split('-')[1]) > ordinal);
        othersReadyAndUpdatedAtDeletion.push(higher.every((pod) => isReady(pod) && pod.spec.containers[0].image === 'kafka:2'));
      }
    });
    patchTemplateImage('kafka', 'kafka:2');
    sandbox.advanceUntil(() => rolledOut('kafka'));
    unwatch();

    expect(deletions).toEqual(['kafka-2', 'kafka-1', 'kafka-0']);
    expect(othersReadyAndUpdatedAtDeletion).toEqual([true, true, true]);
    const status = getSet('kafka').status;
    expect(status.updateRevision).not.toBe(oldRevision);
    expect(revisions('kafka').map((r) => r.revision)).toEqual([1, 2]);
    expect(revisions('kafka')[1].metadata.name).toBe(status.updateRevision);
    for (const pod of pods('kafka')) {
      expect(pod.metadata.labels!['controller-revision-hash']).toBe(status.updateRevision);
      expect(pod.spec.containers[0].image).toBe('kafka:2');
    }
    expect(status).toEqual(expect.objectContaining({ currentReplicas: 3, updatedReplicas: 3, observedGeneration: 2 }));
  });

  test('partition stages an update, a pod below it comes back at the old revision, lowering it rolls on', () => {
    sandbox.api.create(RESOURCES.statefulSets, statefulSetManifest('kafka', { spec: { podManagementPolicy: 'Parallel' } }));
    sandbox.advanceUntil(() => getSet('kafka').status?.readyReplicas === 3);
    const oldRevision = getSet('kafka').status.currentRevision;

    patchTemplateImage('kafka', 'kafka:2', { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 3 } } });
    sandbox.advanceUntil(() => getSet('kafka').status?.observedGeneration === 2);
    sandbox.clock.advance(60_000);
    const staged = getSet('kafka').status;
    expect(staged.updateRevision).not.toBe(oldRevision);
    expect(staged).toEqual(expect.objectContaining({ currentRevision: oldRevision, updatedReplicas: 0, currentReplicas: 3, readyReplicas: 3 }));
    expect(pods('kafka').map((p) => p.spec.containers[0].image)).toEqual(['kafka:1', 'kafka:1', 'kafka:1']);

    sandbox.api.delete(RESOURCES.pods, 'default', 'kafka-0');
    sandbox.advanceUntil(() => {
      const pod = sandbox.api.get(RESOURCES.pods, 'default', 'kafka-0');
      return pod !== undefined && pod.metadata.deletionTimestamp === undefined && isReady(pod);
    });
    const recreated = sandbox.api.get(RESOURCES.pods, 'default', 'kafka-0')!;
    expect(recreated.metadata.labels!['controller-revision-hash']).toBe(oldRevision);
    expect(recreated.spec.containers[0].image).toBe('kafka:1');

    const set = getSet('kafka');
    set.spec.updateStrategy.rollingUpdate.partition = 2;
    sandbox.api.update(RESOURCES.statefulSets, set);
    sandbox.advanceUntil(() => getSet('kafka').status?.observedGeneration === 3
      && getSet('kafka').status?.updatedReplicas === 1 && getSet('kafka').status?.readyReplicas === 3);
    sandbox.clock.advance(60_000);
    expect(pods('kafka').map((p) => p.spec.containers[0].image)).toEqual(['kafka:1', 'kafka:1', 'kafka:2']);
    expect(getSet('kafka').status).toEqual(expect.objectContaining({ currentReplicas: 2, updatedReplicas: 1, currentRevision: oldRevision }));

    const last = getSet('kafka');
    last.spec.updateStrategy.rollingUpdate.partition = 0;
    sandbox.api.update(RESOURCES.statefulSets, last);
    sandbox.advanceUntil(() => rolledOut('kafka'));
    expect(pods('kafka').map((p) => p.spec.containers[0].image)).toEqual(['kafka:2', 'kafka:2', 'kafka:2']);
    expect(getSet('kafka').status).toEqual(expect.objectContaining({ currentReplicas: 3, updatedReplicas: 3 }));
  });

  test('reverting the template reuses the old revision with a bumped number', () => {
    sandbox.api.create(RESOURCES.statefulSets, statefulSetManifest('zk', { spec: { podManagementPolicy: 'Parallel' } }));
    sandbox.advanceUntil(() => getSet('zk').status?.readyReplicas === 3);
    const first = revisions('zk')[0].metadata.name!;
    patchTemplateImage('zk', 'zk:2');
    sandbox.advanceUntil(() => rolledOut('zk'));
    patchTemplateImage('zk', 'zk:1');
    sandbox.advanceUntil(() => rolledOut('zk'));
    expect(getSet('zk').status.updateRevision).toBe(first);
    expect(revisions('zk').map((r) => [r.metadata.name, r.revision])).toEqual([
      [expect.not.stringMatching(first), 2],
      [first, 3],
    ]);
  });

  test('OnDelete never replaces pods; a deleted pod comes back at the update revision', () => {
    sandbox.api.create(RESOURCES.statefulSets, statefulSetManifest('zk', { spec: { podManagementPolicy: 'Parallel', updateStrategy: { type: 'OnDelete' } } }));
    sandbox.advanceUntil(() => getSet('zk').status?.readyReplicas === 3);
    const oldRevision = getSet('zk').status.currentRevision;
    patchTemplateImage('zk', 'zk:2');
    sandbox.advanceUntil(() => getSet('zk').status?.observedGeneration === 2);
    sandbox.clock.advance(120_000);
    expect(pods('zk').map((p) => p.spec.containers[0].image)).toEqual(['zk:1', 'zk:1', 'zk:1']);

    sandbox.api.delete(RESOURCES.pods, 'default', 'zk-1');
    sandbox.advanceUntil(() => getSet('zk').status?.updatedReplicas === 1 && getSet('zk').status?.readyReplicas === 3);
    expect(pods('zk').map((p) => p.spec.containers[0].image)).toEqual(['zk:1', 'zk:2', 'zk:1']);
    expect(getSet('zk').status).toEqual(expect.objectContaining({ currentRevision: oldRevision, currentReplicas: 2, updatedReplicas: 1 }));
  });

  test('under OrderedReady a pod that never becomes Ready blocks the set even after the template is reverted (kubernetes#67250)', () => {
    sandbox.api.create(RESOURCES.statefulSets, statefulSetManifest('zk'));
    sandbox.advanceUntil(() => rolledOut('zk'));
    patchTemplateImage('zk', 'zk:bad');
    sandbox.advanceUntil(() => {
      const pod = sandbox.api.get(RESOURCES.pods, 'default', 'zk-2');
      return pod?.spec.containers[0].image === 'zk:bad' && pod.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'ImagePullBackOff';
    });
    patchTemplateImage('zk', 'zk:1');
    sandbox.advanceUntil(() => getSet('zk').status?.observedGeneration === 3);
    sandbox.clock.advance(600_000);
    const stuck = sandbox.api.get(RESOURCES.pods, 'default', 'zk-2')!;
    expect(stuck.spec.containers[0].image).toBe('zk:bad');
    expect(isReady(stuck)).toBe(false);
    expect(getSet('zk').status.readyReplicas).toBe(2);
  });

  test('a status someone else writes is corrected by the sync it causes, and the correction settles', () => {
    sandbox.api.create(RESOURCES.statefulSets, statefulSetManifest('kafka', { spec: { podManagementPolicy: 'Parallel' } }));
    sandbox.advanceUntil(() => rolledOut('kafka'));
    const written = getSet('kafka');
    sandbox.api.updateStatus(RESOURCES.statefulSets, { ...written, status: { ...written.status, readyReplicas: 99, availableReplicas: 99 } });
    sandbox.clock.advance(0);
    expect(getSet('kafka').status).toEqual(expect.objectContaining({ readyReplicas: 3, availableReplicas: 3 }));
    const settled = getSet('kafka').metadata.resourceVersion;
    sandbox.clock.advance(60_000);
    expect(getSet('kafka').metadata.resourceVersion).toBe(settled);
  });

  test('a status written by a watcher as it sees the controller\'s own status write is corrected too', () => {
    sandbox.api.create(RESOURCES.statefulSets, statefulSetManifest('kafka', { spec: { podManagementPolicy: 'Parallel' } }));
    let overwritten = false;
    const unwatch = sandbox.api.watch(RESOURCES.statefulSets, { namespace: 'default' }, (event) => {
      if (!overwritten && event.type === 'MODIFIED' && event.object.status?.readyReplicas === 3) {
        overwritten = true;
        sandbox.api.updateStatus(RESOURCES.statefulSets, { ...event.object, status: { ...event.object.status, readyReplicas: 99 } });
      }
    });
    sandbox.advanceUntil(() => overwritten);
    unwatch();
    sandbox.clock.advance(0);
    expect(getSet('kafka').status.readyReplicas).toBe(3);
  });

  test('an owned pod that is not a member by name is released, as upstream\'s ClaimPods filter does', () => {
    sandbox.api.create(RESOURCES.statefulSets, statefulSetManifest('kafka', { spec: { podManagementPolicy: 'Parallel' } }));
    sandbox.advanceUntil(() => rolledOut('kafka'));
    const template = pods('kafka')[0];
    sandbox.api.create(RESOURCES.pods, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'stranger', namespace: 'default', labels: { app: 'kafka' }, ownerReferences: template.metadata.ownerReferences },
      spec: { containers: [{ name: 'app', image: 'app:1' }] },
    });
    sandbox.advanceUntil(() => (sandbox.api.get(RESOURCES.pods, 'default', 'stranger')?.metadata.ownerReferences ?? []).length === 0);
    expect(getSet('kafka').status.replicas).toBe(3);
  });

  test('a pod its set no longer controls is dropped from the set\'s status at once, without waiting for another pod event', () => {
    sandbox.api.create(RESOURCES.statefulSets, statefulSetManifest('kafka', { spec: { podManagementPolicy: 'Parallel' } }));
    sandbox.advanceUntil(() => rolledOut('kafka'));
    const pod = sandbox.api.get(RESOURCES.pods, 'default', 'kafka-1')!;
    sandbox.api.update(RESOURCES.pods, { ...pod, metadata: { ...pod.metadata, ownerReferences: [], labels: { ...pod.metadata.labels, app: 'elsewhere' } } });
    sandbox.clock.advance(0);
    expect(getSet('kafka').status.readyReplicas).toBe(2);
  });
});
