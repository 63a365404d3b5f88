import { newStore, pod, zookeeperStatefulSet } from './fixtures';
import { ApiError, RESOURCES } from '../../../src/sandbox/api';

function invalid(fn: () => unknown): ApiError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ApiError && error.code === 422) {
      return error;
    }
    throw error;
  }
  throw new Error('expected a 422 Invalid');
}

describe('validation (422 Invalid naming the field)', () => {
  test('selector must match the template labels', () => {
    const { store } = newStore();
    const error = invalid(() => store.create(RESOURCES.statefulSets, zookeeperStatefulSet({ selector: { matchLabels: { app: 'kafka' } } })));
    expect(error.reason).toBe('Invalid');
    expect(error.message).toBe('StatefulSet.apps "zk" is invalid: spec.template.metadata.labels: Invalid value: map[string]string{"app":"zk"}: `selector` does not match template `labels`');
    expect(error.details).toEqual({
      name: 'zk',
      group: 'apps',
      kind: 'StatefulSet',
      causes: [{ reason: 'FieldValueInvalid', field: 'spec.template.metadata.labels', message: 'Invalid value: map[string]string{"app":"zk"}: `selector` does not match template `labels`' }],
    });
  });

  test('negative replicas and partition are each reported', () => {
    const { store } = newStore();
    const error = invalid(() => store.create(RESOURCES.statefulSets, zookeeperStatefulSet({
      replicas: -1, updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: -2 } },
    })));
    expect((error.details?.causes as Array<{ field: string }>).map((cause) => cause.field))
      .toEqual(['spec.replicas', 'spec.updateStrategy.rollingUpdate.partition']);
    expect(error.message).toContain('spec.updateStrategy.rollingUpdate.partition: Invalid value: -2: must be greater than or equal to 0');
  });

  test('names must be DNS-1123 subdomains', () => {
    const { store } = newStore();
    const error = invalid(() => store.create(RESOURCES.pods, pod('Kafka_0')));
    expect(error.message).toMatch(/^Pod "Kafka_0" is invalid: metadata.name: Invalid value: "Kafka_0": a lowercase RFC 1123 subdomain/);
    expect(invalid(() => store.create(RESOURCES.pods, pod(''))).message)
      .toBe('Pod "" is invalid: metadata.name: Required value: name or generateName is required');
  });

  test('label values must be valid label values', () => {
    const { store } = newStore();
    const error = invalid(() => store.create(RESOURCES.pods, pod('a', { app: 'not valid' })));
    expect(error.details?.causes).toEqual([expect.objectContaining({
      field: 'metadata.labels', message: expect.stringMatching(/^Invalid value: "not valid": a valid label must be an empty string/),
    })]);
  });

  test('StatefulSet fields other than replicas, template, updateStrategy ... are immutable', () => {
    const { store } = newStore();
    const sts = store.create(RESOURCES.statefulSets, zookeeperStatefulSet());
    const error = invalid(() => store.update(RESOURCES.statefulSets, { ...sts, spec: { ...sts.spec, podManagementPolicy: 'Parallel' } }));
    expect(error.message).toBe("StatefulSet.apps \"zk\" is invalid: spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden");
    const staged = store.update(RESOURCES.statefulSets, {
      ...sts, spec: { ...sts.spec, updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 3 } } },
    });
    expect(staged.spec.updateStrategy.rollingUpdate.partition).toBe(3);
  });

  test('DaemonSet maxUnavailable and maxSurge may not both be 0, and the selector is immutable', () => {
    const { store } = newStore();
    const ds = (rollingUpdate: Record<string, unknown>, app = 'ne') => ({
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name: 'ne' },
      spec: {
        selector: { matchLabels: { app } },
        updateStrategy: { type: 'RollingUpdate', rollingUpdate },
        template: { metadata: { labels: { app } }, spec: { containers: [{ name: 'ne', image: 'ne:1' }] } },
      },
    });
    expect(invalid(() => store.create(RESOURCES.daemonSets, ds({ maxUnavailable: 0, maxSurge: 0 }))).details?.causes)
      .toEqual([expect.objectContaining({ field: 'spec.updateStrategy.rollingUpdate.maxUnavailable' })]);
    const created = store.create(RESOURCES.daemonSets, ds({ maxUnavailable: '10%' }));
    expect(invalid(() => store.update(RESOURCES.daemonSets, { ...ds({}, 'other'), metadata: created.metadata })).details?.causes)
      .toEqual([expect.objectContaining({ field: 'spec.selector', message: expect.stringContaining('field is immutable') })]);
  });

  test('pod templates need containers with names and images, and restartPolicy Always', () => {
    const { store } = newStore();
    const error = invalid(() => store.create(RESOURCES.statefulSets, zookeeperStatefulSet({
      template: { metadata: { labels: { app: 'zk' } }, spec: { restartPolicy: 'Never', containers: [{ name: 'a' }, { name: 'a', image: 'x' }] } },
    })));
    expect((error.details?.causes as Array<{ field: string; reason: string }>).map((cause) => [cause.field, cause.reason])).toEqual([
      ['spec.template.spec.containers[0].image', 'FieldValueRequired'],
      ['spec.template.spec.containers[1].name', 'FieldValueDuplicate'],
      ['spec.template.spec.restartPolicy', 'FieldValueNotSupported'],
    ]);
  });

  test('a Service needs ports unless headless, and keeps its allocated clusterIP', () => {
    const { store } = newStore();
    const service = (spec: Record<string, unknown>) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'zk-cs' }, spec: { selector: { app: 'zk' }, ...spec } });
    expect(invalid(() => store.create(RESOURCES.services, service({}))).message).toBe('Service "zk-cs" is invalid: spec.ports: Required value');
    const created = store.create(RESOURCES.services, service({ ports: [{ port: 2181 }] }));
    const kept = store.update(RESOURCES.services, service({ ports: [{ port: 2182 }] }));
    expect(kept.spec.clusterIP).toBe(created.spec.clusterIP);
    expect(invalid(() => store.update(RESOURCES.services, service({ ports: [{ port: 2181 }], clusterIP: '10.0.0.1' }))).details?.causes)
      .toEqual([expect.objectContaining({ field: 'spec.clusterIPs[0]' })]);
  });

  test('a ControllerRevision keeps its data but may be renumbered', () => {
    const { store } = newStore();
    const revision = store.create(RESOURCES.controllerRevisions, {
      apiVersion: 'apps/v1', kind: 'ControllerRevision', metadata: { name: 'zk-1' }, data: { spec: { template: {} } }, revision: 1,
    });
    expect(store.update(RESOURCES.controllerRevisions, { ...revision, revision: 3 }).revision).toBe(3);
    expect(invalid(() => store.update(RESOURCES.controllerRevisions, { ...revision, metadata: { name: 'zk-1' }, data: {} })).details?.causes)
      .toEqual([expect.objectContaining({ field: 'data', message: 'Invalid value: {}: field is immutable' })]);
  });

  test('a pod spec only changes its images once created', () => {
    const { store } = newStore();
    const created = store.create(RESOURCES.pods, pod('a'));
    const image = store.update(RESOURCES.pods, { ...created, spec: { ...created.spec, containers: [{ ...created.spec.containers[0], image: 'nginx:1.26' }] } });
    expect(image.spec.containers[0].image).toBe('nginx:1.26');
    expect(invalid(() => store.update(RESOURCES.pods, { ...image, spec: { ...image.spec, hostname: 'x' } })).details?.causes)
      .toEqual([expect.objectContaining({ field: 'spec', reason: 'FieldValueForbidden' })]);
  });
});
