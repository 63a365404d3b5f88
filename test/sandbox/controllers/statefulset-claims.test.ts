// PersistentVolumeClaims from volumeClaimTemplates and persistentVolumeClaimRetentionPolicy, as
// stateful_pod_control.go and stateful_set_utils.go implement them.
import { EventLog, getObject, names, statefulSetRolledOut, updateObject } from './workload-helpers';
import { KubeObject, OwnerReference, RESOURCES } from '../../../src/sandbox/api';
import { isReady } from '../../support/pod-readiness';
import { InProcessSandboxKit, startSandboxKit } from '../../support/sandbox-kit';
import { statefulSetManifest } from '../../support/workload-manifests';

let sandbox: InProcessSandboxKit;

beforeEach(async () => {
  sandbox = await startSandboxKit({ nodes: 3, kubeletTiming: 'sandbox' });
});

afterEach(() => sandbox.stop());

const DATA_TEMPLATE = {
  metadata: { name: 'data', labels: { tier: 'storage', app: 'overridden-by-selector' }, annotations: { 'example.com/backup': 'daily' } },
  spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
};

function webSet(spec: Record<string, unknown> = {}): KubeObject {
  return statefulSetManifest('web', { spec: { volumeClaimTemplates: [DATA_TEMPLATE], ...spec } });
}

function claim(name: string): KubeObject {
  return getObject(sandbox, RESOURCES.persistentVolumeClaims, name);
}

function claimNames(): string[] {
  return names(sandbox, RESOURCES.persistentVolumeClaims);
}

function refsOf(name: string): OwnerReference[] {
  return claim(name).metadata.ownerReferences ?? [];
}

function setRef(): OwnerReference {
  const set = getObject(sandbox, RESOURCES.statefulSets, 'web');
  return { apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'web', uid: set.metadata.uid!, controller: true, blockOwnerDeletion: true };
}

function podRef(podName: string): OwnerReference {
  const pod = getObject(sandbox, RESOURCES.pods, podName);
  return { apiVersion: 'v1', kind: 'Pod', name: podName, uid: pod.metadata.uid!, controller: true, blockOwnerDeletion: true };
}

function scale(replicas: number): void {
  updateObject(sandbox, RESOURCES.statefulSets, 'web', (set) => {
    set.spec.replicas = replicas;
  });
}

function podNames(): string[] {
  return names(sandbox, RESOURCES.pods, 'app=web');
}

function eventMessages(reason: string): string[] {
  return sandbox.api.list(RESOURCES.events, { namespace: 'default' }).items
    .filter((event) => event.reason === reason && event.involvedObject.name === 'web')
    .map((event) => event.message);
}

describe('StatefulSet claims from volumeClaimTemplates', () => {
  test('each pod gets <template>-<set>-<ordinal> claims labelled with the selector, mounted under the template name', () => {
    sandbox.api.create(RESOURCES.statefulSets, webSet({
      replicas: 2,
      volumeClaimTemplates: [DATA_TEMPLATE, { metadata: { name: 'logs' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '100Mi' } } } }],
      template: {
        metadata: { labels: { app: 'web' } },
        spec: { containers: [{ name: 'web', image: 'web:1' }], volumes: [{ name: 'config', emptyDir: {} }] },
      },
    }));
    sandbox.advanceUntil(() => statefulSetRolledOut(sandbox, 'web'));

    expect(claimNames()).toEqual(['data-web-0', 'data-web-1', 'logs-web-0', 'logs-web-1']);
    const data0 = claim('data-web-0');
    expect(data0.metadata.labels).toEqual({ tier: 'storage', app: 'web' });
    expect(data0.metadata.annotations).toEqual(expect.objectContaining({ 'example.com/backup': 'daily' }));
    expect(data0.metadata.ownerReferences).toBeUndefined();
    expect(data0.spec.resources).toEqual({ requests: { storage: '1Gi' } });
    expect(data0.status.phase).toBe('Bound');
    expect(claim('logs-web-1').metadata.labels).toEqual({ app: 'web' });

    for (const ordinal of [0, 1]) {
      expect(getObject(sandbox, RESOURCES.pods, `web-${ordinal}`).spec.volumes).toEqual([
        { name: 'data', persistentVolumeClaim: { claimName: `data-web-${ordinal}` } },
        { name: 'logs', persistentVolumeClaim: { claimName: `logs-web-${ordinal}` } },
        { name: 'config', emptyDir: {} },
      ]);
    }
    expect(eventMessages('SuccessfulCreate')).toEqual([
      'create Claim data-web-0 Pod web-0 in StatefulSet web success',
      'create Claim logs-web-0 Pod web-0 in StatefulSet web success',
      'create Pod web-0 in StatefulSet web successful',
      'create Claim data-web-1 Pod web-1 in StatefulSet web success',
      'create Claim logs-web-1 Pod web-1 in StatefulSet web success',
      'create Pod web-1 in StatefulSet web successful',
    ]);
  });

  test('a recreated pod reuses its claim; no claim is created again', () => {
    sandbox.api.create(RESOURCES.statefulSets, webSet());
    sandbox.advanceUntil(() => statefulSetRolledOut(sandbox, 'web'));
    const oldPodUid = getObject(sandbox, RESOURCES.pods, 'web-1').metadata.uid;
    const claimUid = claim('data-web-1').metadata.uid;
    const claims = new EventLog(sandbox, RESOURCES.persistentVolumeClaims);

    sandbox.api.delete(RESOURCES.pods, 'default', 'web-1');
    sandbox.advanceUntil(() => {
      const pod = sandbox.api.get(RESOURCES.pods, 'default', 'web-1');
      return pod !== undefined && pod.metadata.uid !== oldPodUid && isReady(pod);
    });
    claims.stop();

    expect(claims.additions()).toEqual([]);
    expect(claim('data-web-1').metadata.uid).toBe(claimUid);
    expect(getObject(sandbox, RESOURCES.pods, 'web-1').spec.volumes[0]).toEqual({ name: 'data', persistentVolumeClaim: { claimName: 'data-web-1' } });
  });
});

