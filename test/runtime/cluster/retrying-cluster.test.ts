import { runtimeClockOf } from '../../../src/rehearsal/virtual-runtime-clock';
import { ClusterError } from '../../../src/runtime/cluster/cluster';
import { isTransientClusterError, retryDelayMs, RetryingCluster } from '../../../src/runtime/cluster/retrying-cluster';
import { RESOURCES } from '../../../src/sandbox/api';
import { VirtualClock } from '../../../src/sandbox/clock';
import { createSandboxApi } from '../../../src/sandbox/store';
import { InProcessCluster } from '../../support/in-process-cluster';

function setup() {
  const clock = new VirtualClock();
  const api = createSandboxApi({ clock });
  api.create(RESOURCES.leases, { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'l', namespace: 'default' }, spec: {} });
  const inner = new InProcessCluster(api);
  return { clock, api, inner, cluster: new RetryingCluster(inner, runtimeClockOf(clock)) };
}

describe('what is retried', () => {
  test.each([
    [0, true], [429, true], [500, true], [503, true], [409, false], [404, false], [410, false], [422, false],
  ])('code %d -> %s', (code, transient) => {
    expect(isTransientClusterError(new ClusterError(code, 'x'))).toBe(transient);
  });

  test('not a ClusterError: never', () => {
    expect(isTransientClusterError(new Error('boom'))).toBe(false);
  });

  test('Retry-After wins, otherwise exponential back-off, capped', () => {
    expect(retryDelayMs(new ClusterError(429, 'slow down', { retryAfterSeconds: 1 }), 3)).toBe(1000);
    expect([1, 2, 3, 4, 5, 6, 7].map((attempt) => retryDelayMs(new ClusterError(500, 'x'), attempt))).toEqual([200, 400, 800, 1600, 3200, 5000, 5000]);
    expect(retryDelayMs(new ClusterError(429, 'x', { retryAfterSeconds: 60 }), 1)).toBe(5000);
  });
});

describe('RetryingCluster', () => {
  test('retries 500s on the clock and returns the answer', async () => {
    const { clock, inner, cluster } = setup();
    inner.inject({ verb: 'get', code: 500, times: 2 });
    const start = clock.now();
    const answer = cluster.get('Lease', 'default', 'l');
    let done = false;
    void answer.then(() => { done = true; });
    await clock.runUntil(() => done);
    expect((await answer as { metadata: { name: string } }).metadata.name).toBe('l');
    expect(clock.now() - start).toBe(600);
    expect(inner.calls).toEqual(['get Lease l', 'get Lease l', 'get Lease l']);
  });

  test('through the pod proxy a 5xx is the pod\'s answer and goes straight to the caller; a 429 is still retried', async () => {
    const { clock, inner, cluster } = setup();
    inner.inject({ verb: 'proxy', code: 503 });
    await expect(cluster.podProxyGet('default', 'kafka-0', 9404, 'metrics')).rejects.toMatchObject({ code: 503 });
    expect(inner.calls).toEqual(['proxy Pod kafka-0']);
    inner.inject({ verb: 'proxy', code: 429 });
    const answer = cluster.podProxyGet('default', 'kafka-0', 9404, 'metrics').catch((error) => error);
    let done = false;
    void answer.then(() => { done = true; });
    await clock.runUntil(() => done);
    // Retried once after the 429, then the pod proxy's own answer: no pod kafka-0.
    expect(await answer).toMatchObject({ code: 404 });
    expect(inner.calls).toEqual(['proxy Pod kafka-0', 'proxy Pod kafka-0', 'proxy Pod kafka-0']);
  });

  test('a 409 goes straight to the caller', async () => {
    const { inner, cluster } = setup();
    inner.inject({ verb: 'patch', code: 409 });
    await expect(cluster.patch('Lease', 'default', 'l', {}, 'merge')).rejects.toMatchObject({ code: 409 });
    expect(inner.calls).toEqual(['patch Lease l']);
  });

  test('gives up with the last error once the budget is spent', async () => {
    const { clock, inner } = setup();
    const cluster = new RetryingCluster(inner, runtimeClockOf(clock), { budgetMs: 1000 });
    inner.inject({ verb: 'list', code: 503, times: 100 });
    const failure = cluster.list('Lease', 'default').catch((error) => error);
    let settled = false;
    void failure.then(() => { settled = true; });
    await clock.runUntil(() => settled);
    expect(await failure).toMatchObject({ code: 503 });
    // 200 + 400 ms of back-off fit in the budget, the next 800 ms do not.
    expect(inner.calls).toHaveLength(3);
  });

  test('a watch is retried only before its first event', async () => {
    const { clock, api, inner, cluster } = setup();
    inner.inject({ verb: 'watch', code: 500 });
    const stop = new AbortController();
    const seen: string[] = [];
    const watching = cluster.watch('Lease', 'default', { resourceVersion: api.list(RESOURCES.leases).resourceVersion },
      (event) => seen.push(event.type), stop.signal);
    await clock.runUntil(() => inner.calls.length === 2);
    api.create(RESOURCES.leases, { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'm', namespace: 'default' }, spec: {} });
    await clock.runUntil(() => seen.length === 1);
    stop.abort();
    await watching;
    expect(seen).toEqual(['ADDED']);
  });
});
