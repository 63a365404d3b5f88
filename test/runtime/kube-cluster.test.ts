// kube-cluster.ts: kubectl's kubeconfig precedence, and the client-node adapter over HTTP against the sandbox.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Cluster, ClusterError, ClusterWatchEvent } from '../../src/runtime/cluster';
import { connectCluster, toClusterError } from '../../src/runtime/kube-cluster';
import { KubeLease, KubePod } from '../../src/runtime/kube-types';
import { RuntimeError } from '../../src/runtime/runtime-error';
import { RESOURCES } from '../../src/sandbox/api';
import { Sandbox, startSandbox } from '../../src/sandbox/start-sandbox';

function kubeconfig(dir: string, file: string, contexts: { name: string; server: string; namespace?: string }[], current: string): string {
  const target = path.join(dir, file);
  fs.writeFileSync(target, JSON.stringify({
    'apiVersion': 'v1',
    'kind': 'Config',
    'clusters': contexts.map((context) => ({ name: context.name, cluster: { server: context.server } })),
    'users': [{ name: 'u', user: {} }],
    'contexts': contexts.map((context) => ({ name: context.name, context: { cluster: context.name, user: 'u', namespace: context.namespace } })),
    'current-context': current,
  }));
  return target;
}

describe('connectCluster: kubeconfig precedence as kubectl has it', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kube-cluster-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('--kubeconfig is used alone; the namespace comes from the flag, then the context, then "default"', async () => {
    const file = kubeconfig(dir, 'a', [{ name: 'a', server: 'http://127.0.0.1:1', namespace: 'kafka' }], 'a');
    const env = { KUBECONFIG: path.join(dir, 'missing'), HOME: dir };
    expect((await connectCluster({ kubeconfig: file, env })).namespace).toBe('kafka');
    expect((await connectCluster({ kubeconfig: file, namespace: 'zk', env })).namespace).toBe('zk');
    const bare = kubeconfig(dir, 'b', [{ name: 'b', server: 'http://127.0.0.1:1' }], 'b');
    expect((await connectCluster({ kubeconfig: bare, env })).namespace).toBe('default');
  });

  test('KUBECONFIG lists files; missing ones are skipped, the first one\'s current-context wins, later files add contexts', async () => {
    const first = kubeconfig(dir, 'first', [{ name: 'one', server: 'http://127.0.0.1:1', namespace: 'ns-one' }], 'one');
    const second = kubeconfig(dir, 'second', [{ name: 'two', server: 'http://127.0.0.1:2', namespace: 'ns-two' }], 'two');
    const env = { KUBECONFIG: [path.join(dir, 'missing'), first, second].join(path.delimiter), HOME: dir };
    expect((await connectCluster({ env })).namespace).toBe('ns-one');
    expect((await connectCluster({ env, context: 'two' })).namespace).toBe('ns-two');
  });

  test('~/.kube/config when nothing else is given', async () => {
    fs.mkdirSync(path.join(dir, '.kube'));
    kubeconfig(path.join(dir, '.kube'), 'config', [{ name: 'home', server: 'http://127.0.0.1:1', namespace: 'from-home' }], 'home');
    expect((await connectCluster({ env: { HOME: dir } })).namespace).toBe('from-home');
  });

  test('no configuration at all, or an unknown context, is bad input', async () => {
    await expect(connectCluster({ env: { HOME: dir } })).rejects.toThrow(new RuntimeError('bad-input',
      'no cluster configuration found: pass --kubeconfig, set KUBECONFIG, create ~/.kube/config, or run inside a cluster'));
    const file = kubeconfig(dir, 'a', [{ name: 'a', server: 'http://127.0.0.1:1' }], 'a');
    await expect(connectCluster({ kubeconfig: file, context: 'nope', env: {} })).rejects.toThrow('context was not found for specified context: nope');
    await expect(connectCluster({ kubeconfig: path.join(dir, 'missing'), env: {} })).rejects.toThrow(/^cannot load kubeconfig .*missing: /);
  });
});

