import { newStore, zookeeperStatefulSet } from './fixtures';
import { ApiError, KubeObject, RESOURCES } from '../../../src/sandbox/api';
import { pathText } from '../../../src/sandbox/field-sets';

const sts = RESOURCES.statefulSets;

function apiError(fn: () => unknown): ApiError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ApiError) {
      return error;
    }
    throw error;
  }
  throw new Error('expected an ApiError');
}

const partitionConfig = (partition: number): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'StatefulSet',
  metadata: { name: 'zk', namespace: 'default' },
  spec: { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition } } },
});

const entryOf = (obj: KubeObject, manager: string) => obj.metadata.managedFields!.find((entry) => entry.manager === manager);

describe('server-side apply (SandboxApi.apply)', () => {
  test('an apply creates the object, owned by one Apply entry holding exactly the applied fields', () => {
    const { store } = newStore();
    const created = store.apply(sts, zookeeperStatefulSet(), { fieldManager: 'gitops' });
    expect(created.metadata.uid).toBeDefined();
    expect(created.metadata.managedFields).toHaveLength(1);
    const entry = created.metadata.managedFields![0];
    expect(entry).toMatchObject({ manager: 'gitops', operation: 'Apply', apiVersion: 'apps/v1', fieldsType: 'FieldsV1' });
    // Ports are keyed by containerPort and protocol, the protocol the applied port omits keyed by its default.
    expect((entry.fieldsV1 as any)['f:spec']['f:template']['f:spec']['f:containers']['k:{"name":"kubernetes-zookeeper"}']['f:ports'])
      .toEqual({ 'k:{"containerPort":2181,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {}, 'f:name': {} } });
    // Defaulted fields belong to nobody.
    expect((entry.fieldsV1 as any)['f:spec']['f:updateStrategy']).toBeUndefined();
  });

  test('a field the applier applied before and omits now is removed; one another manager owns is kept', () => {
    const { store } = newStore();
    store.apply(sts, zookeeperStatefulSet({ updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 3 } }, minReadySeconds: 5 }), { fieldManager: 'gitops' });
    store.apply(sts, partitionConfig(3), { fieldManager: 'kubectl-stage' });
    const reapplied = store.apply(sts, zookeeperStatefulSet({ updateStrategy: { type: 'RollingUpdate' } }), { fieldManager: 'gitops' });
    expect(reapplied.spec.minReadySeconds).toBeUndefined();
    expect(reapplied.spec.updateStrategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { partition: 3 } });
    expect((entryOf(reapplied, 'gitops')!.fieldsV1 as any)['f:spec']['f:updateStrategy']).toEqual({ 'f:type': {} });
  });

  test('changing a field another manager owns is a 409 naming it, unless forced; equal values are shared', () => {
    const { store } = newStore();
    store.apply(sts, zookeeperStatefulSet(), { fieldManager: 'gitops' });
    store.apply(sts, partitionConfig(2), { fieldManager: 'kubectl-stage' });
    store.update(sts, { ...store.get(sts, 'default', 'zk')!, spec: { ...store.get(sts, 'default', 'zk')!.spec, replicas: 5 } }, { fieldManager: 'hpa' });

    const one = apiError(() => store.apply(sts, partitionConfig(0), { fieldManager: 'gitops' }));
    expect(one).toMatchObject({ code: 409, reason: 'Conflict', message: 'Apply failed with 1 conflict: conflict with "kubectl-stage": .spec.updateStrategy.rollingUpdate.partition' });
    expect(one.details).toEqual({ causes: [{ reason: 'FieldManagerConflict', message: 'conflict with "kubectl-stage"', field: '.spec.updateStrategy.rollingUpdate.partition' }] });

    const config = zookeeperStatefulSet({ replicas: 3, updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } } });
    expect(apiError(() => store.apply(sts, config, { fieldManager: 'gitops' })).message).toBe('Apply failed with 2 conflicts: '
      + 'conflicts with "hpa" using apps/v1:\n- .spec.replicas\nconflicts with "kubectl-stage":\n- .spec.updateStrategy.rollingUpdate.partition');

    const shared = store.apply(sts, zookeeperStatefulSet({ replicas: 5 }), { fieldManager: 'gitops' });
    expect((entryOf(shared, 'hpa')!.fieldsV1 as any)['f:spec']).toEqual({ 'f:replicas': {} });

    const forced = store.apply(sts, config, { fieldManager: 'gitops', force: true });
    expect(forced.spec.replicas).toBe(3);
    expect(forced.spec.updateStrategy.rollingUpdate.partition).toBe(0);
    expect(entryOf(forced, 'hpa')).toBeUndefined();
    expect(entryOf(forced, 'kubectl-stage')!.fieldsV1).toEqual({ 'f:spec': { 'f:updateStrategy': { 'f:type': {} } } });
  });

  test('keyed lists merge element by element: another applier\'s container and env survive', () => {
    const { store } = newStore();
    store.apply(sts, zookeeperStatefulSet(), { fieldManager: 'gitops' });
    const sidecar: KubeObject = {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'zk', namespace: 'default' },
      spec: { template: { spec: { containers: [{ name: 'sidecar', image: 'proxy:1' }, { name: 'kubernetes-zookeeper', env: [{ name: 'A', value: '1' }] }] } } },
    };
    const merged = store.apply(sts, sidecar, { fieldManager: 'injector' });
    expect(merged.spec.template.spec.containers.map((container: any) => container.name)).toEqual(['kubernetes-zookeeper', 'sidecar']);
    expect(merged.spec.template.spec.containers[0]).toMatchObject({ image: 'registry.k8s.io/kubernetes-zookeeper:1.0-3.4.10', env: [{ name: 'A', value: '1' }] });
    const again = store.apply(sts, zookeeperStatefulSet(), { fieldManager: 'gitops' });
    expect(again.spec.template.spec.containers).toHaveLength(2);
  });

  test('an apply that changes nothing writes nothing; a dry run stores nothing', () => {
    const { store, clock } = newStore();
    const first = store.apply(sts, zookeeperStatefulSet(), { fieldManager: 'gitops' });
    clock.advance(1000);
    expect(store.apply(sts, zookeeperStatefulSet(), { fieldManager: 'gitops' }).metadata.resourceVersion).toBe(first.metadata.resourceVersion);
    const dry = store.apply(sts, zookeeperStatefulSet({ replicas: 1 }), { fieldManager: 'gitops', dryRun: true });
    expect(dry.spec.replicas).toBe(1);
    expect(store.get(sts, 'default', 'zk')!.spec.replicas).toBe(3);
  });

  test('paths print as structured-merge-diff prints them', () => {
    expect(pathText(['f:spec', 'f:template', 'f:spec', 'f:containers', 'k:{"name":"app"}', 'f:ports', 'k:{"containerPort":80,"protocol":"TCP"}'].join('\u0000')))
      .toBe('.spec.template.spec.containers[name="app"].ports[containerPort=80,protocol="TCP"]');
  });
});
