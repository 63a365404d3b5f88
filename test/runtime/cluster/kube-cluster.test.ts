// kube-cluster.ts: kubectl's kubeconfig precedence, and the client-node adapter over HTTP against the sandbox.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Cluster, ClusterError, ClusterWatchEvent } from '../../../src/runtime/cluster/cluster';
import { connectCluster, toClusterError } from '../../../src/runtime/cluster/kube-cluster';
import { KubeLease, KubePod } from '../../../src/runtime/kube/kube-types';
import { RuntimeError } from '../../../src/runtime/runtime-error';
import { RESOURCES } from '../../../src/sandbox/api';
import { Sandbox, startSandbox } from '../../../src/sandbox/start-sandbox';
import { useSilentServer } from '../../support/silent-server';

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

describe('connectCluster: a kubeconfig kubectl could not use is refused in one line naming the file', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kube-cluster-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const refused = async (text: string) => {
    const file = path.join(dir, 'config');
    fs.writeFileSync(file, text);
    const error = await connectCluster({ kubeconfig: file, env: {} }).catch((caught) => caught);
    expect(RuntimeError.is(error, 'bad-input')).toBe(true);
    expect(error.message).not.toContain('\n');
    return error.message.replace(file, 'FILE');
  };

  test.each([
    ['an empty file', '', 'kubeconfig FILE defines no context: point --kubeconfig or KUBECONFIG at a kubeconfig with one'],
    ['no contexts', 'apiVersion: v1\nkind: Config\nclusters: []\ncontexts: []\nusers: []\n',
      'kubeconfig FILE defines no context: point --kubeconfig or KUBECONFIG at a kubeconfig with one'],
    ['a YAML scalar', 'just a string\n', 'kubeconfig FILE defines no context: point --kubeconfig or KUBECONFIG at a kubeconfig with one'],
    ['malformed YAML', 'apiVersion: v1\nclusters: [\n  - foo: : bar\n', 'cannot load kubeconfig FILE: missed comma between flow collection entries (3:3)'],
    ['no current-context', 'contexts:\n- name: a\n  context: {cluster: c, user: u}\n- name: b\n  context: {cluster: c, user: u}\n',
      'kubeconfig FILE sets no current-context: pass --context (one of a, b)'],
    ['a current-context it does not define', 'current-context: z\ncontexts:\n- name: a\n  context: {cluster: c, user: u}\n',
      'kubeconfig FILE: current-context "z" is not one of its contexts (a)'],
    ['a context naming a missing cluster', 'current-context: a\ncontexts:\n- name: a\n  context: {cluster: c, user: u}\n',
      'kubeconfig FILE: context "a" names cluster "c", which the file does not define'],
  ])('%s', async (_name, text, message) => {
    expect(await refused(text)).toBe(message);
  });
});

describe('request timeouts: a server that never answers, or cannot be reached, fails at once in one line', () => {
  const silent = useSilentServer('kube-cluster-');

  const connectTo = (server: string, requestTimeoutMs: number) =>
    connectCluster({ kubeconfig: kubeconfig(silent.dir, 'config', [{ name: 'a', server }], 'a'), env: {}, requestTimeoutMs }).then(({ cluster }) => cluster);
  const silentUrl = () => `http://127.0.0.1:${silent.port()}`;

  test('a request the server never answers fails after the request timeout, as an API error naming the server', async () => {
    const cluster = await connectTo(silentUrl(), 50);
    const error = await cluster.get('StatefulSet', 'default', 'web').catch((caught) => caught);
    expect(error).toEqual(new RuntimeError('api', `the API server at ${silentUrl()} did not answer within 50ms (request timeout)`));
  });

  test('a watch whose response never starts fails after the request timeout, and ends at once on abort', async () => {
    const cluster = await connectTo(silentUrl(), 50);
    const error = await cluster.watch('Pod', 'default', { resourceVersion: '1' }, () => undefined, new AbortController().signal).catch((caught) => caught);
    expect(error).toEqual(new RuntimeError('api', `the API server at ${silentUrl()} did not answer within 50ms (request timeout)`));
    const patient = await connectTo(silentUrl(), 0);
    const stop = new AbortController();
    const watching = patient.watch('Pod', 'default', { resourceVersion: '1' }, () => undefined, stop.signal);
    await new Promise<void>((resolve) => silent.server.once('connection', () => resolve()));
    stop.abort();
    await expect(watching).resolves.toBeUndefined();
  });

  test('a request timeout longer than a Node timer holds (600h) does not fire at once', async () => {
    const cluster = await connectTo(silentUrl(), 600 * 3_600_000);
    const connected = new Promise<void>((resolve) => silent.server.once('connection', (socket) => socket.once('data', () => resolve())));
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    try {
      let settled = false;
      const reading = cluster.get('StatefulSet', 'default', 'web').finally(() => { settled = true; });
      await connected;
      // A timer of 600h overflows to 1 ms: the request would fail here.
      await jest.advanceTimersByTimeAsync(60_000);
      expect(settled).toBe(false);
      silent.sockets.forEach((socket) => socket.destroy());
      await expect(reading).rejects.toThrow(/^cannot reach the API server/);
    } finally {
      jest.useRealTimers();
    }
  });

  test('a refused connection to a server that never answered is an API error at once, not a transient one to retry', async () => {
    const port = silent.port();
    await new Promise((resolve) => silent.server.close(resolve));
    const cluster = await connectTo(`http://127.0.0.1:${port}`, 50);
    const error = await cluster.list('Pod', 'default').catch((caught) => caught);
    expect(RuntimeError.is(error, 'api')).toBe(true);
    expect(error.message).toMatch(new RegExp(`^cannot reach the API server at http://127\\.0\\.0\\.1:${port}: .*ECONNREFUSED`));
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
