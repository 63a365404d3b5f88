import { KubeObject, RESOURCES } from '../../../src/sandbox/api';
import { toTable } from '../../../src/sandbox/tables';

const NOW = Date.parse('2024-05-01T12:00:00Z');
const ago = (ms: number) => new Date(NOW - ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const MIN = 60_000;

function pod(name: string, status: Record<string, unknown>, extra: Partial<KubeObject> = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', creationTimestamp: ago(13 * MIN), resourceVersion: '7', ...(extra.metadata ?? {}) },
    spec: { nodeName: 'node-1', containers: [{ name: 'k8skafka', image: 'kafka:1' }], ...(extra.spec ?? {}) },
    status,
  };
}

const running = (ready: boolean, restartCount = 0, lastState: Record<string, unknown> = {}) => ({
  phase: 'Running',
  podIP: '10.0.0.7',
  conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }],
  containerStatuses: [{ name: 'k8skafka', ready, restartCount, state: { running: { startedAt: ago(MIN) } }, lastState }],
});
const waiting = (reason: string) => ({
  phase: 'Pending',
  containerStatuses: [{ name: 'k8skafka', ready: false, restartCount: 0, state: { waiting: { reason } } }],
});

function cells(type: (typeof RESOURCES)[keyof typeof RESOURCES], object: KubeObject): unknown[] {
  return ((toTable(type, { items: [object] }, { now: NOW }) as any).rows[0]).cells;
}

