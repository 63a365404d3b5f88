import { configMap, webStatefulSet } from './manifests';
import { RESOURCES } from '../../../src/sandbox/api';
import { Sandbox, startSandbox } from '../../../src/sandbox/start-sandbox';
import { kubectl } from '../../support/sandbox-clients';

// Each test runs the real kubectl a few times (about half a second per run).
jest.setTimeout(60_000);

describe('CRUD through kubectl', () => {
  let sandbox: Sandbox;
  beforeEach(async () => {
    sandbox = await startSandbox({ clock: 'virtual', nodes: 1 });
  });
  afterEach(() => sandbox.stop());

  test('create -f, then create again is AlreadyExists as kubectl prints it', async () => {
    const created = await kubectl(sandbox, ['create', '-f', '-'], JSON.stringify(configMap('settings', { a: '1' })));
    expect(created).toMatchObject({ code: 0, stdout: 'configmap/settings created\n' });
    const again = await kubectl(sandbox, ['create', '-f', '-'], JSON.stringify(configMap('settings', { a: '1' })));
    expect(again.code).toBe(1);
    expect(again.stderr).toBe('Error from server (AlreadyExists): error when creating "STDIN": configmaps "settings" already exists\n');
    expect(sandbox.api.get(RESOURCES.configMaps, 'default', 'settings')?.data).toEqual({ a: '1' });
  });

  test('apply creates with the last-applied annotation, then patches only what changed', async () => {
    expect((await kubectl(sandbox, ['apply', '-f', '-'], JSON.stringify(webStatefulSet('nginx:1.25')))).stdout).toBe('statefulset.apps/web created\n');
    const first = sandbox.api.get(RESOURCES.statefulSets, 'default', 'web')!;
    expect(JSON.parse(first.metadata.annotations!['kubectl.kubernetes.io/last-applied-configuration']).spec.template.spec.containers[0].image).toBe('nginx:1.25');

    // A field set by someone else (not in the applied manifest) survives a re-apply: the patch is three-way.
    sandbox.api.update(RESOURCES.statefulSets, { ...first, spec: { ...first.spec, minReadySeconds: 7 } });
    const applied = await kubectl(sandbox, ['apply', '-f', '-'], JSON.stringify(webStatefulSet('nginx:1.26')));
    expect(applied).toMatchObject({ code: 0, stderr: '', stdout: 'statefulset.apps/web configured\n' });
    const second = sandbox.api.get(RESOURCES.statefulSets, 'default', 'web')!;
    expect(second.spec.template.spec.containers.map((container: any) => container.image)).toEqual(['nginx:1.26', 'busybox:1']);
    expect(second.spec.template.spec.containers[0].env).toEqual([{ name: 'A', value: '1' }]);
    expect(second.spec.minReadySeconds).toBe(7);
    expect(second.metadata.generation).toBe(3);

    const unchanged = await kubectl(sandbox, ['apply', '-f', '-'], JSON.stringify(webStatefulSet('nginx:1.26')));
    expect(unchanged.stdout).toBe('statefulset.apps/web unchanged\n');
  });

  test('patch in the three flavours, and scale through the scale subresource', async () => {
    await kubectl(sandbox, ['apply', '-f', '-'], JSON.stringify(webStatefulSet('nginx:1.25')));
    const strategic = await kubectl(sandbox, ['patch', 'sts', 'web', '-p', '{"spec":{"template":{"spec":{"containers":[{"name":"sidecar","image":"busybox:2"}]}}}}']);
    expect(strategic.stdout).toBe('statefulset.apps/web patched\n');
    const merge = await kubectl(sandbox, ['patch', 'sts', 'web', '--type=merge', '-p', '{"spec":{"updateStrategy":{"rollingUpdate":{"partition":1}}}}']);
    expect(merge.code).toBe(0);
    const json = await kubectl(sandbox, ['patch', 'sts', 'web', '--type=json', '-p', '[{"op":"replace","path":"/spec/replicas","value":3}]']);
    expect(json.code).toBe(0);
    const scaled = await kubectl(sandbox, ['scale', 'sts', 'web', '--replicas=5']);
    expect(scaled.stdout).toBe('statefulset.apps/web scaled\n');
    const sts = sandbox.api.get(RESOURCES.statefulSets, 'default', 'web')!;
    expect(sts.spec.template.spec.containers.map((container: any) => container.image)).toEqual(['nginx:1.25', 'busybox:2']);
    expect(sts.spec.updateStrategy.rollingUpdate.partition).toBe(1);
    expect(sts.spec.replicas).toBe(5);
  });

  test('a failed JSON patch test is reported, and leaves the object alone', async () => {
    await kubectl(sandbox, ['create', '-f', '-'], JSON.stringify(configMap('settings', { a: '1' })));
    const failed = await kubectl(sandbox, ['patch', 'cm', 'settings', '--type=json', '-p', '[{"op":"test","path":"/data/a","value":"2"},{"op":"remove","path":"/data/a"}]']);
    expect(failed.code).toBe(1);
    // Upstream answers a failed test operation with a generic 422 (NewGenericServerResponse), which kubectl prints so.
    expect(failed.stderr).toBe('The request is invalid: the server rejected our request due to an error in our request\n');
    expect(sandbox.api.get(RESOURCES.configMaps, 'default', 'settings')!.data).toEqual({ a: '1' });
  });

  test('replace with a stale resourceVersion prints upstream\'s Conflict', async () => {
    await kubectl(sandbox, ['create', '-f', '-'], JSON.stringify(configMap('settings', { a: '1' })));
    const stale = sandbox.api.get(RESOURCES.configMaps, 'default', 'settings')!;
    sandbox.api.update(RESOURCES.configMaps, { ...stale, data: { a: '2' } });
    const replaced = await kubectl(sandbox, ['replace', '-f', '-'], JSON.stringify({ ...stale, data: { a: '3' } }));
    expect(replaced.code).toBe(1);
    expect(replaced.stderr).toBe('Error from server (Conflict): error when replacing "STDIN": Operation cannot be fulfilled on configmaps "settings": '
      + 'the object has been modified; please apply your changes to the latest version and try again\n');
    expect(sandbox.api.get(RESOURCES.configMaps, 'default', 'settings')!.data).toEqual({ a: '2' });
  });

  test('get and delete of a missing object print upstream NotFound errors', async () => {
    const get = await kubectl(sandbox, ['get', 'sts', 'nope']);
    expect(get).toMatchObject({ code: 1, stderr: 'Error from server (NotFound): statefulsets.apps "nope" not found\n' });
    const del = await kubectl(sandbox, ['delete', 'cm', 'nope']);
    expect(del).toMatchObject({ code: 1, stderr: 'Error from server (NotFound): configmaps "nope" not found\n' });
  });

  test('an invalid object is a 422 that kubectl prints with the field', async () => {
    const invalid = JSON.stringify({ apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'bad' }, spec: { replicas: -1, selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'i' }] } } } });
    const created = await kubectl(sandbox, ['create', '-f', '-'], invalid);
    expect(created.code).toBe(1);
    expect(created.stderr).toContain('The StatefulSet "bad" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0');
  });

  test('delete of a StatefulSet answers Success and removes it', async () => {
    await kubectl(sandbox, ['apply', '-f', '-'], JSON.stringify(webStatefulSet('nginx:1.25')));
    const deleted = await kubectl(sandbox, ['delete', 'sts', 'web']);
    expect(deleted.stdout).toBe('statefulset.apps "web" deleted\n');
    expect(sandbox.api.get(RESOURCES.statefulSets, 'default', 'web')).toBeUndefined();
  });
});
