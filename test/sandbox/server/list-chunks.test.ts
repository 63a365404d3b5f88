import { RESOURCES } from '../../../src/sandbox/api';
import { CONTINUE_EXPIRED_MESSAGE } from '../../../src/sandbox/server/list-pages';
import { Sandbox, startSandbox } from '../../../src/sandbox/start-sandbox';
import { http, kubectl } from '../../support/sandbox-clients';

jest.setTimeout(60_000);

function configMap(name: string, labels: Record<string, string> = {}) {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default', labels }, data: { key: name } };
}

const names = (body: any) => (body.items as any[]).map((item) => item.metadata.name);

describe('chunked lists (limit and continue)', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ clock: 'virtual', nodes: 1 });
    for (const name of ['a', 'b', 'c', 'd', 'e']) {
      sandbox.api.create(RESOURCES.configMaps, configMap(name, { tier: name < 'c' ? 'front' : 'back' }));
    }
  });
  afterAll(() => sandbox.stop());

  test('pages follow each other from one consistent list: a change after the first page shows in none of them', async () => {
    const first = await http(sandbox, 'GET', '/api/v1/namespaces/default/configmaps?limit=2');
    expect(first.status).toBe(200);
    expect(names(first.body)).toEqual(['a', 'b']);
    expect(first.body.metadata.remainingItemCount).toBe(3);
    const token = first.body.metadata.continue;
    expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(JSON.parse(Buffer.from(token, 'base64url').toString())).toEqual(expect.objectContaining({ v: 'meta.k8s.io/v1', start: 'c\u0000' }));

    sandbox.api.create(RESOURCES.configMaps, configMap('bb'));
    sandbox.api.delete(RESOURCES.configMaps, 'default', 'd');
    const second = await http(sandbox, 'GET', `/api/v1/namespaces/default/configmaps?limit=2&continue=${encodeURIComponent(token)}`);
    expect(names(second.body)).toEqual(['c', 'd']);
    expect(second.body.metadata.resourceVersion).toBe(first.body.metadata.resourceVersion);
    const third = await http(sandbox, 'GET', `/api/v1/namespaces/default/configmaps?limit=2&continue=${encodeURIComponent(second.body.metadata.continue)}`);
    expect(names(third.body)).toEqual(['e']);
    expect(third.body.metadata.continue).toBeUndefined();
    expect(third.body.metadata.remainingItemCount).toBeUndefined();

    sandbox.api.delete(RESOURCES.configMaps, 'default', 'bb');
    sandbox.api.create(RESOURCES.configMaps, configMap('d', { tier: 'back' }));
  });

  test('no limit (or 0) lists everything; with a selector the remaining items are not counted, as upstream', async () => {
    expect(names((await http(sandbox, 'GET', '/api/v1/namespaces/default/configmaps')).body)).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(names((await http(sandbox, 'GET', '/api/v1/namespaces/default/configmaps?limit=0')).body)).toEqual(['a', 'b', 'c', 'd', 'e']);
    const selected = await http(sandbox, 'GET', '/api/v1/namespaces/default/configmaps?limit=2&labelSelector=tier%3Dback');
    expect(names(selected.body)).toEqual(['c', 'd']);
    expect(selected.body.metadata.continue).toBeDefined();
    expect(selected.body.metadata.remainingItemCount).toBeUndefined();
  });

  test('a token whose list is past upstream\'s 5-minute compaction is 410 Expired with upstream\'s message', async () => {
    const first = await http(sandbox, 'GET', '/api/v1/namespaces/default/configmaps?limit=2');
    const next = `/api/v1/namespaces/default/configmaps?limit=2&continue=${first.body.metadata.continue}`;
    await sandbox.advance(4 * 60_000);
    expect(names((await http(sandbox, 'GET', next)).body)).toEqual(['c', 'd']);
    await sandbox.advance(60_000);
    const expired = await http(sandbox, 'GET', next);
    expect(expired.status).toBe(410);
    expect(expired.body).toEqual(expect.objectContaining({ reason: 'Expired', code: 410, message: CONTINUE_EXPIRED_MESSAGE }));
  });

  test('malformed tokens, a resourceVersion with a token, and a limit that is not an integer are 400s', async () => {
    const path = '/api/v1/namespaces/default/configmaps?limit=2';
    const encode = (token: unknown) => Buffer.from(JSON.stringify(token)).toString('base64url');
    for (const token of ['bm90LWpzb24', encode(null), encode({ v: 'meta.k8s.io/v1', rv: 1, start: 'c\u0000', offset: 1.5 }), encode({ v: 'other', rv: 1 })]) {
      const answer = await http(sandbox, 'GET', `${path}&continue=${token}`);
      expect(answer.status).toBe(400);
      expect(answer.body.message).toMatch(/^continue key is not valid/);
    }
    const first = await http(sandbox, 'GET', path);
    const withVersion = await http(sandbox, 'GET', `${path}&continue=${first.body.metadata.continue}&resourceVersion=${first.body.metadata.resourceVersion}`);
    expect(withVersion.status).toBe(400);
    expect(withVersion.body.message).toBe('specifying resource version is not allowed when using continue');
    for (const limit of ['two', '1e3', '0x10']) {
      expect((await http(sandbox, 'GET', `/api/v1/namespaces/default/configmaps?limit=${limit}`)).status).toBe(400);
    }
  });

  test('kubectl get in chunks prints every row once, in order, as one table', async () => {
    const columns = await kubectl(sandbox, ['get', 'configmaps', '--chunk-size=2', '-l', 'tier', '-o', 'custom-columns=NAME:.metadata.name', '-v=6']);
    expect(columns.stdout.trim().split('\n')).toEqual(['NAME', 'a', 'b', 'c', 'd', 'e']);
    // Three pages: the first, then two with a continue token.
    expect(columns.stderr.match(/configmaps\?[^"]*limit=2[^"]*" status="200 OK"/g)).toHaveLength(3);
    expect(columns.stderr.match(/continue=/g)).toHaveLength(2);
    const table = await kubectl(sandbox, ['get', 'configmaps', '--chunk-size=2', '-l', 'tier=back']);
    expect(table.stdout.trim().split('\n').map((line) => line.split(/\s+/)[0])).toEqual(['NAME', 'c', 'd', 'e']);
  });

  test('an all-namespaces list pages across namespaces, its tokens naming namespace/name', async () => {
    sandbox.api.create(RESOURCES.namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'other' } });
    sandbox.api.create(RESOURCES.configMaps, { ...configMap('z', { tier: 'back' }), metadata: { name: 'z', namespace: 'other', labels: { tier: 'back' } } });
    const first = await http(sandbox, 'GET', '/api/v1/configmaps?limit=3&labelSelector=tier');
    expect(JSON.parse(Buffer.from(first.body.metadata.continue, 'base64url').toString()).start).toBe('default/d\u0000');
    const all = await kubectl(sandbox, ['get', 'configmaps', '-A', '--chunk-size=3', '-l', 'tier']);
    expect(all.stdout.trim().split('\n').map((line) => line.split(/\s+/).slice(0, 2).join(' '))).toEqual([
      'NAMESPACE NAME', 'default a', 'default b', 'default c', 'default d', 'default e', 'other z',
    ]);
  });
});
