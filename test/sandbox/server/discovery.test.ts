import { request } from 'node:https';
import { RESOURCES } from '../../../src/sandbox/api';
import { apiResourceList } from '../../../src/sandbox/server/discovery';
import { parseRoute } from '../../../src/sandbox/server/routes';
import { Sandbox, startSandbox } from '../../../src/sandbox/start-sandbox';
import { clientOptions, http, kubectl } from '../../support/sandbox-clients';

// Each test runs the real kubectl a few times (about half a second per run).
jest.setTimeout(60_000);

describe('routes', () => {
  test('namespaced objects, subresources and collections', () => {
    expect(parseRoute('/apis/apps/v1/namespaces/ns/statefulsets/web/scale')).toEqual({
      kind: 'resource', type: RESOURCES.statefulSets, namespace: 'ns', name: 'web', subresource: 'scale', legacyWatch: false,
    });
    expect(parseRoute('/api/v1/pods')).toEqual({ kind: 'resource', type: RESOURCES.pods, name: undefined, subresource: undefined, legacyWatch: false });
    expect(parseRoute('/api/v1/watch/namespaces/default/pods')).toMatchObject({ kind: 'resource', type: RESOURCES.pods, namespace: 'default', legacyWatch: true });
  });

  test('namespaces/<name> and its status are the namespace itself, not a namespaced collection', () => {
    expect(parseRoute('/api/v1/namespaces/team')).toMatchObject({ type: RESOURCES.namespaces, name: 'team', subresource: undefined });
    expect(parseRoute('/api/v1/namespaces/team/status')).toMatchObject({ type: RESOURCES.namespaces, name: 'team', subresource: 'status' });
  });

  test('unknown groups, versions, resources and cluster-scoped kinds under a namespace are unknown', () => {
    expect(parseRoute('/apis/batch/v1/jobs')).toEqual({ kind: 'unknown' });
    expect(parseRoute('/apis/apps/v2/statefulsets')).toEqual({ kind: 'unknown' });
    expect(parseRoute('/api/v1/namespaces/default/widgets')).toEqual({ kind: 'unknown' });
    expect(parseRoute('/api/v1/namespaces/default/nodes')).toEqual({ kind: 'unknown' });
    expect(parseRoute('/metrics')).toEqual({ kind: 'unknown' });
  });

  test('discovery documents and OpenAPI', () => {
    expect(parseRoute('/version')).toEqual({ kind: 'version' });
    expect(parseRoute('/apis/apps')).toEqual({ kind: 'group', group: 'apps' });
    expect(parseRoute('/apis/apps/v1')).toEqual({ kind: 'resourceList', group: 'apps', version: 'v1' });
    expect(parseRoute('/openapi/v3/apis/apps/v1')).toEqual({ kind: 'openapiV3GroupVersion', group: 'apps', version: 'v1' });
    expect(parseRoute('/openapi/v3/api/v1')).toEqual({ kind: 'openapiV3GroupVersion', group: '', version: 'v1' });
  });
});

describe('resource lists', () => {
  test('statefulsets have status and an autoscaling/v1 Scale subresource', () => {
    const list = apiResourceList('apps', 'v1') as { resources: Array<Record<string, unknown>> };
    expect(list.resources.filter((entry) => String(entry.name).startsWith('statefulsets'))).toEqual([
      expect.objectContaining({ name: 'statefulsets', singularName: 'statefulset', kind: 'StatefulSet', namespaced: true, shortNames: ['sts'], categories: ['all'] }),
      expect.objectContaining({ name: 'statefulsets/status', kind: 'StatefulSet', verbs: ['get', 'patch', 'update'] }),
      expect.objectContaining({ name: 'statefulsets/scale', group: 'autoscaling', version: 'v1', kind: 'Scale' }),
    ]);
  });
});

