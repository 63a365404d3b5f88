import { resolvePartitionPlan } from '../../../src/runtime/promotion/plan-source';
import { previewPlan } from '../../../src/runtime/statefulset/plan-preview';
import { statefulSet } from '../kube-fixtures';

describe('previewPlan', () => {
  test('the seed\'s Kafka walk: stage, kafka-2, then kafka-1 and kafka-0', () => {
    const sts = statefulSet({ name: 'kafka', replicas: 3 });
    const resolved = resolvePartitionPlan({ flag: 'canary', replicas: 3, where: 'statefulset/kafka' });
    expect(previewPlan(sts, resolved)).toEqual([
      { step: 0, partition: 3, physicalPartition: 32767, updatedPods: 0, moves: [] },
      { step: 1, partition: 2, physicalPartition: 2, updatedPods: 1, moves: [2] },
      { step: 2, partition: 0, physicalPartition: 0, updatedPods: 3, moves: [1, 0] },
    ]);
  });

  test('100 replicas, 100,99,90,50,0, with shifted ordinals', () => {
    const sts = statefulSet({ replicas: 100, ordinalsStart: 5 });
    const steps = previewPlan(sts, resolvePartitionPlan({ flag: '100,99,90,50,0', replicas: 100, where: 'statefulset/web' }));
    expect(steps.map((step) => [step.partition, step.updatedPods, step.moves.length, step.moves[0], step.moves[step.moves.length - 1]]))
      .toEqual([[100, 0, 0, undefined, undefined], [99, 1, 1, 104, 104], [90, 10, 9, 103, 95], [50, 50, 40, 94, 55], [0, 100, 50, 54, 5]]);
  });
});