describe('toClusterError', () => {
  test('an ApiException carries the code, the Status message and reason, and Retry-After', () => {
    const error = toClusterError({
      code: 429, body: JSON.stringify({ kind: 'Status', reason: 'TooManyRequests', message: 'slow down' }), headers: { 'retry-after': '2' },
    });
    expect(error).toMatchObject({ code: 429, reason: 'TooManyRequests', message: 'slow down', retryAfterSeconds: 2 });
  });

  test('a failed watch request has a statusCode; a transport error has no code at all', () => {
    expect(toClusterError(Object.assign(new Error('Gone'), { statusCode: 410 }))).toMatchObject({ code: 410, message: 'Gone' });
    expect(toClusterError(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' })))
      .toMatchObject({ code: 0, message: 'connect ECONNREFUSED 127.0.0.1:1' });
  });
});

describe('the client-node adapter against the sandbox over HTTP', () => {
  let sandbox: Sandbox;
  let cluster: Cluster;
  beforeAll(async () => {
    sandbox = await startSandbox({ clock: 'virtual' });
    cluster = (await connectCluster({ kubeconfig: sandbox.kubeconfigPath, env: {} })).cluster;
  });
  afterAll(() => sandbox.stop());

  const lease = (name: string): KubeLease => ({
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: { name, namespace: 'default' },
    spec: { holderIdentity: 'a', leaseDurationSeconds: 30, renewTime: '2024-01-01T00:00:00.000000Z' },
  });

  test('create, get (plain JSON, RFC 3339 strings), replace with a stale resourceVersion (409), delete, get (undefined)', async () => {
    const created = await cluster.create<KubeLease>('Lease', 'default', lease('adapter'));
    expect(created.metadata.uid).toBeDefined();
    const read = await cluster.get<KubeLease>('Lease', 'default', 'adapter');
    expect(typeof read?.spec?.renewTime).toBe('string');
    expect(Date.parse(read!.spec!.renewTime!)).toBe(Date.UTC(2024, 0, 1));
    await cluster.replace<KubeLease>('Lease', 'default', { ...read!, spec: { ...read!.spec, holderIdentity: 'b' } });
    const stale = await cluster.replace<KubeLease>('Lease', 'default', read!).catch((error) => error);
    expect(stale).toBeInstanceOf(ClusterError);
    expect(stale).toMatchObject({ code: 409, reason: 'Conflict' });
    expect(stale.message).toBe('Operation cannot be fulfilled on leases.coordination.k8s.io "adapter": the object has been modified; '
      + 'please apply your changes to the latest version and try again');
    const duplicate = await cluster.create<KubeLease>('Lease', 'default', lease('adapter')).catch((error) => error);
    expect(duplicate).toMatchObject({ code: 409, reason: 'AlreadyExists', message: 'leases.coordination.k8s.io "adapter" already exists' });
    await cluster.delete('Lease', 'default', 'adapter');
    expect(await cluster.get('Lease', 'default', 'adapter')).toBeUndefined();
    await expect(cluster.delete('Lease', 'default', 'adapter')).rejects.toMatchObject({ code: 404, reason: 'NotFound' });
  });

  test('patch types reach the server with their content types', async () => {
    await cluster.create<KubeLease>('Lease', 'default', lease('patched'));
    const merged = await cluster.patch<KubeLease>('Lease', 'default', 'patched', { spec: { holderIdentity: 'merge' } }, 'merge');
    expect(merged.spec?.holderIdentity).toBe('merge');
    const json = await cluster.patch<KubeLease>('Lease', 'default', 'patched', [{ op: 'replace', path: '/spec/holderIdentity', value: 'json' }], 'json');
    expect(json.spec?.holderIdentity).toBe('json');
    const strategic = await cluster.patch<KubeLease>('Lease', 'default', 'patched', { spec: { leaseDurationSeconds: 5 } }, 'strategic');
    expect(strategic.spec).toMatchObject({ holderIdentity: 'json', leaseDurationSeconds: 5 });
    const stale = await cluster.patch('Lease', 'default', 'patched', { metadata: { resourceVersion: '1' }, spec: { holderIdentity: 'x' } }, 'merge')
      .catch((error) => error);
    expect(stale).toMatchObject({ code: 409, reason: 'Conflict' });
  });

  test('list with selectors and watch from the list\'s resourceVersion', async () => {
    sandbox.api.create(RESOURCES.pods, {
      apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p1', namespace: 'default', labels: { app: 'x' } }, spec: { containers: [{ name: 'c', image: 'i' }] },
    });
    const list = await cluster.list<KubePod>('Pod', 'default', { labelSelector: 'app=x' });
    expect(list.items.map((pod) => pod.metadata.name)).toEqual(['p1']);
    expect(list.resourceVersion).not.toBe('');
    expect((await cluster.list<KubePod>('Pod', undefined, { fieldSelector: 'metadata.name=p1' })).items).toHaveLength(1);
    const events: ClusterWatchEvent<KubePod>[] = [];
    const stop = new AbortController();
    const watching = cluster.watch<KubePod>('Pod', 'default', { labelSelector: 'app=x', resourceVersion: list.resourceVersion }, (event) => {
      events.push(event);
    }, stop.signal);
    sandbox.api.create(RESOURCES.pods, {
      apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p2', namespace: 'default', labels: { app: 'x' } }, spec: { containers: [{ name: 'c', image: 'i' }] },
    });
    await sandbox.runUntil(() => events.length > 0);
    stop.abort();
    await watching;
    expect(events.map((event) => [event.type, event.object.metadata.name])).toEqual([['ADDED', 'p2']]);
  });
});