describe('toTable', () => {
  test('pods: the columns kubectl prints, wide ones at priority 1', () => {
    const table: any = toTable(RESOURCES.pods, { items: [], resourceVersion: '42' }, { now: NOW });
    expect(table).toMatchObject({ kind: 'Table', apiVersion: 'meta.k8s.io/v1', metadata: { resourceVersion: '42' }, rows: [] });
    expect(table.columnDefinitions.map((c: any) => [c.name, c.type, c.priority])).toEqual([
      ['Name', 'string', 0], ['Ready', 'string', 0], ['Status', 'string', 0], ['Restarts', 'string', 0], ['Age', 'string', 0],
      ['IP', 'string', 1], ['Node', 'string', 1], ['Nominated Node', 'string', 1], ['Readiness Gates', 'string', 1],
    ]);
    expect(table.columnDefinitions[0].format).toBe('name');
  });

  test.each([
    ['a pending pod', { phase: 'Pending' }, ['0/1', 'Pending', '0']],
    ['a creating container', waiting('ContainerCreating'), ['0/1', 'ContainerCreating', '0']],
    ['an unpullable image', waiting('ErrImagePull'), ['0/1', 'ErrImagePull', '0']],
    ['a pull back-off', waiting('ImagePullBackOff'), ['0/1', 'ImagePullBackOff', '0']],
    ['a running, unready pod', running(false), ['0/1', 'Running', '0']],
    ['a ready pod', running(true), ['1/1', 'Running', '0']],
    ['a crash loop with restarts', {
      phase: 'Running',
      containerStatuses: [{
        name: 'k8skafka',
        ready: false,
        restartCount: 4,
        state: { waiting: { reason: 'CrashLoopBackOff' } },
        lastState: { terminated: { exitCode: 1, reason: 'Error', finishedAt: ago(2 * MIN) } },
      }],
    }, ['0/1', 'CrashLoopBackOff', '4 (2m ago)']],
    ['a completed pod', {
      phase: 'Succeeded',
      containerStatuses: [{ name: 'k8skafka', ready: false, restartCount: 0, state: { terminated: { exitCode: 0, reason: 'Completed' } } }],
    }, ['0/1', 'Completed', '0']],
    ['a killed container without reason', {
      phase: 'Failed',
      containerStatuses: [{ name: 'k8skafka', ready: false, restartCount: 0, state: { terminated: { exitCode: 137, signal: 9 } } }],
    }, ['0/1', 'Signal:9', '0']],
  ])('pods: %s', (_, status, expected) => {
    const row = cells(RESOURCES.pods, pod('kafka-0', status));
    expect(row.slice(1, 4)).toEqual(expected);
    expect(row[0]).toBe('kafka-0');
    expect(row[4]).toBe('13m');
  });

  test('pods: a deleted pod reads Terminating, keeping READY; wide cells', () => {
    const row = cells(RESOURCES.pods, pod('kafka-2', running(true), { metadata: { name: 'kafka-2', deletionTimestamp: ago(0) } }));
    expect(row).toEqual(['kafka-2', '1/1', 'Terminating', '0', '13m', '10.0.0.7', 'node-1', '<none>', '<none>']);
  });

  test('pods: init containers report their progress', () => {
    const row = cells(RESOURCES.pods, pod('zk-0', {
      phase: 'Pending',
      initContainerStatuses: [
        { name: 'a', restartCount: 0, state: { terminated: { exitCode: 0 } } },
        { name: 'b', restartCount: 0, state: { running: {} } },
      ],
    }, { spec: { initContainers: [{ name: 'a' }, { name: 'b' }], containers: [{ name: 'zk' }] } }));
    expect(row.slice(1, 3)).toEqual(['0/1', 'Init:1/2']);
  });

  test('pods: finished pods carry the Completed row condition', () => {
    const table: any = toTable(RESOURCES.pods, pod('job', { phase: 'Succeeded' }), { now: NOW });
    expect(table.rows[0].conditions).toEqual([{ type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' }]);
    expect(table.metadata).toEqual({ resourceVersion: '7' });
  });

  test('includeObject: Metadata by default, the whole object, or nothing', () => {
    const object = pod('kafka-0', running(true));
    const rowWith = (includeObject?: 'None' | 'Metadata' | 'Object') => (toTable(RESOURCES.pods, object, { now: NOW, includeObject }) as any).rows[0];
    expect(rowWith().object).toEqual({ kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: object.metadata });
    expect(rowWith('Object').object).toBe(object);
    expect(rowWith('None')).not.toHaveProperty('object');
  });

  test('statefulsets: READY is ready/desired; wide adds containers and images', () => {
    const sts: KubeObject = {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'kafka', creationTimestamp: ago(46 * MIN) },
      spec: { replicas: 3, template: { spec: { containers: [{ name: 'k8skafka', image: 'kafka:1' }, { name: 'log', image: 'busybox' }] } } },
      status: { readyReplicas: 2 },
    };
    expect(cells(RESOURCES.statefulSets, sts)).toEqual(['kafka', '2/3', '46m', 'k8skafka,log', 'kafka:1,busybox']);
  });

  test('daemonsets: the seed\'s halted rollout, N N N-1 1 N <none> 46m', () => {
    const ds: KubeObject = {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name: 'node-exporter', creationTimestamp: ago(46 * MIN) },
      spec: { selector: { matchLabels: { app: 'node-exporter' } }, template: { spec: { containers: [{ name: 'node-exporter', image: 'prom/node-exporter:bad' }] } } },
      status: { desiredNumberScheduled: 4, currentNumberScheduled: 4, numberReady: 3, updatedNumberScheduled: 1, numberAvailable: 4 },
    };
    expect(cells(RESOURCES.daemonSets, ds)).toEqual([
      'node-exporter', 4, 4, 3, 1, 4, '<none>', '46m', 'node-exporter', 'prom/node-exporter:bad', 'app=node-exporter',
    ]);
    ds.spec.template.spec.nodeSelector = { zone: 'a', disk: 'ssd' };
    expect(cells(RESOURCES.daemonSets, ds)[6]).toBe('disk=ssd,zone=a');
  });

  test('controllerrevisions: the controller as kind.group/name and the revision number', () => {
    const revision: KubeObject = {
      apiVersion: 'apps/v1',
      kind: 'ControllerRevision',
      metadata: { name: 'kafka-6d8f7c9b5', creationTimestamp: ago(5_000), ownerReferences: [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'kafka', uid: 'u', controller: true }] },
      revision: 2,
    };
    expect(cells(RESOURCES.controllerRevisions, revision)).toEqual(['kafka-6d8f7c9b5', 'statefulset.apps/kafka', 2, '5s']);
    revision.metadata.ownerReferences = [];
    expect(cells(RESOURCES.controllerRevisions, revision)[1]).toBe('<none>');
  });

  test('nodes, services, claims, budgets, leases, namespaces and events', () => {
    expect(cells(RESOURCES.nodes, {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: 'node-1', creationTimestamp: ago(3 * 24 * 60 * MIN), labels: { 'node-role.kubernetes.io/control-plane': '' } },
      spec: { unschedulable: true },
      status: { conditions: [{ type: 'Ready', status: 'True' }], nodeInfo: { kubeletVersion: 'v1.32.0' }, addresses: [{ type: 'InternalIP', address: '10.1.0.1' }] },
    })).toEqual(['node-1', 'Ready,SchedulingDisabled', 'control-plane', '3d', 'v1.32.0', '10.1.0.1', '<none>', '<unknown>', '<unknown>', '<unknown>']);

    expect(cells(RESOURCES.services, {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'zk-hs', creationTimestamp: ago(MIN) },
      spec: { type: 'ClusterIP', clusterIP: 'None', clusterIPs: ['None'], selector: { app: 'zk' }, ports: [{ port: 2888, protocol: 'TCP' }, { port: 3888, protocol: 'TCP' }] },
    })).toEqual(['zk-hs', 'ClusterIP', 'None', '<none>', '2888/TCP,3888/TCP', '60s', 'app=zk']);

    expect(cells(RESOURCES.persistentVolumeClaims, {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: 'datadir-zk-0', creationTimestamp: ago(MIN) },
      spec: { volumeName: 'pv-1', storageClassName: 'standard' },
      status: { phase: 'Bound', capacity: { storage: '10Gi' }, accessModes: ['ReadWriteOnce'] },
    })).toEqual(['datadir-zk-0', 'Bound', 'pv-1', '10Gi', 'RWO', 'standard', '<unset>', '60s', '<unset>']);

    expect(cells(RESOURCES.persistentVolumes, {
      apiVersion: 'v1',
      kind: 'PersistentVolume',
      metadata: { name: 'pv-1', creationTimestamp: ago(MIN) },
      spec: {
        capacity: { storage: '10Gi' },
        accessModes: ['ReadWriteOnce'],
        persistentVolumeReclaimPolicy: 'Retain',
        volumeMode: 'Filesystem',
        claimRef: { namespace: 'default', name: 'datadir-zk-0' },
      },
      status: { phase: 'Bound' },
    })).toEqual(['pv-1', '10Gi', 'RWO', 'Retain', 'Bound', 'default/datadir-zk-0', '', '<unset>', '', '60s', 'Filesystem']);

    expect(cells(RESOURCES.podDisruptionBudgets, {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: { name: 'zk-pdb', creationTimestamp: ago(MIN) },
      spec: { maxUnavailable: 1 },
      status: { disruptionsAllowed: 1 },
    })).toEqual(['zk-pdb', 'N/A', '1', 1, '60s']);

    expect(cells(RESOURCES.leases, {
      apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'kafka-rollout', creationTimestamp: ago(MIN) }, spec: { holderIdentity: 'me' },
    })).toEqual(['kafka-rollout', 'me', '60s']);

    expect(cells(RESOURCES.namespaces, {
      apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default', creationTimestamp: ago(MIN) }, status: { phase: 'Active' },
    })).toEqual(['default', 'Active', '60s']);

    expect(cells(RESOURCES.events, {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: 'kafka-0.17c', creationTimestamp: ago(MIN) },
      involvedObject: { kind: 'Pod', name: 'kafka-0', fieldPath: 'spec.containers{k8skafka}' },
      type: 'Warning',
      reason: 'Failed',
      message: 'Error: ErrImagePull\n',
      source: { component: 'kubelet', host: 'node-1' },
      firstTimestamp: ago(3 * MIN),
      lastTimestamp: ago(MIN),
      count: 3,
    })).toEqual(['60s', 'Warning', 'Failed', 'pod/kafka-0', 'spec.containers{k8skafka}', 'kubelet, node-1', 'Error: ErrImagePull', '3m', 3, 'kafka-0.17c']);
  });

  test('configmaps, secrets and roles have their own columns; a missing timestamp reads <unknown>', () => {
    expect(cells(RESOURCES.configMaps, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg' }, data: { a: '1', b: '2' } }))
      .toEqual(['cfg', 2, '<unknown>']);
    expect(cells(RESOURCES.secrets, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', creationTimestamp: ago(MIN) }, type: 'Opaque', data: { a: 'eA==' } }))
      .toEqual(['s', 'Opaque', 1, '60s']);
    expect(cells(RESOURCES.roles, { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'r', creationTimestamp: '2024-05-01T11:00:00Z' } }))
      .toEqual(['r', '2024-05-01T11:00:00Z']);
  });
});
