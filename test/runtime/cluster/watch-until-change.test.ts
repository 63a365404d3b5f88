import { runtimeClockOf } from '../../../src/rehearsal/virtual-runtime-clock';
import { Cluster, ClusterError, ClusterWatchEvent } from '../../../src/runtime/cluster/cluster';
import { WatchedCollection, WatchRoundEnd, watchUntilChange } from '../../../src/runtime/cluster/watch-until-change';
import { KubePod } from '../../../src/runtime/kube/kube-types';
import { KubeObject, RESOURCES } from '../../../src/sandbox/api';
import { VirtualClock } from '../../../src/sandbox/clock';
import { createSandboxApi } from '../../../src/sandbox/store';
import { InProcessCluster } from '../../support/in-process-cluster';

function pod(name: string, app: string): KubeObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default', labels: { app } }, spec: { containers: [{ name: 'c', image: 'i' }] } };
}

async function setup() {
  const clock = new VirtualClock();
  const api = createSandboxApi({ clock });
  api.create(RESOURCES.pods, pod('web-0', 'web'));
  const cluster = new InProcessCluster(api);
  const list = await cluster.list<KubePod>('Pod', 'default', { labelSelector: 'app=web' });
  const webPods: WatchedCollection = { kind: 'Pod', selector: { labelSelector: 'app=web' }, resourceVersion: list.resourceVersion };
  const otherPods: WatchedCollection = { kind: 'Pod', selector: { labelSelector: 'app=other' }, resourceVersion: list.resourceVersion };
  // Starts a round and records how it ended, so the test can drive the clock until it has.
  const round = (collections: readonly WatchedCollection[], options: { until?: number; signal?: AbortSignal } = {}) => {
    const result: { end?: WatchRoundEnd } = {};
    void watchUntilChange(cluster, collections, { clock: runtimeClockOf(clock), namespace: 'default', ...options })
      .then((end) => { result.end = end; });
    return result;
  };
  return { clock, api, cluster, webPods, otherPods, round };
}

describe('watchUntilChange', () => {
  test('a change after the resourceVersion ends the round; changes the read already saw and other selections do not', async () => {
    const { clock, api, webPods, otherPods, round } = await setup();
    const result = round([webPods, otherPods]);
    await clock.runUntil(() => true);
    expect(result.end).toBeUndefined();
    api.create(RESOURCES.pods, pod('other-0', 'elsewhere'));
    await clock.runUntil(() => true);
    expect(result.end).toBeUndefined();
    api.create(RESOURCES.pods, pod('web-1', 'web'));
    await clock.runUntil(() => result.end !== undefined);
    expect(result.end).toBe('changed');
  });

  test('due at `until` when nothing changes, and at once when `until` has passed', async () => {
    const { clock, webPods, round } = await setup();
    const start = clock.now();
    const result = round([webPods], { until: start + 5_000 });
    await clock.runUntil(() => result.end !== undefined);
    expect(result.end).toBe('due');
    expect(clock.now()).toBe(start + 5_000);
    const late = round([webPods], { until: start });
    await clock.runUntil(() => late.end !== undefined);
    expect(late.end).toBe('due');
    expect(clock.now()).toBe(start + 5_000);
  });

  test('aborted by the signal, also when it aborted before the round began; no watch stays open', async () => {
    const { clock, cluster, webPods, otherPods, round } = await setup();
    const stop = new AbortController();
    const result = round([webPods, otherPods], { signal: stop.signal, until: clock.now() + 60_000 });
    await clock.runUntil(() => true);
    stop.abort();
    await clock.runUntil(() => result.end !== undefined);
    expect(result.end).toBe('aborted');
    expect(clock.pendingTimers()).toBe(0);
    const watches = cluster.calls.filter((call) => call === 'watch Pod').length;
    const already = round([webPods], { signal: stop.signal });
    await clock.runUntil(() => already.end !== undefined);
    expect(already.end).toBe('aborted');
    expect(cluster.calls.filter((call) => call === 'watch Pod')).toHaveLength(watches);
  });

  test('a dropped or expired (410) watch ends the round as ended', async () => {
    const { clock, cluster, webPods, otherPods, round } = await setup();
    const dropped = round([webPods, otherPods]);
    await clock.runUntil(() => true);
    cluster.endWatches();
    await clock.runUntil(() => dropped.end !== undefined);
    expect(dropped.end).toBe('ended');
    cluster.inject({ verb: 'watch', kind: 'Pod', code: 410 });
    const gone = round([webPods, otherPods]);
    await clock.runUntil(() => gone.end !== undefined);
    expect(gone.end).toBe('ended');
  });

  test('one watch ending stops the others, so none is left open behind the round', async () => {
    const signals: AbortSignal[] = [];
    const oneDrops: Pick<Cluster, 'watch'> = {
      watch: (_kind, _namespace, _options, _onEvent, signal) => {
        signals.push(signal);
        // The first stream drops at once; the second stays open until its signal aborts.
        return signals.length === 1 ? Promise.resolve() : new Promise((resolve) => signal.addEventListener('abort', () => resolve()));
      },
    };
    const clock = runtimeClockOf(new VirtualClock());
    const collections: WatchedCollection[] = [{ kind: 'StatefulSet', resourceVersion: '1' }, { kind: 'Pod', resourceVersion: '1' }];
    expect(await watchUntilChange(oneDrops, collections, { clock, namespace: 'default' })).toBe('ended');
    expect(signals.map((signal) => signal.aborted)).toEqual([true, true]);
  });

  test('bookmarks are not changes', async () => {
    const events: ClusterWatchEvent<unknown>[] = [{ type: 'BOOKMARK', object: { metadata: { resourceVersion: '9' } } }];
    const replaying: Pick<Cluster, 'watch'> = {
      watch: async (_kind, _namespace, _options, onEvent) => events.forEach((event) => onEvent(event as ClusterWatchEvent<never>)),
    };
    const clock = runtimeClockOf(new VirtualClock());
    expect(await watchUntilChange(replaying, [{ kind: 'Pod', resourceVersion: '1' }], { clock, namespace: 'default' })).toBe('ended');
    events.push({ type: 'MODIFIED', object: {} });
    expect(await watchUntilChange(replaying, [{ kind: 'Pod', resourceVersion: '1' }], { clock, namespace: 'default' })).toBe('changed');
  });

  test('a failing watch is not thrown: the caller reads again', async () => {
    const failing: Pick<Cluster, 'watch'> = { watch: async () => { throw new ClusterError(500, 'boom'); } };
    const clock = runtimeClockOf(new VirtualClock());
    expect(await watchUntilChange(failing, [{ kind: 'Pod', resourceVersion: '1' }], { clock, namespace: 'default' })).toBe('ended');
  });

  test('a watch that throws before it returns a promise ends the round too, and stops the until timer', async () => {
    const throwing: Pick<Cluster, 'watch'> = { watch: () => { throw new ClusterError(500, 'boom'); } };
    const virtual = new VirtualClock();
    const clock = runtimeClockOf(virtual);
    expect(await watchUntilChange(throwing, [{ kind: 'Pod', resourceVersion: '1' }], { clock, namespace: 'default', until: clock.now() + 30_000 }))
      .toBe('ended');
    expect(virtual.advanceToNextTimer()).toBe(false);
  });
});
