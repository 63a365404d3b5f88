import { CONFIGMAPS, configMap, webStatefulSet } from './manifests';
import { RESOURCES } from '../../../src/sandbox/api';
import { Sandbox, startSandbox } from '../../../src/sandbox/start-sandbox';
import { http } from '../../support/sandbox-clients';

describe('writes over HTTP', () => {
  let sandbox: Sandbox;
  beforeEach(async () => {
    sandbox = await startSandbox({ clock: 'virtual', nodes: 1 });
  });
  afterEach(() => sandbox.stop());

  const path = CONFIGMAPS;

  test('a stale PUT is a 409 Conflict with upstream\'s message', async () => {
    const created = await http(sandbox, 'POST', path, configMap('settings', { a: '1' }));
    expect(created.status).toBe(201);
    const stale = created.body;
    expect((await http(sandbox, 'PUT', `${path}/settings`, { ...stale, data: { a: '2' } })).status).toBe(200);
    const conflict = await http(sandbox, 'PUT', `${path}/settings`, { ...stale, data: { a: '3' } });
    expect(conflict.status).toBe(409);
    expect(conflict.body).toMatchObject({
      kind: 'Status',
      status: 'Failure',
      reason: 'Conflict',
      code: 409,
      message: 'Operation cannot be fulfilled on configmaps "settings": the object has been modified; please apply your changes to the latest version and try again',
    });
  });

  test('the body\'s namespace and name must match the path', async () => {
    const otherNamespace = await http(sandbox, 'POST', path, { ...configMap('x', {}), metadata: { name: 'x', namespace: 'kube-system' } });
    expect(otherNamespace.status).toBe(400);
    expect(otherNamespace.body.message).toBe('the namespace of the provided object does not match the namespace sent on the request');
    await http(sandbox, 'POST', path, configMap('x', {}));
    const otherName = await http(sandbox, 'PUT', `${path}/x`, configMap('y', {}));
    expect(otherName.status).toBe(400);
    expect(otherName.body.message).toBe('the name of the object (y) does not match the name on the URL (x)');
  });

  test('a patch without a resourceVersion applies to the latest state; one with a stale resourceVersion is a 409', async () => {
    const created = (await http(sandbox, 'POST', path, configMap('settings', { a: '1' }))).body;
    sandbox.api.update(RESOURCES.configMaps, { ...created, data: { a: '2' } });
    const merged = await http(sandbox, 'PATCH', `${path}/settings`, { data: { b: '1' } }, { 'Content-Type': 'application/merge-patch+json' });
    expect(merged.status).toBe(200);
    expect(merged.body.data).toEqual({ a: '2', b: '1' });
    const stale = await http(sandbox, 'PATCH', `${path}/settings`, { metadata: { resourceVersion: created.metadata.resourceVersion }, data: { c: '1' } },
      { 'Content-Type': 'application/merge-patch+json' });
    expect(stale.status).toBe(409);
    expect(stale.body.reason).toBe('Conflict');
  });

  test('dryRun=All validates and answers as upstream but stores nothing: create, update, patch and delete', async () => {
    const resourceVersion = () => sandbox.api.list(RESOURCES.configMaps).resourceVersion;
    const before = resourceVersion();
    const created = await http(sandbox, 'POST', `${path}?dryRun=All`, configMap('settings', { a: '1' }));
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ metadata: { name: 'settings', uid: expect.any(String), creationTimestamp: expect.any(String) }, data: { a: '1' } });
    expect(created.body.metadata.resourceVersion).toBeUndefined();
    expect(sandbox.api.get(RESOURCES.configMaps, 'default', 'settings')).toBeUndefined();
    expect(resourceVersion()).toBe(before);
    const invalid = await http(sandbox, 'POST', `${path}?dryRun=All`, configMap('Not_Valid', {}));
    expect(invalid.status).toBe(422);

    const stored = (await http(sandbox, 'POST', path, configMap('settings', { a: '1' }))).body;
    const replaced = await http(sandbox, 'PUT', `${path}/settings?dryRun=All`, { ...stored, data: { a: '2' } });
    expect(replaced).toMatchObject({ status: 200, body: { data: { a: '2' }, metadata: { resourceVersion: stored.metadata.resourceVersion } } });
    const patched = await http(sandbox, 'PATCH', `${path}/settings?dryRun=All`, { data: { a: '3' } }, { 'Content-Type': 'application/merge-patch+json' });
    expect(patched).toMatchObject({ status: 200, body: { data: { a: '3' } } });
    const deleted = await http(sandbox, 'DELETE', `${path}/settings?dryRun=All`);
    expect(deleted.status).toBe(200);
    expect(sandbox.api.get(RESOURCES.configMaps, 'default', 'settings')).toMatchObject({ data: { a: '1' }, metadata: { resourceVersion: stored.metadata.resourceVersion } });

    const unsupported = await http(sandbox, 'POST', `${path}?dryRun=Some`, configMap('other', {}));
    expect(unsupported).toMatchObject({ status: 400, body: { message: 'dryRun: Unsupported value: "Some": supported values: "All"' } });
  });

  test('DELETE honours DeleteOptions: a pod bound to a node terminates gracefully (202), a zero grace period deletes at once (200 with the pod)', async () => {
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { nodeName: 'node-1', containers: [{ name: 'c', image: 'i' }] } };
    await http(sandbox, 'POST', '/api/v1/namespaces/default/pods', pod);
    const graceful = await http(sandbox, 'DELETE', '/api/v1/namespaces/default/pods/p', { propagationPolicy: 'Background' });
    expect(graceful.status).toBe(202);
    expect(graceful.body.metadata.deletionTimestamp).toBeDefined();
    const now = await http(sandbox, 'DELETE', '/api/v1/namespaces/default/pods/p?gracePeriodSeconds=0');
    expect(now.status).toBe(200);
    expect(now.body.kind).toBe('Pod');
    expect(sandbox.api.get(RESOURCES.pods, 'default', 'p')).toBeUndefined();
  });

  test('DELETE with a failing precondition is a 409; an unknown propagationPolicy is a 422', async () => {
    await http(sandbox, 'POST', path, configMap('settings', {}));
    const precondition = await http(sandbox, 'DELETE', `${path}/settings`, { preconditions: { uid: 'other' } });
    expect(precondition.status).toBe(409);
    const policy = await http(sandbox, 'DELETE', `${path}/settings`, { propagationPolicy: 'Sideways' });
    expect(policy.status).toBe(422);
    expect(policy.body.message).toBe('DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Unsupported value: "Sideways": supported values: "Foreground", "Background", "Orphan", "nil"');
    const deleted = await http(sandbox, 'DELETE', `${path}/settings`);
    expect(deleted.body).toMatchObject({ kind: 'Status', status: 'Success', details: { name: 'settings', kind: 'configmaps' } });
  });

  test('a collection DELETE removes the selected objects only', async () => {
    await http(sandbox, 'POST', path, { ...configMap('a', {}), metadata: { name: 'a', labels: { team: 'x' } } });
    await http(sandbox, 'POST', path, configMap('b', {}));
    const deleted = await http(sandbox, 'DELETE', `${path}?labelSelector=team%3Dx`);
    expect(deleted.body.items.map((item: any) => item.metadata.name)).toEqual(['a']);
    expect(sandbox.api.list(RESOURCES.configMaps, { namespace: 'default' }).items.map((item) => item.metadata.name)).toEqual(['b']);
  });

  test('pods/binding assigns a pending pod to a node; a binding without a target is a 400', async () => {
    await http(sandbox, 'POST', '/api/v1/namespaces/default/pods', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default' }, spec: { schedulerName: 'other', containers: [{ name: 'c', image: 'i' }] } });
    const missing = await http(sandbox, 'POST', '/api/v1/namespaces/default/pods/p/binding', { apiVersion: 'v1', kind: 'Binding', metadata: { name: 'p' } });
    expect(missing.status).toBe(400);
    const bound = await http(sandbox, 'POST', '/api/v1/namespaces/default/pods/p/binding', { apiVersion: 'v1', kind: 'Binding', metadata: { name: 'p' }, target: { kind: 'Node', name: 'node-1' } });
    expect(bound).toMatchObject({ status: 201, body: { kind: 'Status', status: 'Success', code: 201 } });
    expect(sandbox.api.get(RESOURCES.pods, 'default', 'p')!.spec.nodeName).toBe('node-1');
  });

  test('verbs a path does not serve are 405, unknown subresources 404', async () => {
    await http(sandbox, 'POST', path, configMap('x', {}));
    expect((await http(sandbox, 'POST', `${path}/x`, configMap('x', {}))).status).toBe(405);
    expect((await http(sandbox, 'PUT', path, configMap('x', {}))).status).toBe(405);
    // Across namespaces a namespaced resource is only listed and watched.
    expect((await http(sandbox, 'POST', '/api/v1/configmaps', configMap('y', {}))).status).toBe(405);
    expect((await http(sandbox, 'DELETE', '/api/v1/configmaps')).status).toBe(405);
    expect((await http(sandbox, 'GET', '/api/v1/configmaps/x')).status).toBe(404);
    expect((await http(sandbox, 'GET', '/api/v1/configmaps')).body.items.map((item: any) => item.metadata.name)).toEqual(['x']);
    expect((await http(sandbox, 'GET', `${path}/x/status`)).body).toMatchObject({ code: 404, message: 'the server could not find the requested resource' });
    expect((await http(sandbox, 'POST', '/version', {})).status).toBe(405);
  });

  test('a body that is not JSON is a 400, another media type a 415', async () => {
    const garbled = await http(sandbox, 'POST', path, '{"kind":');
    expect(garbled.status).toBe(400);
    expect(garbled.body.message).toMatch(/^the body of the request could not be decoded/);
    const yaml = await http(sandbox, 'POST', path, 'kind: ConfigMap', { 'Content-Type': 'application/xml' });
    expect(yaml).toMatchObject({ status: 415, body: { reason: 'UnsupportedMediaType' } });
  });

  test('the scale subresource reads and writes replicas as an autoscaling/v1 Scale', async () => {
    await http(sandbox, 'POST', '/apis/apps/v1/namespaces/default/statefulsets', webStatefulSet('nginx:1'));
    const scale = await http(sandbox, 'GET', '/apis/apps/v1/namespaces/default/statefulsets/web/scale');
    expect(scale.body).toMatchObject({ apiVersion: 'autoscaling/v1', kind: 'Scale', spec: { replicas: 2 }, status: { selector: 'app=web' } });
    const put = await http(sandbox, 'PUT', '/apis/apps/v1/namespaces/default/statefulsets/web/scale', { ...scale.body, spec: { replicas: 4 } });
    expect(put.body.spec.replicas).toBe(4);
    const invalid = await http(sandbox, 'PUT', '/apis/apps/v1/namespaces/default/statefulsets/web/scale', { ...put.body, spec: { replicas: -2 } });
    expect(invalid.status).toBe(422);
    expect(sandbox.api.get(RESOURCES.statefulSets, 'default', 'web')!.spec.replicas).toBe(4);
  });

  test('status is written only through the status subresource', async () => {
    const created = (await http(sandbox, 'POST', '/apis/apps/v1/namespaces/default/statefulsets', webStatefulSet('nginx:1'))).body;
    const status = await http(sandbox, 'PATCH', '/apis/apps/v1/namespaces/default/statefulsets/web/status', { status: { availableReplicas: 9 } },
      { 'Content-Type': 'application/merge-patch+json' });
    expect(status.body.status.availableReplicas).toBe(9);
    const main = await http(sandbox, 'PUT', '/apis/apps/v1/namespaces/default/statefulsets/web', { ...created, metadata: { ...created.metadata, resourceVersion: undefined }, status: { availableReplicas: 1 } });
    expect(main.body.status.availableReplicas).toBe(9);
  });
});
