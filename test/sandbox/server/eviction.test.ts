import { KubeObject, RESOURCES } from '../../../src/sandbox/api';
import { Sandbox, startSandbox } from '../../../src/sandbox/start-sandbox';
import { http } from '../../support/sandbox-clients';
import { statefulSetManifest } from '../../support/workload-manifests';

jest.setTimeout(60_000);

const PODS = '/api/v1/namespaces/default/pods';

const BUDGET: KubeObject = {
  apiVersion: 'policy/v1',
  kind: 'PodDisruptionBudget',
  metadata: { name: 'zk-pdb', namespace: 'default' },
  spec: { selector: { matchLabels: { app: 'zk' } }, maxUnavailable: 1 },
};

function eviction(name: string, deleteOptions?: Record<string, unknown>): Record<string, unknown> {
  return { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name, namespace: 'default' }, ...(deleteOptions ? { deleteOptions } : {}) };
}

describe('the Eviction API (pods/eviction)', () => {
  let sandbox: Sandbox;
  const pod = (name: string) => sandbox.api.get(RESOURCES.pods, 'default', name);
  const budget = () => sandbox.api.get(RESOURCES.podDisruptionBudgets, 'default', 'zk-pdb')!;

  beforeEach(async () => {
    sandbox = await startSandbox({ clock: 'virtual', nodes: 3 });
    sandbox.api.create(RESOURCES.statefulSets, statefulSetManifest('zk', { spec: { podManagementPolicy: 'Parallel' } }));
    sandbox.api.create(RESOURCES.podDisruptionBudgets, BUDGET);
    await sandbox.runUntil(() => budget().status.currentHealthy === 3);
  });
  afterEach(() => sandbox.stop());

  test('within the budget: 201 Success, the pod marked DisruptionTarget and terminating, the budget spent', async () => {
    const evicted = await http(sandbox, 'POST', `${PODS}/zk-0/eviction`, eviction('zk-0'));
    expect(evicted).toMatchObject({ status: 201, body: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 } });
    expect(pod('zk-0')!.metadata.deletionTimestamp).toBeDefined();
    expect(pod('zk-0')!.status.conditions).toContainEqual(expect.objectContaining({
      type: 'DisruptionTarget', status: 'True', reason: 'EvictionByEvictionAPI', message: 'Eviction API: evicting',
    }));
    expect(budget().status).toEqual(expect.objectContaining({
      disruptionsAllowed: 0,
      disruptedPods: { 'zk-0': expect.stringMatching(/^2024-01-01T/) },
      conditions: [expect.objectContaining({ type: 'DisruptionAllowed', status: 'False', reason: 'InsufficientPods' })],
    }));
  });

  test('beyond the budget: upstream\'s 429 Status with its DisruptionBudget cause, and the pod stays', async () => {
    expect((await http(sandbox, 'POST', `${PODS}/zk-0/eviction`, eviction('zk-0'))).status).toBe(201);
    await sandbox.advance(0);
    const refused = await http(sandbox, 'POST', `${PODS}/zk-1/eviction`, eviction('zk-1'));
    expect(refused.status).toBe(429);
    expect(refused.headers['retry-after']).toBeUndefined();
    expect(refused.body).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'Cannot evict pod as it would violate the pod\'s disruption budget.',
      reason: 'TooManyRequests',
      details: { causes: [{ reason: 'DisruptionBudget', message: 'The disruption budget zk-pdb needs 2 healthy pods and has 2 currently' }] },
      code: 429,
    });
    expect(pod('zk-1')!.metadata.deletionTimestamp).toBeUndefined();
  });

  test('a budget changed since its controller last looked refuses with Retry-After: 10', async () => {
    const current = budget();
    sandbox.api.update(RESOURCES.podDisruptionBudgets, { ...current, spec: { ...current.spec, maxUnavailable: 2 } });
    const refused = await http(sandbox, 'POST', `${PODS}/zk-0/eviction`, eviction('zk-0'));
    expect(refused.status).toBe(429);
    expect(refused.headers['retry-after']).toBe('10');
    expect(refused.body.details).toEqual({
      causes: [{ reason: 'DisruptionBudget', message: 'The disruption budget zk-pdb is still being processed by the server.' }],
      retryAfterSeconds: 10,
    });
  });

  test('a pod that is not running needs no budget; dryRun=All changes nothing', async () => {
    const dryRun = await http(sandbox, 'POST', `${PODS}/zk-0/eviction?dryRun=All`, eviction('zk-0'));
    expect(dryRun.status).toBe(201);
    expect(pod('zk-0')!.metadata.deletionTimestamp).toBeUndefined();
    expect(budget().status.disruptionsAllowed).toBe(1);

    sandbox.api.create(RESOURCES.pods, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'zk-extra', namespace: 'default', labels: { app: 'zk' } },
      spec: { nodeName: 'nowhere', containers: [{ name: 'zk', image: 'zk:1' }] },
    });
    expect(pod('zk-extra')!.status.phase).toBe('Pending');
    expect((await http(sandbox, 'POST', `${PODS}/zk-extra/eviction`, eviction('zk-extra', { gracePeriodSeconds: 0 }))).status).toBe(201);
    expect(pod('zk-extra')).toBeUndefined();
    expect(budget().status.disruptionsAllowed).toBe(1);
  });

  test('malformed requests: a name that differs from the path, another kind, an unknown pod', async () => {
    expect(await http(sandbox, 'POST', `${PODS}/zk-0/eviction`, eviction('zk-1'))).toMatchObject({
      status: 400, body: { reason: 'BadRequest', message: 'name in URL does not match name in Eviction object' },
    });
    expect((await http(sandbox, 'POST', `${PODS}/zk-0/eviction`, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'zk-0' } })).status).toBe(400);
    expect(await http(sandbox, 'POST', `${PODS}/nope/eviction`, eviction('nope'))).toMatchObject({ status: 404, body: { message: 'pods "nope" not found' } });
  });

  test('discovery lists pods/eviction with its group and version, which is what kubectl drain looks for', async () => {
    const resources = (await http(sandbox, 'GET', '/api/v1')).body.resources;
    expect(resources).toContainEqual({ name: 'pods/eviction', singularName: '', namespaced: true, group: 'policy', version: 'v1', kind: 'Eviction', verbs: ['create'] });
  });

  test('a pod DELETE with protobuf DeleteOptions (kubectl 1.32+) is decoded: gracePeriodSeconds 0 deletes at once', async () => {
    // "k8s\0", runtime.Unknown{typeMeta{apiVersion "v1", kind "DeleteOptions"}, raw DeleteOptions{gracePeriodSeconds: 0}},
    // the bytes kubectl 1.33 sends for `drain --disable-eviction --grace-period=0`.
    const body = Buffer.from('6b3873000a130a027631120d44656c6574654f7074696f6e73120208001a002200', 'hex');
    const deleted = await http(sandbox, 'DELETE', `${PODS}/zk-2`, body.toString('latin1'), { 'Content-Type': 'application/vnd.kubernetes.protobuf' });
    expect(deleted.status).toBe(200);
    expect(pod('zk-2')?.metadata.uid).not.toBe(deleted.body.metadata.uid);
  });
});
