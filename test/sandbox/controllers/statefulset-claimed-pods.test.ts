import { KubeObject } from '../../../src/sandbox/api';
import { CacheEvent } from '../../../src/sandbox/controllers/object-cache';
import { ClaimedPodsCache, compileSelector } from '../../../src/sandbox/controllers/statefulset/statefulset-claimed-pods';
import { podFacts } from '../../../src/sandbox/controllers/statefulset/statefulset-pod-facts';

const SET: KubeObject = {
  apiVersion: 'apps/v1',
  kind: 'StatefulSet',
  metadata: { name: 'web', namespace: 'default', uid: 'web-uid' },
  spec: { selector: { matchLabels: { app: 'web' } } },
};

function pod(name: string, options: { owner?: string; app?: string; phase?: string } = {}): KubeObject {
  const owner = options.owner ?? 'web-uid';
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: 'default',
      uid: `${name}-uid`,
      labels: { app: options.app ?? 'web' },
      ownerReferences: owner ? [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'web', uid: owner, controller: true }] : [],
    },
    status: { phase: options.phase ?? 'Pending' },
  };
}

function cacheWith(pods: KubeObject[]): ClaimedPodsCache {
  const cache = new ClaimedPodsCache();
  cache.remember(SET, compileSelector(SET), [...pods], pods.map(podFacts));
  cache.giveBack();
  return cache;
}

function names(cache: ClaimedPodsCache): string[] | undefined {
  const claimed = cache.lend('web-uid', compileSelector(SET));
  cache.giveBack();
  return claimed?.pods.map((p) => p.metadata.name!).sort();
}

describe('ClaimedPodsCache', () => {
  test('follows changes, additions and deletions of the set\'s pods, keeping each pod\'s facts beside it', () => {
    const [web0, web1] = [pod('web-0'), pod('web-1')];
    const cache = cacheWith([web0, web1]);
    const running = pod('web-1', { phase: 'Running' });
    cache.onPodEvent({ type: 'MODIFIED', object: running, previous: web1 });
    cache.onPodEvent({ type: 'ADDED', object: pod('web-2') });
    cache.onPodEvent({ type: 'DELETED', object: web0, previous: web0 });
    const claimed = cache.lend('web-uid', compileSelector(SET))!;
    expect(claimed.pods.map((p) => p.metadata.name).sort()).toEqual(['web-1', 'web-2']);
    claimed.pods.forEach((p, i) => expect(claimed.facts[i]).toBe(podFacts(p)));
    expect(claimed.pods).toContain(running);
  });

  test('a lent claim stays as it was lent; the events that arrive meanwhile take effect when it is given back', () => {
    const web0 = pod('web-0');
    const cache = cacheWith([web0, pod('web-1')]);
    const lent = cache.lend('web-uid', compileSelector(SET))!;
    cache.onPodEvent({ type: 'DELETED', object: web0, previous: web0 });
    cache.onPodEvent({ type: 'ADDED', object: pod('web-2') });
    expect(lent.pods.map((p) => p.metadata.name)).toEqual(['web-0', 'web-1']);
    expect(lent.facts.map((f) => f.ordinal)).toEqual([0, 1]);
    cache.giveBack();
    expect(names(cache)).toEqual(['web-1', 'web-2']);
  });

  test('a pod the set would release (no longer selected, or not named as a member) drops the claim for a fresh one', () => {
    const web1 = pod('web-1');
    const relabelled = cacheWith([pod('web-0'), web1]);
    relabelled.onPodEvent({ type: 'MODIFIED', object: pod('web-1', { app: 'other' }), previous: web1 });
    expect(names(relabelled)).toBeUndefined();
    const stranger = cacheWith([pod('web-0')]);
    stranger.onPodEvent({ type: 'ADDED', object: pod('db-0') });
    expect(names(stranger)).toBeUndefined();
  });

  test('a pod released or taken over by another controller leaves the claim; pods of other sets do not touch it', () => {
    const web1 = pod('web-1');
    const cache = cacheWith([pod('web-0'), web1]);
    cache.onPodEvent({ type: 'MODIFIED', object: pod('web-1', { owner: '' }), previous: web1 });
    expect(names(cache)).toEqual(['web-0']);
    cache.onPodEvent({ type: 'ADDED', object: pod('web-5', { owner: 'other-uid' }) });
    expect(names(cache)).toEqual(['web-0']);
  });

  test('is only lent for the selector it was claimed with, and not after the set is forgotten', () => {
    const cache = cacheWith([pod('web-0')]);
    const changed = { ...SET, spec: { selector: { matchLabels: { app: 'web', tier: 'x' } } } };
    expect(cache.lend('web-uid', compileSelector(changed))).toBeUndefined();
    cache.forget('web-uid');
    expect(names(cache)).toBeUndefined();
  });

  test('compileSelector matches nothing for a set without a selector, as upstream', () => {
    const event: CacheEvent = { type: 'ADDED', object: pod('web-0') };
    expect(compileSelector({ ...SET, spec: {} }).matches(event.object)).toBe(false);
    expect(compileSelector(SET).matches(event.object)).toBe(true);
  });
});
