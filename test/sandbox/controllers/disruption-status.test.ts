import { KubeObject } from '../../../src/sandbox/api';
import {
  buildDisruptedPodMap, countHealthyPods, DELETION_TIMEOUT_MS, expectedPodCount, failSafeStatus, nextBudgetStatus,
} from '../../../src/sandbox/controllers/disruption/disruption-status';

const NOW = Date.parse('2024-01-01T00:10:00Z');
const SET_REF = { apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'zk', uid: 'zk-uid', controller: true };

function pod(name: string, options: { ready?: boolean; owner?: typeof SET_REF | null; deleting?: boolean } = {}): KubeObject {
  const { ready = true, owner = SET_REF, deleting = false } = options;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: 'default',
      labels: { app: 'zk' },
      ...(owner ? { ownerReferences: [owner] } : {}),
      ...(deleting ? { deletionTimestamp: '2024-01-01T00:09:00Z' } : {}),
    },
    status: { phase: 'Running', conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
  };
}

function budget(spec: Record<string, unknown>, status: Record<string, unknown> = {}, generation = 1): KubeObject {
  return {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: { name: 'zk-pdb', namespace: 'default', generation },
    spec: { selector: { matchLabels: { app: 'zk' } }, ...spec },
    status: { disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0, ...status },
  };
}

const zkScale = (replicas: number) => () => ({ uid: 'zk-uid', scale: replicas });
const counts = (currentHealthy: number, desiredHealthy = 2, expectedCount = 3) =>
  ({ currentHealthy, desiredHealthy, expectedCount, disruptedPods: {} });

describe('expectedPodCount (getExpectedPodCount)', () => {
  const pods = [pod('zk-0'), pod('zk-1'), pod('zk-2')];

  test('an integer minAvailable needs no controller: expected is the pod count', () => {
    expect(expectedPodCount(budget({ minAvailable: 2 }), [...pods, pod('loose', { owner: null })], () => { throw new Error('not asked'); }))
      .toEqual({ expectedCount: 4, desiredHealthy: 2, unmanagedPods: [] });
  });

  test('maxUnavailable counts the controller\'s scale, not the pods that exist', () => {
    expect(expectedPodCount(budget({ maxUnavailable: 1 }), pods.slice(0, 2), zkScale(5)))
      .toEqual({ expectedCount: 5, desiredHealthy: 4, unmanagedPods: [] });
  });

  test('percentages round up: minAvailable 50% of 3 is 2, maxUnavailable 50% of 3 leaves 1', () => {
    expect(expectedPodCount(budget({ minAvailable: '50%' }), pods, zkScale(3)).desiredHealthy).toBe(2);
    expect(expectedPodCount(budget({ maxUnavailable: '50%' }), pods, zkScale(3)).desiredHealthy).toBe(1);
    expect(expectedPodCount(budget({ maxUnavailable: '100%' }), pods, zkScale(3)).desiredHealthy).toBe(0);
  });

  test('a controller counts once however many of its pods are selected', () => {
    let asked = 0;
    const found = expectedPodCount(budget({ maxUnavailable: 0 }), pods, () => { asked++; return { uid: 'zk-uid', scale: 3 }; });
    expect(found.expectedCount).toBe(3);
    expect(asked).toBe(1);
  });

  test('pods without a controller are reported, and a missing controller fails the sync', () => {
    expect(expectedPodCount(budget({ maxUnavailable: 1 }), [pod('zk-0'), pod('loose', { owner: null })], zkScale(1)).unmanagedPods).toEqual(['loose']);
    expect(() => expectedPodCount(budget({ maxUnavailable: 1 }), pods, () => undefined)).toThrow('found no controllers for pod "zk-0"');
  });

  test('neither field set: nothing expected, nothing desired', () => {
    expect(expectedPodCount(budget({}), pods, zkScale(3))).toEqual({ expectedCount: 0, desiredHealthy: 0, unmanagedPods: [] });
  });
});

