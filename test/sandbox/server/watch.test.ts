import { CONFIGMAPS, configMap } from './manifests';
import { RESOURCES } from '../../../src/sandbox/api';
import { VirtualClock } from '../../../src/sandbox/clock';
import { BOOKMARK_INTERVAL_MS } from '../../../src/sandbox/server/watch-stream';
import { Sandbox, startSandbox } from '../../../src/sandbox/start-sandbox';
import { http, kubectl, openWatch } from '../../support/sandbox-clients';

jest.setTimeout(30_000);

// No nodes: no controller timers, so the only timers on the virtual clock are the watch streams' own.
describe('watch streams', () => {
  let sandbox: Sandbox;
  beforeEach(async () => {
    sandbox = await startSandbox({ clock: 'virtual', nodes: 0 });
  });
  afterEach(() => sandbox.stop());

  test('from a resourceVersion: replays later changes in order, then streams live ones', async () => {
    const a = sandbox.api.create(RESOURCES.configMaps, configMap('a'));
    sandbox.api.create(RESOURCES.configMaps, configMap('b'));
    sandbox.api.update(RESOURCES.configMaps, { ...a, data: { x: '1' } });
    const watch = await openWatch(sandbox, `${CONFIGMAPS}?watch=1&resourceVersion=${a.metadata.resourceVersion}`);
    expect(watch.status).toBe(200);
    const replayed = await watch.received(2);
    expect(replayed.map((event) => [event.type, event.object.metadata.name])).toEqual([['ADDED', 'b'], ['MODIFIED', 'a']]);
    expect(replayed[1].object.data).toEqual({ x: '1' });
    await http(sandbox, 'DELETE', `${CONFIGMAPS}/b`);
    const [, , deleted] = await watch.received(3);
    expect([deleted.type, deleted.object.metadata.name]).toEqual(['DELETED', 'b']);
    watch.close();
  });

  test('resumes from the last resourceVersion seen without repeating or losing events', async () => {
    const first = await openWatch(sandbox, `${CONFIGMAPS}?watch=true&resourceVersion=${sandbox.api.list(RESOURCES.configMaps).resourceVersion}`);
    sandbox.api.create(RESOURCES.configMaps, configMap('a'));
    const [seen] = await first.received(1);
    first.close();
    await first.end();
    sandbox.api.create(RESOURCES.configMaps, configMap('b'));
    sandbox.api.create(RESOURCES.configMaps, configMap('c'));
    const resumed = await openWatch(sandbox, `${CONFIGMAPS}?watch=true&resourceVersion=${seen.object.metadata.resourceVersion}`);
    const events = await resumed.received(2);
    expect(events.map((event) => event.object.metadata.name)).toEqual(['b', 'c']);
    resumed.close();
  });

  test('a resourceVersion older than the retained history is one ERROR event with a 410 Expired Status, then the end', async () => {
    const cm = sandbox.api.create(RESOURCES.configMaps, configMap('churn'));
    for (let i = 0; i < 1_100; i++) {
      sandbox.api.update(RESOURCES.configMaps, { ...cm, metadata: { ...cm.metadata, resourceVersion: undefined }, data: { i: String(i) } });
    }
    const watch = await openWatch(sandbox, `${CONFIGMAPS}?watch=1&resourceVersion=${cm.metadata.resourceVersion}`);
    await watch.end();
    expect(watch.status).toBe(200);
    expect(watch.events).toHaveLength(1);
    expect(watch.events[0]).toMatchObject({ type: 'ERROR', object: { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'Expired', code: 410 } });
    expect(watch.events[0].object.message).toMatch(/^too old resource version: \d+ \(\d+\)$/);
  });

  test('label selectors filter the stream', async () => {
    const watch = await openWatch(sandbox, `${CONFIGMAPS}?watch=1&labelSelector=${encodeURIComponent('team in (a)')}&resourceVersion=${sandbox.api.list(RESOURCES.configMaps).resourceVersion}`);
    sandbox.api.create(RESOURCES.configMaps, configMap('other', {}, { team: 'b' }));
    sandbox.api.create(RESOURCES.configMaps, configMap('mine', {}, { team: 'a' }));
    const [event] = await watch.received(1);
    expect(event.object.metadata.name).toBe('mine');
    expect(watch.events).toHaveLength(1);
    watch.close();
  });

  test('a bad selector is an error response, not a stream', async () => {
    const { status, body } = await http(sandbox, 'GET', `${CONFIGMAPS}?watch=1&labelSelector=${encodeURIComponent('a in b')}`);
    expect(status).toBe(400);
    expect(body).toMatchObject({ kind: 'Status', reason: 'BadRequest' });
  });

  test('bookmarks arrive on the sandbox clock with the store\'s resourceVersion', async () => {
    const watch = await openWatch(sandbox, `${CONFIGMAPS}?watch=1&allowWatchBookmarks=true&resourceVersion=${sandbox.api.list(RESOURCES.configMaps).resourceVersion}`);
    sandbox.api.create(RESOURCES.configMaps, configMap('a'));
    await watch.received(1);
    sandbox.api.create(RESOURCES.secrets, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'default' } });
    await sandbox.advance(BOOKMARK_INTERVAL_MS);
    const [, bookmark] = await watch.received(2);
    expect(bookmark).toEqual({
      type: 'BOOKMARK',
      object: { kind: 'ConfigMap', apiVersion: 'v1', metadata: { resourceVersion: sandbox.api.list(RESOURCES.configMaps).resourceVersion } },
    });
    watch.close();
  });

  test('timeoutSeconds ends the stream on the sandbox clock', async () => {
    const watch = await openWatch(sandbox, `${CONFIGMAPS}?watch=1&timeoutSeconds=30`);
    await sandbox.advance(29_000);
    expect(watch.ended()).toBe(false);
    await sandbox.advance(1_000);
    await watch.end();
    expect(watch.ended()).toBe(true);
  });

  test('closing the connection stops the watch and its timers', async () => {
    const clock = sandbox.clock as VirtualClock;
    const before = clock.pendingTimers();
    const watch = await openWatch(sandbox, `${CONFIGMAPS}?watch=1&allowWatchBookmarks=true&timeoutSeconds=600`);
    await sandbox.advance(0);
    expect(clock.pendingTimers()).toBe(before + 2);
    watch.close();
    await sandbox.runUntil(() => clock.pendingTimers() === before);
    expect(clock.pendingTimers()).toBe(before);
  });

  test('a Table watch (kubectl get -w) sends each object as a Table', async () => {
    const watch = await openWatch(sandbox, `${CONFIGMAPS}?watch=1`, { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json' });
    sandbox.api.create(RESOURCES.configMaps, configMap('a', { k: 'v' }));
    const [event] = await watch.received(1);
    expect(event.type).toBe('ADDED');
    expect(event.object).toMatchObject({ kind: 'Table', apiVersion: 'meta.k8s.io/v1' });
    expect(event.object.rows[0].cells[0]).toBe('a');
    watch.close();
  });

  test('the legacy /watch/ path prefix streams too', async () => {
    const watch = await openWatch(sandbox, '/api/v1/watch/namespaces/default/configmaps');
    sandbox.api.create(RESOURCES.configMaps, configMap('a'));
    const [event] = await watch.received(1);
    expect(event.object.metadata.name).toBe('a');
    watch.close();
  });

  test('restartApiServer ends every stream and serves the same state on the same URL', async () => {
    sandbox.api.create(RESOURCES.configMaps, configMap('kept'));
    const watch = await openWatch(sandbox, `${CONFIGMAPS}?watch=1`);
    await watch.received(1);
    await sandbox.restartApiServer();
    await watch.end();
    expect(watch.ended()).toBe(true);
    const { body } = await http(sandbox, 'GET', `${CONFIGMAPS}/kept`);
    expect(body.metadata.name).toBe('kept');
    const got = await kubectl(sandbox, ['get', 'configmap', 'kept', '-o', 'name']);
    expect(got.stdout).toBe('configmap/kept\n');
  });
});
