import { getObject } from './workload-helpers';
import { RESOURCES } from '../../../src/sandbox/api';
import { InProcessSandboxKit, startSandboxKit } from '../../support/sandbox-kit';
import { statefulSetManifest } from '../../support/workload-manifests';

let sandbox: InProcessSandboxKit | undefined;

afterEach(() => sandbox?.stop());

const claimTemplate = {
  metadata: { name: 'datadir' },
  spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1024Mi' } } },
};

describe('volume provisioner and binding', () => {
  test('each claim of a volumeClaimTemplate is Bound to a volume of its own, as the PersistentVolume controller binds', async () => {
    sandbox = await startSandboxKit({ nodes: 3, kubeletTiming: 'sandbox' });
    sandbox.api.create(RESOURCES.statefulSets, statefulSetManifest('zk', { spec: { podManagementPolicy: 'Parallel', volumeClaimTemplates: [claimTemplate] } }));
    sandbox.advanceUntil(() => ['zk-0', 'zk-1', 'zk-2'].every((pod) => sandbox!.api.get(RESOURCES.persistentVolumeClaims, 'default', `datadir-${pod}`)?.status?.phase === 'Bound'));
    const claim = getObject(sandbox, RESOURCES.persistentVolumeClaims, 'datadir-zk-0');
    const volumeName = `pv-${claim.metadata.uid}`;
    expect(claim.spec.volumeName).toBe(volumeName);
    expect(claim.metadata.annotations).toEqual({ 'pv.kubernetes.io/bind-completed': 'yes', 'pv.kubernetes.io/bound-by-controller': 'yes' });
    expect(claim.status).toEqual({ phase: 'Bound', accessModes: ['ReadWriteOnce'], capacity: { storage: '1Gi' } });
    const volume = sandbox.api.get(RESOURCES.persistentVolumes, undefined, volumeName)!;
    expect(volume.spec).toEqual({
      capacity: { storage: '1Gi' },
      accessModes: ['ReadWriteOnce'],
      persistentVolumeReclaimPolicy: 'Retain',
      volumeMode: 'Filesystem',
      hostPath: { path: `/var/lib/kwok-volumes/${volumeName}`, type: '' },
      claimRef: { apiVersion: 'v1', kind: 'PersistentVolumeClaim', namespace: 'default', name: 'datadir-zk-0', uid: claim.metadata.uid },
    });
    expect(volume.status).toEqual({ phase: 'Bound' });
    expect(sandbox.api.list(RESOURCES.persistentVolumes).items).toHaveLength(3);
  });

  test('a deleted claim leaves its volume Released (reclaim policy Retain)', async () => {
    sandbox = await startSandboxKit({ nodes: 1, kubeletTiming: 'sandbox' });
    const claim = sandbox.api.create(RESOURCES.persistentVolumeClaims, {
      apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data', namespace: 'default' }, spec: { ...claimTemplate.spec, storageClassName: 'fast' },
    });
    sandbox.advanceUntil(() => getObject(sandbox!, RESOURCES.persistentVolumeClaims, 'data').status?.phase === 'Bound');
    expect(sandbox.api.get(RESOURCES.persistentVolumes, undefined, `pv-${claim.metadata.uid}`)!.spec.storageClassName).toBe('fast');
    sandbox.api.delete(RESOURCES.persistentVolumeClaims, 'default', 'data');
    sandbox.clock.advance(0);
    expect(sandbox.api.get(RESOURCES.persistentVolumes, undefined, `pv-${claim.metadata.uid}`)!.status).toEqual({ phase: 'Released' });
  });
});
