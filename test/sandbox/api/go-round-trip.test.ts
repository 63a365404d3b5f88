import { newStore } from './fixtures';
import { KubeObject, RESOURCES } from '../../../src/sandbox/api';

function daemonSet(podSpec: Record<string, unknown>): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: 'agent', namespace: 'default', annotations: {} },
    spec: {
      selector: { matchLabels: { app: 'agent' } },
      template: { metadata: { labels: { app: 'agent' } }, spec: podSpec },
    },
  };
}

describe('stored objects are what the typed decode/encode round trip leaves (omitempty)', () => {
  test('empty omitempty slices and maps are dropped at any depth: namespaces: [], args: [], nodeSelector: {}', () => {
    const { store } = newStore();
    const created = store.create(RESOURCES.daemonSets, daemonSet({
      nodeSelector: {},
      affinity: {
        podAntiAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: 'agent' } }, namespaces: [], topologyKey: 'kubernetes.io/hostname' }],
        },
      },
      containers: [{ name: 'agent', image: 'agent:1', args: [], env: [], ports: [], volumeMounts: [] }],
      volumes: [],
    }));
    const spec = created.spec.template.spec;
    expect(created.metadata.annotations).toEqual({ 'deprecated.daemonset.template.generation': '1' });
    expect(spec.nodeSelector).toBeUndefined();
    expect(spec.volumes).toBeUndefined();
    expect(spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0]).toEqual(
      { labelSelector: { matchLabels: { app: 'agent' } }, topologyKey: 'kubernetes.io/hostname' });
    expect(Object.keys(spec.containers[0]).sort()).toEqual(['image', 'imagePullPolicy', 'name', 'resources', 'terminationMessagePath', 'terminationMessagePolicy']);
  });

  test('structs are kept empty, non-omitempty slices are kept, pointers keep their zero values', () => {
    const { store } = newStore();
    const created = store.create(RESOURCES.daemonSets, daemonSet({
      securityContext: {},
      containers: [{ name: 'agent', image: 'agent:1', securityContext: { privileged: false }, resources: {} }],
      volumes: [{ name: 'scratch', emptyDir: {} }, { name: 'logs', hostPath: { path: '/var/log', type: '' } }],
      affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [] } } },
    }));
    const spec = created.spec.template.spec;
    expect(spec.securityContext).toEqual({});
    expect(spec.containers[0].securityContext).toEqual({ privileged: false });
    expect(spec.volumes).toEqual([{ name: 'scratch', emptyDir: {} }, { name: 'logs', hostPath: { path: '/var/log', type: '' } }]);
    expect(spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution).toEqual({ nodeSelectorTerms: [] });
  });

  test('omitempty zero scalars go: hostNetwork: false, initialDelaySeconds: 0, an env var\'s empty value', () => {
    const { store } = newStore();
    const created = store.create(RESOURCES.daemonSets, daemonSet({
      hostNetwork: false,
      containers: [{
        name: 'agent',
        image: 'agent:1',
        env: [{ name: 'EMPTY', value: '' }],
        readinessProbe: { httpGet: { path: '/', port: 80, httpHeaders: [{ name: 'X', value: '' }] }, initialDelaySeconds: 0 },
      }],
    }));
    const spec = created.spec.template.spec;
    expect(spec.hostNetwork).toBeUndefined();
    expect(spec.containers[0].env).toEqual([{ name: 'EMPTY' }]);
    expect(spec.containers[0].readinessProbe.initialDelaySeconds).toBeUndefined();
    expect(spec.containers[0].readinessProbe.httpGet.httpHeaders).toEqual([{ name: 'X', value: '' }]);
  });

  test('an update (and so a patch) is stored the same way; a Service selector map, but not a LabelSelector, may go', () => {
    const { store } = newStore();
    const created = store.create(RESOURCES.daemonSets, daemonSet({ containers: [{ name: 'agent', image: 'agent:1' }] }));
    created.spec.template.spec.containers[0].args = [];
    created.spec.template.spec.tolerations = [];
    const updated = store.update(RESOURCES.daemonSets, created);
    expect(updated.spec.template.spec.containers[0].args).toBeUndefined();
    expect(updated.spec.template.spec.tolerations).toBeUndefined();
    const service = store.create(RESOURCES.services, { apiVersion: 'v1', kind: 'Service', metadata: { name: 's', namespace: 'default' }, spec: { selector: {}, ports: [{ port: 80 }] } });
    expect(service.spec.selector).toBeUndefined();
  });
});
