import { configMap, CONFIGMAPS } from './manifests';
import { RESOURCES } from '../../../src/sandbox/api';
import { Sandbox, startSandbox } from '../../../src/sandbox/start-sandbox';
import { http, kubectl } from '../../support/sandbox-clients';

jest.setTimeout(60_000);

describe('managedFields (manager, operation, apiVersion, time, subresource, fieldsV1)', () => {
  let sandbox: Sandbox;
  beforeEach(async () => {
    sandbox = await startSandbox({ clock: 'virtual', nodes: 1 });
  });
  afterEach(() => sandbox.stop());

  const managers = (name: string) => sandbox.api.get(RESOURCES.configMaps, 'default', name)!.metadata.managedFields!
    .map(({ manager, operation, apiVersion, subresource }) => ({ manager, operation, apiVersion, ...(subresource ? { subresource } : {}) }));

  test('kubectl create and kubectl patch record their managers; a no-op write records nothing', async () => {
    expect((await kubectl(sandbox, ['create', 'configmap', 'settings', '--from-literal=a=1'])).code).toBe(0);
    expect(managers('settings')).toEqual([{ manager: 'kubectl-create', operation: 'Update', apiVersion: 'v1' }]);
    expect(sandbox.api.get(RESOURCES.configMaps, 'default', 'settings')!.metadata.managedFields![0])
      .toMatchObject({ fieldsType: 'FieldsV1', fieldsV1: { 'f:data': { '.': {}, 'f:a': {} } } });
    await sandbox.advance(5_000);
    expect((await kubectl(sandbox, ['patch', 'configmap', 'settings', '-p', '{"data":{"a":"2"}}'])).code).toBe(0);
    const entries = sandbox.api.get(RESOURCES.configMaps, 'default', 'settings')!.metadata.managedFields!;
    expect(entries.map((entry) => entry.manager)).toEqual(['kubectl-create', 'kubectl-patch']);
    expect(entries[1].time > entries[0].time).toBe(true);
    const unchanged = sandbox.api.get(RESOURCES.configMaps, 'default', 'settings')!;
    await http(sandbox, 'PUT', `${CONFIGMAPS}/settings?fieldManager=someone`, unchanged);
    expect(managers('settings').map((entry) => entry.manager)).toEqual(['kubectl-create', 'kubectl-patch']);
  });

  test('without fieldManager the User-Agent\'s product names the manager; a dry run records nothing', async () => {
    await http(sandbox, 'POST', CONFIGMAPS, configMap('plain', {}), { 'User-Agent': 'my-tool/1.2 (linux)' });
    expect(managers('plain')).toEqual([{ manager: 'my-tool', operation: 'Update', apiVersion: 'v1' }]);
    const dryRun = await http(sandbox, 'POST', `${CONFIGMAPS}?dryRun=All&fieldManager=x`, configMap('dry', {}));
    expect(dryRun.body.metadata.managedFields).toEqual([expect.objectContaining({ manager: 'x' })]);
    expect(sandbox.api.get(RESOURCES.configMaps, 'default', 'dry')).toBeUndefined();
  });

  test('the controllers and the kubelet record theirs: a StatefulSet pod, its status', async () => {
    expect((await kubectl(sandbox, ['create', '-f', '-'], JSON.stringify({
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'web' },
      spec: { replicas: 1, serviceName: 'web', selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'web:1' }] } } },
    }))).code).toBe(0);
    await sandbox.runUntil(() => sandbox.api.get(RESOURCES.pods, 'default', 'web-0')?.status?.phase === 'Running');
    const pod = sandbox.api.get(RESOURCES.pods, 'default', 'web-0')!;
    expect(pod.metadata.managedFields!.map(({ manager, subresource }) => `${manager}${subresource ? `/${subresource}` : ''}`))
      .toEqual(['kube-controller-manager', 'kubelet/status']);
    const set = sandbox.api.get(RESOURCES.statefulSets, 'default', 'web')!;
    expect(set.metadata.managedFields!.map(({ manager, subresource }) => `${manager}${subresource ? `/${subresource}` : ''}`))
      .toEqual(['kubectl-create', 'kube-controller-manager/status']);
  });
});