describe('countHealthyPods and buildDisruptedPodMap', () => {
  test('ready pods count, terminating and recently evicted ones do not', () => {
    const pods = [pod('zk-0'), pod('zk-1', { ready: false }), pod('zk-2', { deleting: true }), pod('zk-3')];
    expect(countHealthyPods(pods, { 'zk-3': '2024-01-01T00:09:30Z' }, NOW)).toBe(1);
    expect(countHealthyPods(pods, { 'zk-3': '2024-01-01T00:07:00Z' }, NOW)).toBe(2);
  });

  test('an eviction is remembered for two minutes, then the pod counts again with a NotDeleted warning', () => {
    const pods = [pod('zk-0'), pod('zk-1'), pod('zk-2', { deleting: true })];
    const status = { disruptedPods: { 'zk-0': '2024-01-01T00:09:30Z', 'zk-1': '2024-01-01T00:07:00Z', 'zk-2': '2024-01-01T00:09:00Z', 'gone': '2024-01-01T00:09:00Z' } };
    const built = buildDisruptedPodMap(budget({ maxUnavailable: 1 }, status), pods, NOW);
    expect(built.disruptedPods).toEqual({ 'zk-0': '2024-01-01T00:09:30Z' });
    expect(built.recheckAtMs).toBe(Date.parse('2024-01-01T00:09:30Z') + DELETION_TIMEOUT_MS);
    expect(built.notDeleted.map((p) => p.metadata.name)).toEqual(['zk-1']);
  });
});

describe('nextBudgetStatus (updatePdbStatus)', () => {
  test('a budget with room: SufficientPods, observedGeneration and the counts', () => {
    const status = nextBudgetStatus(budget({ maxUnavailable: 1 }), counts(3), NOW);
    expect(status).toEqual({
      observedGeneration: 1,
      disruptionsAllowed: 1,
      currentHealthy: 3,
      desiredHealthy: 2,
      expectedPods: 3,
      conditions: [{ type: 'DisruptionAllowed', status: 'True', reason: 'SufficientPods', message: '', observedGeneration: 1, lastTransitionTime: '2024-01-01T00:10:00Z' }],
    });
  });

  test('no pods expected means no disruption allowed, whatever the health', () => {
    const status = nextBudgetStatus(budget({ minAvailable: 0 }), counts(2, 0, 0), NOW)!;
    expect(status.disruptionsAllowed).toBe(0);
    expect(status.conditions[0]).toEqual(expect.objectContaining({ status: 'False', reason: 'InsufficientPods' }));
  });

  test('an up-to-date status is not written again; a changed status keeps the transition time of an unchanged condition', () => {
    const first = nextBudgetStatus(budget({ maxUnavailable: 1 }), counts(3), NOW)!;
    const current = budget({ maxUnavailable: 1 }, first);
    expect(nextBudgetStatus(current, counts(3), NOW + 5000)).toBeUndefined();
    const later = nextBudgetStatus(current, counts(2), NOW + 5000)!;
    expect(later.conditions).toEqual([expect.objectContaining({ status: 'False', reason: 'InsufficientPods', lastTransitionTime: '2024-01-01T00:10:05Z' })]);
    const again = nextBudgetStatus(budget({ maxUnavailable: 1 }, later), counts(1), NOW + 9000)!;
    expect(again.conditions[0].lastTransitionTime).toBe('2024-01-01T00:10:05Z');
  });

  test('failSafe refuses disruptions and says why', () => {
    const status = failSafeStatus(budget({ maxUnavailable: '50%' }, { disruptionsAllowed: 2, observedGeneration: 1 }), 'daemonsets.apps does not implement the scale subresource', NOW);
    expect(status.disruptionsAllowed).toBe(0);
    expect(status.conditions).toEqual([{
      type: 'DisruptionAllowed',
      status: 'False',
      reason: 'SyncFailed',
      message: 'daemonsets.apps does not implement the scale subresource',
      observedGeneration: 1,
      lastTransitionTime: '2024-01-01T00:10:00Z',
    }]);
  });
});
