import { reactionTimes } from '../../bench/reaction-times';

describe('reactionTimes', () => {
  test('measures each partition write from the moment the last pod of the previous step turned Ready', () => {
    // 3 replicas, walk 2 -> 1 -> 0: pod 2 Ready at 500, pod 1 Ready at 1,200.
    const timeline = {
      replicas: 3,
      partitionChanges: [{ partition: 2, at: 100 }, { partition: 1, at: 530 }, { partition: 0, at: 1_260 }],
      readyAt: new Map([[2, 500], [1, 1_200], [0, 1_700]]),
    };
    expect(reactionTimes(timeline)).toEqual([30, 60]);
  });

  test('waits for every pod of a step: the last one to turn Ready counts', () => {
    const timeline = {
      replicas: 100,
      partitionChanges: [{ partition: 90, at: 0 }, { partition: 50, at: 2_045 }],
      readyAt: new Map(Array.from({ length: 10 }, (_, i) => [90 + i, 1_000 + i * 100] as [number, number])),
    };
    expect(reactionTimes(timeline)).toEqual([145]);
  });

  test('a walk with a single write has no reaction to measure', () => {
    expect(reactionTimes({ replicas: 3, partitionChanges: [{ partition: 0, at: 10 }], readyAt: new Map() })).toEqual([]);
  });

  test('rejects a write made before the previous step was Ready, naming the pods', () => {
    const timeline = {
      replicas: 3,
      partitionChanges: [{ partition: 1, at: 0 }, { partition: 0, at: 300 }],
      readyAt: new Map([[2, 200]]),
    };
    expect(() => reactionTimes(timeline)).toThrow('partition 0 was written before pods 1, 2 were all Ready on the new image');
  });
});
