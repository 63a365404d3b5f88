import { newStore } from './fixtures';
import { ApiError, KubeObject, RESOURCES } from '../../../src/sandbox/api';

function podWith(resources: Record<string, unknown>, extra: Record<string, unknown> = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default' }, spec: { containers: [{ name: 'c', image: 'c:1', resources }], ...extra } };
}

describe('quantities are stored canonical, as upstream decodes and encodes them', () => {
  test('container requests and limits of a pod, its overhead and emptyDir size limit', () => {
    const { store } = newStore();
    const created = store.create(RESOURCES.pods, podWith({ requests: { cpu: '0.5', memory: '1024Mi' }, limits: { cpu: 2, memory: '1.5Gi' } }, {
      overhead: { cpu: '0.1' }, volumes: [{ name: 'scratch', emptyDir: { sizeLimit: '1000M' } }],
    }));
    expect(created.spec.containers[0].resources).toEqual({ requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '2', memory: '1536Mi' } });
    expect(created.spec.overhead).toEqual({ cpu: '100m' });
    expect(created.spec.volumes[0].emptyDir.sizeLimit).toBe('1G');
  });

  test('a StatefulSet\'s template and claim templates, on create and on update', () => {
    const { store } = newStore();
    const set: KubeObject = {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'kafka', namespace: 'default' },
      spec: {
        serviceName: 'kafka',
        selector: { matchLabels: { app: 'kafka' } },
        template: { metadata: { labels: { app: 'kafka' } }, spec: { containers: [{ name: 'k', image: 'k:1', resources: { requests: { cpu: '0.5' } } }] } },
        volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1024Mi' } } } }],
      },
    };
    const created = store.create(RESOURCES.statefulSets, set);
    expect(created.spec.template.spec.containers[0].resources.requests.cpu).toBe('500m');
    expect(created.spec.volumeClaimTemplates[0].spec.resources.requests.storage).toBe('1Gi');
    created.spec.template.spec.containers[0].resources.requests.cpu = '0.3';
    expect(store.update(RESOURCES.statefulSets, created).spec.template.spec.containers[0].resources.requests.cpu).toBe('300m');
  });

  test('a claim\'s status capacity written through the status subresource', () => {
    const { store } = newStore();
    const claim = store.create(RESOURCES.persistentVolumeClaims, {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: 'data', namespace: 'default' },
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '2048Mi' } } },
    });
    expect(claim.spec.resources.requests.storage).toBe('2Gi');
    const bound = store.updateStatus(RESOURCES.persistentVolumeClaims, { ...claim, status: { phase: 'Bound', capacity: { storage: '2048Mi' } } });
    expect(bound.status.capacity).toEqual({ storage: '2Gi' });
  });

  test('a malformed quantity fails the write with upstream\'s decode message', () => {
    const { store } = newStore();
    let error: unknown;
    try {
      store.create(RESOURCES.pods, podWith({ requests: { cpu: 'lots' } }));
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({
      code: 400,
      message: 'Pod in version "v1" cannot be handled as a Pod: quantities must match the regular expression \'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$\'',
    });
  });
});
