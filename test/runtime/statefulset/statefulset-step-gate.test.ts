import { PartitionPlan } from '../../../src/partition-plan';
import { podsByOrdinal } from '../../../src/runtime/kube/statefulset-facts';
import { describeBlockingPod } from '../../../src/runtime/promotion/step-gate';
import { blockingOrdinals, blockingReason, evaluateStepGate, statefulSetControllerLag } from '../../../src/runtime/statefulset/statefulset-step-gate';
import { NOW, pod, PodShape, statefulSet } from '../kube-fixtures';

const updated = (ordinal: number, shape: PodShape = {}) =>
  pod({ name: `web-${ordinal}`, revision: 'web-new', readyForSeconds: 60, ...shape });
const old = (ordinal: number, shape: PodShape = {}) =>
  pod({ name: `web-${ordinal}`, revision: 'web-old', readyForSeconds: 600, ...shape });

describe('evaluateStepGate', () => {
  test('passes when every pod at or above the partition is updated, Ready and Available', () => {
    const result = evaluateStepGate(statefulSet({ replicas: 3, partition: 1, minReadySeconds: 30 }), [old(0), updated(1), updated(2)], NOW);
    expect(result).toEqual({ passed: true, partition: 1, ordinals: [2, 1], blocking: [], recheckAt: undefined });
  });

  test('a staged StatefulSet (pinned partition) moves no ordinal and passes', () => {
    const result = evaluateStepGate(statefulSet({ replicas: 3, partition: PartitionPlan.STAGED_PARTITION }), [old(0), old(1), old(2)], NOW);
    expect(result.passed).toBe(true);
    expect(result.partition).toBe(3);
    expect(result.ordinals).toEqual([]);
  });

  test('waits for the controller to observe the spec', () => {
    const result = evaluateStepGate(statefulSet({ partition: 1, generation: 5, observedGeneration: 4 }), [], NOW);
    expect(result.passed).toBe(false);
    expect(result.waitingForController)
      .toBe('the StatefulSet controller has not observed generation 5 yet (observedGeneration 4)');
  });

  test('waits for status.updateRevision', () => {
    const sts = statefulSet({ partition: 1 });
    const result = evaluateStepGate({ ...sts, status: { ...sts.status, updateRevision: undefined } }, [], NOW);
    expect(result.passed).toBe(false);
    expect(result.waitingForController).toBe('the StatefulSet has no status.updateRevision yet');
  });

  test('Ready pods of the old revision do not count (unlike kubectl rollout status)', () => {
    const result = evaluateStepGate(statefulSet({ replicas: 3, partition: 1 }), [old(0), old(1), updated(2)], NOW);
    expect(result.passed).toBe(false);
    expect(result.blocking).toEqual([
      { pod: 'web-1', ordinal: 1, reason: 'on revision web-old, waiting to be replaced by web-new', problems: [] },
    ]);
  });

  test('names missing, not Ready and not yet Available pods, with their problems', () => {
    const pods = [
      old(0),
      updated(1, { readyForSeconds: undefined, waiting: { reason: 'CrashLoopBackOff', message: 'back-off 10s' } }),
      updated(2, { readyForSeconds: 5 }),
    ];
    const result = evaluateStepGate(statefulSet({ replicas: 4, partition: 1, minReadySeconds: 30 }), pods, NOW);
    expect(result.passed).toBe(false);
    expect(result.blocking).toEqual([
      { pod: 'web-3', ordinal: 3, reason: 'not created yet', problems: [] },
      { pod: 'web-2', ordinal: 2, reason: 'Ready for 5s, not yet Available (minReadySeconds 30)', problems: [] },
      {
        pod: 'web-1',
        ordinal: 1,
        reason: 'not Ready (CrashLoopBackOff - back-off 10s)',
        problems: [{ reason: 'CrashLoopBackOff', message: 'back-off 10s', container: 'app' }],
      },
    ]);
    // web-2 became Ready 5 s ago; Available needs strictly more than 30 s.
    expect(result.recheckAt).toBe(NOW - 5000 + 30_000 + 1);
  });

  test('recheckAt is the earliest moment a Ready pod turns Available', () => {
    const pods = [updated(1, { readyForSeconds: 5 }), updated(2, { readyForSeconds: 20 })];
    const result = evaluateStepGate(statefulSet({ replicas: 3, partition: 1, minReadySeconds: 30 }), pods, NOW);
    expect(result.recheckAt).toBe(NOW - 20_000 + 30_001);
  });
});

