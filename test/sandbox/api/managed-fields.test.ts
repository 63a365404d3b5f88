import { KubeObject, RESOURCES } from '../../../src/sandbox/api';
import { fieldChanges, managerOf, recordUpdate } from '../../../src/sandbox/managed-fields';

const NOW = '2024-01-01T00:00:00Z';

function configMap(data: Record<string, string>, labels?: Record<string, string>): KubeObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'default', uid: 'u', resourceVersion: '5', ...(labels ? { labels } : {}) }, data };
}

describe('recordUpdate (the field manager\'s Update entries)', () => {
  test('a create owns every field it set, maps and keyed lists marked as members, without the stripped metadata', () => {
    const pod: KubeObject = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'web', namespace: 'default', labels: { app: 'web' } },
      spec: { containers: [{ name: 'web', image: 'web:1', resources: {}, ports: [{ containerPort: 80, protocol: 'TCP' }] }], securityContext: {} },
      status: { phase: 'Pending' },
    };
    const [entry] = recordUpdate(undefined, RESOURCES.pods, 'kubectl-create', NOW, undefined, fieldChanges(RESOURCES.pods, undefined, pod));
    expect(entry).toEqual({
      manager: 'kubectl-create',
      operation: 'Update',
      apiVersion: 'v1',
      time: NOW,
      fieldsType: 'FieldsV1',
      fieldsV1: {
        'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } },
        'f:spec': {
          'f:containers': {
            'k:{"name":"web"}': {
              '.': {},
              'f:image': {},
              'f:name': {},
              'f:ports': { 'k:{"containerPort":80,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {}, 'f:protocol': {} } },
              'f:resources': {},
            },
          },
          'f:securityContext': {},
        },
      },
    });
  });

  test('a struct an Update adds is a member (a DaemonSet\'s rollingUpdate), not one the kind\'s zero value holds; removing it drops it', () => {
    const ds = (updateStrategy: Record<string, unknown>): KubeObject => ({
      apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'agent', namespace: 'default' }, spec: { updateStrategy },
    });
    const created = ds({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '50%', maxSurge: 0 } });
    // As kube-apiserver records kubectl's client-side apply (test/cluster/daemonset-strategy-apply.cluster.ts).
    let entries = recordUpdate(undefined, RESOURCES.daemonSets, 'kubectl-client-side-apply', NOW, undefined, fieldChanges(RESOURCES.daemonSets, undefined, created));
    expect(entries.map((entry) => entry.fieldsV1)).toEqual([{
      'f:spec': { 'f:updateStrategy': { 'f:rollingUpdate': { '.': {}, 'f:maxSurge': {}, 'f:maxUnavailable': {} }, 'f:type': {} } },
    }]);
    const switched = ds({ type: 'OnDelete' });
    entries = recordUpdate(entries, RESOURCES.daemonSets, 'kubectl-stage', NOW, undefined, fieldChanges(RESOURCES.daemonSets, created, switched));
    expect(entries.map((entry) => [entry.manager, entry.fieldsV1])).toEqual([['kubectl-stage', { 'f:spec': { 'f:updateStrategy': { 'f:type': {} } } }]]);
  });

  test('another manager\'s change moves the field to it; the first keeps the rest, and is dropped once it owns nothing', () => {
    const first = configMap({ a: '1', b: '1' });
    let entries = recordUpdate(undefined, RESOURCES.configMaps, 'kubectl-create', NOW, undefined, fieldChanges(RESOURCES.configMaps, undefined, first));
    const second = configMap({ a: '2', b: '1' });
    entries = recordUpdate(entries, RESOURCES.configMaps, 'kubectl-patch', '2024-01-01T00:00:05Z', undefined, fieldChanges(RESOURCES.configMaps, first, second));
    expect(entries.map((entry) => [entry.manager, entry.fieldsV1])).toEqual([
      ['kubectl-create', { 'f:data': { '.': {}, 'f:b': {} } }],
      ['kubectl-patch', { 'f:data': { 'f:a': {} } }],
    ]);
    const third = { ...configMap({}), data: undefined };
    entries = recordUpdate(entries, RESOURCES.configMaps, 'kubectl-edit', '2024-01-01T00:00:09Z', undefined, fieldChanges(RESOURCES.configMaps, second, third));
    expect(entries).toEqual([]);
  });

  test('status writes own status fields only, under their subresource', () => {
    const before: KubeObject = { ...configMap({}), kind: 'StatefulSet', apiVersion: 'apps/v1', spec: { replicas: 1 }, status: { replicas: 0 } };
    const after = { ...before, status: { replicas: 1, readyReplicas: 1 } };
    const [entry] = recordUpdate(undefined, RESOURCES.statefulSets, 'kube-controller-manager', NOW, 'status', fieldChanges(RESOURCES.statefulSets, before, after, 'status'));
    expect(entry).toMatchObject({ subresource: 'status', fieldsV1: { 'f:status': { 'f:readyReplicas': {}, 'f:replicas': {} } } });
  });

  test('the manager of a request: fieldManager, else the User-Agent\'s product', () => {
    expect(managerOf('kubectl-edit', 'kubectl/v1.33.1 (linux/amd64) kubernetes/8adc0f0')).toBe('kubectl-edit');
    expect(managerOf(null, 'kubectl/v1.33.1 (linux/amd64) kubernetes/8adc0f0')).toBe('kubectl');
    expect(managerOf(null, undefined)).toBeUndefined();
  });
});
