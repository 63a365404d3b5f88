import { http, kubectl } from './sandbox-clients';
import { RESOURCES } from '../../../src/sandbox/api';
import { CONTINUE_EXPIRED_MESSAGE } from '../../../src/sandbox/server/list-pages';
import { Sandbox, startSandbox } from '../../../src/sandbox/start-sandbox';

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
    expect(JSON.parse(Buffer.from(token, 'base64').toString())).toEqual(expect.objectContaining({ v: 'meta.k8s.io/v1', start: 'default/c\u0000' }));

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

  test('a token for a list that is no longer kept is 410 Expired with upstream\'s message; a malformed one is 400', async () => {
    const stale = Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv: 1, start: 'default/c\u0000', offset: 2 })).toString('base64');
    const expired = await http(sandbox, 'GET', `/api/v1/namespaces/default/configmaps?limit=2&continue=${encodeURIComponent(stale)}`);
    expect(expired.status).toBe(410);
    expect(expired.body).toEqual(expect.objectContaining({ reason: 'Expired', code: 410, message: CONTINUE_EXPIRED_MESSAGE }));
    const malformed = await http(sandbox, 'GET', '/api/v1/namespaces/default/configmaps?limit=2&continue=bm90LWpzb24');
    expect(malformed.status).toBe(400);
    expect(malformed.body.message).toMatch(/^continue key is not valid/);
    const badLimit = await http(sandbox, 'GET', '/api/v1/namespaces/default/configmaps?limit=two');
    expect(badLimit.status).toBe(400);
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
});
