import { PartitionPlan } from '../../../src/partition-plan';
import {
  isGenerationObserved, isOnDelete, isOrderedReady, logicalPartition, ordinalsToUpdate, physicalPartition, podsByOrdinal,
  startOrdinal, statefulSetReplicas,
} from '../../../src/runtime/kube/statefulset-facts';
import { pod, statefulSet } from '../kube-fixtures';

describe('statefulset facts', () => {
  test('replicas default to 1, the start ordinal to 0', () => {
    const sts = statefulSet();
    expect(statefulSetReplicas({ ...sts, spec: { ...sts.spec, replicas: undefined } })).toBe(1);
    expect(statefulSetReplicas(statefulSet({ replicas: 5 }))).toBe(5);
    expect(startOrdinal(sts)).toBe(0);
    expect(startOrdinal(statefulSet({ ordinalsStart: 10 }))).toBe(10);
  });

  test('update strategy and pod management policy', () => {
    expect(isOnDelete(statefulSet({ strategy: 'OnDelete' }))).toBe(true);
    expect(isOnDelete(statefulSet())).toBe(false);
    expect(isOrderedReady(statefulSet())).toBe(true);
    expect(isOrderedReady(statefulSet({ podManagementPolicy: 'OrderedReady' }))).toBe(true);
    expect(isOrderedReady(statefulSet({ podManagementPolicy: 'Parallel' }))).toBe(false);
  });

  test('the physical partition is the spec value, 0 when unset', () => {
    expect(physicalPartition(statefulSet())).toBe(0);
    expect(physicalPartition(statefulSet({ strategy: 'OnDelete' }))).toBe(0);
    expect(physicalPartition(statefulSet({ partition: 2 }))).toBe(2);
  });

  test('the pinned staged partition reads back as replicas', () => {
    expect(logicalPartition(statefulSet({ replicas: 3, partition: PartitionPlan.STAGED_PARTITION }))).toBe(3);
    expect(logicalPartition(statefulSet({ replicas: 3, partition: 1 }))).toBe(1);
    expect(logicalPartition(statefulSet({ replicas: 3 }))).toBe(0);
  });

  test('observedGeneration must be set and caught up', () => {
    expect(isGenerationObserved(statefulSet({ generation: 3, observedGeneration: 3 }))).toBe(true);
    expect(isGenerationObserved(statefulSet({ generation: 3, observedGeneration: 2 }))).toBe(false);
    expect(isGenerationObserved(statefulSet({ generation: 1, observedGeneration: 0 }))).toBe(false);
  });

  test('pods by ordinal keep only <set>-<ordinal> pods', () => {
    const pods = [pod({ name: 'web-0' }), pod({ name: 'web-2' }), pod({ name: 'webby-1' }), pod({ name: 'other' })];
    const byOrdinal = podsByOrdinal(statefulSet(), pods);
    expect([...byOrdinal.keys()]).toEqual([0, 2]);
    expect(byOrdinal.get(2)?.metadata.name).toBe('web-2');
  });

  test.each([
    [5, 0, 5, []],
    [5, 0, 4, [4]],
    [5, 0, 2, [4, 3, 2]],
    [5, 0, 0, [4, 3, 2, 1, 0]],
    [3, 10, 1, [12, 11]],
    [3, 0, -1, [2, 1, 0]],
  ])('replicas %d from ordinal %d, partition %d moves ordinals %j, highest first', (replicas, start, partition, ordinals) => {
    expect(ordinalsToUpdate(statefulSet({ replicas, ordinalsStart: start }), partition)).toEqual(ordinals);
  });
});