describe('persistentVolumeClaimRetentionPolicy', () => {
  test('whenDeleted=Delete, whenScaled=Retain: claims are created bare, then owned by the set; scaling keeps them, deleting the set removes them', () => {
    const claims = new EventLog(sandbox, RESOURCES.persistentVolumeClaims);
    sandbox.api.create(RESOURCES.statefulSets, webSet({ persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Delete', whenScaled: 'Retain' } }));
    sandbox.advanceUntil(() => statefulSetRolledOut(sandbox, 'web'));
    claims.stop();

    // Upstream creates the claim without owners and adds the policy's references once the pod exists.
    const data0 = claims.events.filter((event) => event.object.metadata.name === 'data-web-0');
    expect(data0[0].type).toBe('ADDED');
    expect(data0[0].object.metadata.ownerReferences).toBeUndefined();
    expect(data0.find((event) => event.type === 'MODIFIED' && event.object.metadata.ownerReferences)?.object.metadata.ownerReferences).toEqual([setRef()]);
    for (const name of ['data-web-0', 'data-web-1', 'data-web-2']) {
      expect(refsOf(name)).toEqual([setRef()]);
    }

    scale(1);
    sandbox.advanceUntil(() => podNames().length === 1 && statefulSetRolledOut(sandbox, 'web'));
    expect(claimNames()).toEqual(['data-web-0', 'data-web-1', 'data-web-2']);
    expect(refsOf('data-web-2')).toEqual([setRef()]);

    sandbox.api.delete(RESOURCES.statefulSets, 'default', 'web');
    sandbox.advanceUntil(() => claimNames().length === 0 && podNames().length === 0);
    expect(names(sandbox, RESOURCES.controllerRevisions)).toEqual([]);
  });

  test('whenScaled=Delete, whenDeleted=Retain: a condemned pod owns its claim before it is deleted, so the claim goes with it', () => {
    sandbox.api.create(RESOURCES.statefulSets, webSet({ persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Delete' } }));
    sandbox.advanceUntil(() => statefulSetRolledOut(sandbox, 'web'));
    expect(['data-web-0', 'data-web-1', 'data-web-2'].map(refsOf)).toEqual([[], [], []]);
    const oldClaimUids = ['data-web-1', 'data-web-2'].map((name) => claim(name).metadata.uid);

    const refsWhenDeleted = new Map<string, OwnerReference[]>();
    const pod2Ref = podRef('web-2');
    const pod1Ref = podRef('web-1');
    const { resourceVersion } = sandbox.api.list(RESOURCES.pods, { namespace: 'default' });
    const unwatch = sandbox.api.watch(RESOURCES.pods, { namespace: 'default', resourceVersion }, (event) => {
      const name = event.object.metadata.name!;
      if (event.type === 'MODIFIED' && event.object.metadata.deletionTimestamp && !refsWhenDeleted.has(name)) {
        refsWhenDeleted.set(name, refsOf(`data-${name}`));
      }
    });
    scale(1);
    sandbox.advanceUntil(() => podNames().length === 1 && claimNames().length === 1);
    unwatch();

    expect([...refsWhenDeleted.keys()]).toEqual(['web-2', 'web-1']);
    expect(refsWhenDeleted.get('web-2')).toEqual([pod2Ref]);
    expect(refsWhenDeleted.get('web-1')).toEqual([pod1Ref]);
    expect(claimNames()).toEqual(['data-web-0']);
    expect(refsOf('data-web-0')).toEqual([]);

    scale(3);
    sandbox.advanceUntil(() => statefulSetRolledOut(sandbox, 'web'));
    expect(claimNames()).toEqual(['data-web-0', 'data-web-1', 'data-web-2']);
    expect(claim('data-web-1').metadata.uid).not.toBe(oldClaimUids[0]);
    expect(claim('data-web-2').metadata.uid).not.toBe(oldClaimUids[1]);

    sandbox.api.delete(RESOURCES.statefulSets, 'default', 'web');
    sandbox.advanceUntil(() => podNames().length === 0 && sandbox.api.get(RESOURCES.statefulSets, 'default', 'web') === undefined);
    expect(claimNames()).toEqual(['data-web-0', 'data-web-1', 'data-web-2']);
    expect(['data-web-0', 'data-web-1', 'data-web-2'].map(refsOf)).toEqual([[], [], []]);
  });

  test('Delete/Delete: in-range claims are owned by the set, a condemned one by its pod only', () => {
    sandbox.api.create(RESOURCES.statefulSets, webSet({ replicas: 2, persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Delete', whenScaled: 'Delete' } }));
    sandbox.advanceUntil(() => statefulSetRolledOut(sandbox, 'web'));
    expect(refsOf('data-web-0')).toEqual([setRef()]);
    expect(refsOf('data-web-1')).toEqual([setRef()]);

    const pod1Ref = podRef('web-1');
    let refsWhenPodDeleted: OwnerReference[] | undefined;
    const { resourceVersion } = sandbox.api.list(RESOURCES.pods, { namespace: 'default' });
    const unwatch = sandbox.api.watch(RESOURCES.pods, { namespace: 'default', resourceVersion }, (event) => {
      if (event.object.metadata.name === 'web-1' && event.object.metadata.deletionTimestamp && !refsWhenPodDeleted) {
        refsWhenPodDeleted = refsOf('data-web-1');
      }
    });
    scale(1);
    sandbox.advanceUntil(() => podNames().length === 1 && claimNames().length === 1);
    unwatch();
    expect(refsWhenPodDeleted).toEqual([pod1Ref]);
    expect(refsOf('data-web-0')).toEqual([setRef()]);

    sandbox.api.delete(RESOURCES.statefulSets, 'default', 'web');
    sandbox.advanceUntil(() => claimNames().length === 0 && podNames().length === 0);
  });

  test('changing the policy of a live set rewrites the claims\' owners without restarting pods', () => {
    sandbox.api.create(RESOURCES.statefulSets, webSet({ replicas: 2 }));
    sandbox.advanceUntil(() => statefulSetRolledOut(sandbox, 'web'));
    const podUids = ['web-0', 'web-1'].map((name) => getObject(sandbox, RESOURCES.pods, name).metadata.uid);

    updateObject(sandbox, RESOURCES.statefulSets, 'web', (set) => {
      set.spec.persistentVolumeClaimRetentionPolicy = { whenDeleted: 'Delete', whenScaled: 'Retain' };
    });
    sandbox.advanceUntil(() => refsOf('data-web-0').length === 1 && refsOf('data-web-1').length === 1);
    expect(refsOf('data-web-0')).toEqual([setRef()]);
    expect(refsOf('data-web-1')).toEqual([setRef()]);

    updateObject(sandbox, RESOURCES.statefulSets, 'web', (set) => {
      set.spec.persistentVolumeClaimRetentionPolicy = { whenDeleted: 'Retain', whenScaled: 'Retain' };
    });
    sandbox.advanceUntil(() => refsOf('data-web-0').length === 0 && refsOf('data-web-1').length === 0);
    expect(['web-0', 'web-1'].map((name) => getObject(sandbox, RESOURCES.pods, name).metadata.uid)).toEqual(podUids);
    expect(getObject(sandbox, RESOURCES.statefulSets, 'web').status.currentRevision)
      .toBe(getObject(sandbox, RESOURCES.statefulSets, 'web').status.updateRevision);
  });

  test('a claim managed by another controller keeps only that controller, with a ConflictingController warning', () => {
    const keeper = sandbox.api.create(RESOURCES.configMaps, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'keeper', namespace: 'default' } });
    const keeperRef: OwnerReference = { apiVersion: 'v1', kind: 'ConfigMap', name: 'keeper', uid: keeper.metadata.uid!, controller: true };
    sandbox.api.create(RESOURCES.persistentVolumeClaims, {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: 'data-web-0', namespace: 'default', labels: { app: 'web' }, ownerReferences: [keeperRef] },
      spec: DATA_TEMPLATE.spec,
    });
    sandbox.api.create(RESOURCES.statefulSets, webSet({ replicas: 2, persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Delete', whenScaled: 'Retain' } }));
    sandbox.advanceUntil(() => statefulSetRolledOut(sandbox, 'web'));

    expect(refsOf('data-web-0')).toEqual([keeperRef]);
    expect(refsOf('data-web-1')).toEqual([setRef()]);
    expect(eventMessages('ConflictingController')).toEqual([
      'PersistentVolumeClaim data-web-0 has a conflicting OwnerReference that acts as a manging controller, the retention policy is ignored for this claim',
    ]);
  });
});
