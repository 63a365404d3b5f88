import { CONFIGMAPS, configMap } from './manifests';
import { RESOURCES } from '../../../src/sandbox/api';
import { VirtualClock } from '../../../src/sandbox/clock';
import { FaultInjector } from '../../../src/sandbox/server/faults';
import { Sandbox, startSandbox } from '../../../src/sandbox/start-sandbox';
import { http, openWatch } from '../../support/sandbox-clients';

jest.setTimeout(30_000);

describe('faults over HTTP', () => {
  let sandbox: Sandbox;
  beforeEach(async () => {
    sandbox = await startSandbox({ clock: 'virtual', nodes: 0 });
    sandbox.api.create(RESOURCES.configMaps, configMap('a'));
  });
  afterEach(() => sandbox.stop());

  test('a seeded 500 rate fails exactly the requests the policy picks, with an InternalError Status', async () => {
    const faults = { serverErrorRate: 0.5, seed: 7, only: ['get configmaps'] };
    sandbox.setFaults(faults);
    const expected = new FaultInjector(faults);
    const statuses: number[] = [];
    for (let i = 0; i < 20; i++) {
      statuses.push((await http(sandbox, 'GET', `${CONFIGMAPS}/a`)).status);
    }
    expect(statuses).toEqual(Array.from({ length: 20 }, () => expected.decide('get', 'configmaps').status ?? 200));
    expect(statuses).toContain(500);
    expect(statuses).toContain(200);
    const failure = await findFailure(sandbox, `${CONFIGMAPS}/a`);
    expect(failure).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'InternalError', code: 500 });
    // Requests the `only` filter leaves out are never affected.
    expect((await http(sandbox, 'GET', CONFIGMAPS)).status).toBe(200);
  });

  test('throttling answers 429 with Retry-After: 1', async () => {
    sandbox.setFaults({ throttleRate: 1 });
    const { status, headers, body } = await http(sandbox, 'GET', CONFIGMAPS);
    expect(status).toBe(429);
    expect(headers['retry-after']).toBe('1');
    expect(body).toMatchObject({ reason: 'TooManyRequests', message: 'Too many requests, please try again later.', details: { retryAfterSeconds: 1 } });
  });

  test('an injected conflict is worded as upstream\'s and leaves the object unchanged', async () => {
    sandbox.setFaults({ conflictRate: 1, only: ['patch configmaps'] });
    const { status, body } = await http(sandbox, 'PATCH', `${CONFIGMAPS}/a`, { data: { k: 'v' } }, { 'Content-Type': 'application/merge-patch+json' });
    expect(status).toBe(409);
    expect(body.message).toBe('Operation cannot be fulfilled on configmaps "a": the object has been modified; please apply your changes to the latest version and try again');
    expect(sandbox.api.get(RESOURCES.configMaps, 'default', 'a')!.data).toEqual({});
    sandbox.setFaults({});
    expect((await http(sandbox, 'PATCH', `${CONFIGMAPS}/a`, { data: { k: 'v' } }, { 'Content-Type': 'application/merge-patch+json' })).status).toBe(200);
  });

  test('latency is virtual time: the answer waits for the clock, and does not hold runUntil back', async () => {
    sandbox.setFaults({ latencyMs: 5_000 });
    const start = sandbox.clock.now();
    let answered = false;
    const pending = http(sandbox, 'GET', `${CONFIGMAPS}/a`).then((result) => {
      answered = true;
      return result;
    });
    // The request reaches the server, which parks it on the sandbox clock.
    await turnsUntil(() => (sandbox.clock as VirtualClock).pendingTimers() === 1);
    await sandbox.advance(4_999);
    expect(answered).toBe(false);
    await sandbox.runUntil(pending);
    expect((await pending).status).toBe(200);
    expect(sandbox.clock.now() - start).toBe(5_000);
  });

  test('a watch is dropped after the configured number of events', async () => {
    sandbox.setFaults({ dropWatchAfterEvents: 2 });
    const watch = await openWatch(sandbox, `${CONFIGMAPS}?watch=1&resourceVersion=${sandbox.api.list(RESOURCES.configMaps).resourceVersion}`);
    sandbox.api.create(RESOURCES.configMaps, configMap('b'));
    sandbox.api.create(RESOURCES.configMaps, configMap('c'));
    sandbox.api.create(RESOURCES.configMaps, configMap('d'));
    await watch.end();
    expect(watch.events.map((event) => event.object.metadata.name)).toEqual(['b', 'c']);
  });
});

async function findFailure(sandbox: Sandbox, path: string): Promise<unknown> {
  for (;;) {
    const result = await http(sandbox, 'GET', path);
    if (result.status !== 200) {
      return result.body;
    }
  }
}

// Event-loop turns (no timers, no sleeps) until an asynchronous effect shows.
async function turnsUntil(predicate: () => boolean): Promise<void> {
  for (let turn = 0; !predicate(); turn++) {
    if (turn > 10_000) {
      throw new Error('condition not reached within 10,000 event-loop turns');
    }
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}