describe('blockingOrdinals', () => {
  const sts = statefulSet({ replicas: 4, minReadySeconds: 30 });
  const pods = [updated(0), old(1), updated(3, { readyForSeconds: 10 })];

  test('lists the pods in the order of the ordinals asked about, missing ones by the name they will have', () => {
    const result = blockingOrdinals(sts, podsByOrdinal(sts, pods), [0, 1, 2, 3], 'web-new', NOW);
    expect(result.blocking.map((entry) => [entry.ordinal, entry.pod, entry.reason])).toEqual([
      [1, 'web-1', 'on revision web-old, waiting to be replaced by web-new'],
      [2, 'web-2', 'not created yet'],
      [3, 'web-3', 'Ready for 10s, not yet Available (minReadySeconds 30)'],
    ]);
    expect(blockingOrdinals(sts, podsByOrdinal(sts, pods), [3, 2], 'web-new', NOW).blocking.map((entry) => entry.pod))
      .toEqual(['web-3', 'web-2']);
  });

  test('only the ordinals asked about count, and recheckAt comes from Ready pods on the update revision among them', () => {
    const byOrdinal = podsByOrdinal(sts, pods);
    expect(blockingOrdinals(sts, byOrdinal, [0], 'web-new', NOW)).toEqual({ blocking: [], recheckAt: undefined });
    expect(blockingOrdinals(sts, byOrdinal, [1], 'web-new', NOW).recheckAt).toBeUndefined();
    expect(blockingOrdinals(sts, byOrdinal, [3, 1], 'web-new', NOW).recheckAt).toBe(NOW - 10_000 + 30_001);
  });
});

describe('statefulSetControllerLag', () => {
  test('names the generation not yet observed, then a missing update revision, then nothing', () => {
    expect(statefulSetControllerLag(statefulSet({ generation: 5, observedGeneration: 4 })))
      .toBe('the StatefulSet controller has not observed generation 5 yet (observedGeneration 4)');
    const sts = statefulSet();
    expect(statefulSetControllerLag({ ...sts, status: { ...sts.status, updateRevision: undefined } }))
      .toBe('the StatefulSet has no status.updateRevision yet');
    expect(statefulSetControllerLag(sts)).toBeUndefined();
  });
});

describe('describeBlockingPod', () => {
  test('a StatefulSet pod by name, a DaemonSet pod by name and node, a node without a pod by its node', () => {
    expect(describeBlockingPod({ pod: 'web-2', ordinal: 2, reason: 'not Ready', problems: [] })).toBe('web-2 not Ready');
    expect(describeBlockingPod({ pod: 'agent-x', node: 'node-1', reason: 'not Ready', problems: [] })).toBe('agent-x on node-1 not Ready');
    expect(describeBlockingPod({ pod: '', node: 'node-2', reason: 'no daemon pod yet', problems: [] })).toBe('the pod on node-2 no daemon pod yet');
  });
});

describe('blockingReason', () => {
  test('a pod that counts has no reason', () => {
    expect(blockingReason(updated(1), 'web-new', 0, NOW)).toBeUndefined();
  });

  test('terminating comes first', () => {
    expect(blockingReason(updated(1, { terminating: true }), 'web-new', 0, NOW)).toBe('terminating');
  });

  test('a pod without a revision label', () => {
    expect(blockingReason(pod({ name: 'web-1', readyForSeconds: 1 }), 'web-new', 0, NOW))
      .toBe('on revision <none>, waiting to be replaced by web-new');
  });

  test('an old pod stuck behind a problem shows the problem', () => {
    expect(blockingReason(old(1, { unschedulable: '0/3 nodes are available' }), 'web-new', 0, NOW))
      .toBe('on revision web-old, waiting to be replaced by web-new (Unschedulable - 0/3 nodes are available)');
  });
});
