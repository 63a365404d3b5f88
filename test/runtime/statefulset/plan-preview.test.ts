import { RolloutKeys } from '../../../src/keys';
import { resolvePartitionPlan } from '../../../src/runtime/promotion/plan-source';
import { previewPlan, previewRestartOrder } from '../../../src/runtime/statefulset/plan-preview';
import { statefulSet } from '../kube-fixtures';

describe('previewPlan', () => {
  test('the seed\'s Kafka walk: stage, kafka-2, then kafka-1 and kafka-0', () => {
    const sts = statefulSet({ name: 'kafka', replicas: 3 });
    const resolved = resolvePartitionPlan({ flag: 'canary', replicas: 3, where: 'statefulset/kafka' });
    expect(previewPlan(sts, resolved)).toEqual([
      { step: 0, partition: 3, physicalPartition: 32767, updatedPods: 0, moves: [], restarts: 0 },
      { step: 1, partition: 2, physicalPartition: 2, updatedPods: 1, moves: [2], restarts: 1 },
      { step: 2, partition: 0, physicalPartition: 0, updatedPods: 3, moves: [1, 0], restarts: 2 },
    ]);
  });

  test('100 replicas, 100,99,90,50,0, with shifted ordinals', () => {
    const sts = statefulSet({ replicas: 100, ordinalsStart: 5 });
    const steps = previewPlan(sts, resolvePartitionPlan({ flag: '100,99,90,50,0', replicas: 100, where: 'statefulset/web' }));
    expect(steps.map((step) => [step.partition, step.updatedPods, step.moves.length, step.moves[0], step.moves[step.moves.length - 1]]))
      .toEqual([[100, 0, 0, undefined, undefined], [99, 1, 1, 104, 104], [90, 10, 9, 103, 95], [50, 50, 40, 94, 55], [0, 100, 50, 54, 5]]);
  });

  test('with a restart order the steps keep their sizes, and which pods they take is chosen at promotion time', () => {
    const base = statefulSet({ name: 'zk', replicas: 3 });
    const sts = { ...base, metadata: { ...base.metadata, annotations: { [RolloutKeys.RESTART_ORDER_ANNOTATION]: 'zookeeper-leader-last' } } };
    const steps = previewPlan(sts, resolvePartitionPlan({ flag: 'canary', replicas: 3, where: 'statefulset/zk' }));
    expect(steps.map((step) => [step.updatedPods, step.moves, step.restarts])).toEqual([[0, [], 0], [1, [], 1], [3, [], 2]]);
    expect(previewRestartOrder(sts)).toBe('one pod at a time: the others by descending ordinal, then the leader, found from the pods\' '
      + 'metrics at promotion time (zookeeper-leader-last; the StatefulSet is OnDelete while it is promoted)');
    expect(previewRestartOrder(base)).toBeUndefined();
  });
});