describe('discovery over HTTP', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ clock: 'virtual', nodes: 1 });
  });
  afterAll(() => sandbox.stop());

  test('/version names a release kubectl\'s dispatcher maps to its newest kubectl', async () => {
    const { body } = await http(sandbox, 'GET', '/version');
    expect(body).toMatchObject({ major: '1', minor: '33', gitVersion: 'v1.33.0' });
    const version = await kubectl(sandbox, ['version', '-o', 'json']);
    expect(JSON.parse(version.stdout).clientVersion.minor).toBe('33');
  });

  test('an aggregated-discovery request gets the legacy document as plain application/json', async () => {
    const accept = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json';
    const { headers, body } = await http(sandbox, 'GET', '/apis', undefined, { Accept: accept });
    expect(headers['content-type']).toBe('application/json');
    expect(body.kind).toBe('APIGroupList');
    expect(body.groups.map((group: any) => group.name)).toEqual(['apps', 'policy', 'coordination.k8s.io', 'rbac.authorization.k8s.io']);
  });

  test('kubectl api-resources lists every resource with its short names, scope and kind', async () => {
    const { stdout, code } = await kubectl(sandbox, ['api-resources', '--no-headers']);
    expect(code).toBe(0);
    const rows = stdout.trim().split('\n').map((line) => line.trim().split(/\s+/));
    expect(rows).toHaveLength(Object.keys(RESOURCES).length);
    expect(rows).toContainEqual(['statefulsets', 'sts', 'apps/v1', 'true', 'StatefulSet']);
    expect(rows).toContainEqual(['nodes', 'no', 'v1', 'false', 'Node']);
    expect(rows).toContainEqual(['leases', 'coordination.k8s.io/v1', 'true', 'Lease']);
  });

  test('kubectl api-resources --verbs and --categories read the verbs and categories', async () => {
    const all = await kubectl(sandbox, ['api-resources', '--categories=all', '-o', 'name']);
    expect(all.stdout.trim().split('\n').sort()).toEqual(['daemonsets.apps', 'pods', 'services', 'statefulsets.apps']);
    const deletable = await kubectl(sandbox, ['api-resources', '--verbs=deletecollection', '-o', 'name']);
    expect(deletable.stdout).not.toContain('namespaces');
    expect(deletable.stdout).toContain('pods');
  });

  test('client-node discovers groups and lists namespaces and nodes', async () => {
    const k8s = await import('@kubernetes/client-node');
    const config = new k8s.KubeConfig();
    config.loadFromFile(sandbox.kubeconfigPath);
    const groups = await config.makeApiClient(k8s.ApisApi).getAPIVersions();
    expect(groups.groups.map((group) => group.name)).toContain('apps');
    const core = config.makeApiClient(k8s.CoreV1Api);
    const namespaces = await core.listNamespace();
    expect(namespaces.items.map((ns) => ns.metadata!.name)).toEqual(['default', 'kube-system']);
    const nodes = await core.listNode();
    expect(nodes.items.map((node) => node.metadata!.name)).toEqual(['node-1']);
  });

  test('OpenAPI v3 tells kubectl that PATCH takes fieldValidation, so kubectl validates nothing client-side', async () => {
    const root = await http(sandbox, 'GET', '/openapi/v3');
    const url = root.body.paths['apis/apps/v1'].serverRelativeURL;
    const { body } = await http(sandbox, 'GET', url);
    const patch = body.paths['/apis/apps/v1/namespaces/{namespace}/statefulsets/{name}'].patch;
    expect(patch['x-kubernetes-group-version-kind']).toEqual({ group: 'apps', version: 'v1', kind: 'StatefulSet' });
    expect(patch.parameters.map((parameter: any) => parameter.name)).toContain('fieldValidation');
    const created = await kubectl(sandbox, ['create', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'validated' } }));
    expect(created.stdout).toBe('configmap/validated created\n');
  });

  test('OpenAPI v2 is a schema without definitions, in the protobuf kubectl asks for', async () => {
    const proto = await new Promise<{ type: string; bytes: number[] }>((resolve, reject) => {
      request(`${sandbox.url}/openapi/v2`, clientOptions(sandbox, { Accept: 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf' }), (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ type: res.headers['content-type']!, bytes: [...Buffer.concat(chunks)] }));
      }).on('error', reject).end();
    });
    expect(proto).toEqual({ type: 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf', bytes: [0x0a, 0x03, 0x32, 0x2e, 0x30] });
    const json = await http(sandbox, 'GET', '/openapi/v2', undefined, { Accept: 'application/json' });
    expect(json.body).toMatchObject({ swagger: '2.0', definitions: {} });
    // A List has no PATCH operation, so kubectl validates it against v2, which skips kinds it does not define.
    const list = JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'in-a-list' } }] });
    const applied = await kubectl(sandbox, ['apply', '-f', '-'], list);
    expect(applied).toMatchObject({ code: 0, stdout: 'configmap/in-a-list created\n' });
  });

  test('health endpoints answer ok, as kubectl get --raw /readyz shows', async () => {
    const ready = await kubectl(sandbox, ['get', '--raw', '/readyz']);
    expect(ready.stdout).toBe('ok');
    expect(parseRoute('/livez')).toEqual({ kind: 'health' });
    expect(parseRoute('/healthz/etcd')).toEqual({ kind: 'unknown' });
  });

  test('an unknown path answers a NotFound Status', async () => {
    const { status, body } = await http(sandbox, 'GET', '/apis/batch/v1/jobs');
    expect(status).toBe(404);
    expect(body).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'NotFound', code: 404 });
  });
});
