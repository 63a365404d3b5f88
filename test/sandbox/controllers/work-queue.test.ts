import { VirtualClock } from '../../../src/sandbox/clock';
import { RetryableError, WorkQueue } from '../../../src/sandbox/controllers/work-queue';

function queueRecording(clock: VirtualClock, fail: (key: string) => boolean = () => false) {
  const processed: Array<[string, number]> = [];
  const queue = new WorkQueue({
    clock,
    reconcile: (key) => {
      processed.push([key, clock.now()]);
      if (fail(key)) {
        throw new RetryableError(`${key} not ready`);
      }
    },
    isRetryable: (error) => error instanceof RetryableError,
  });
  return { queue, processed };
}

describe('WorkQueue', () => {
  test('a burst of adds of one key causes one reconcile, in first-added order across keys', () => {
    const clock = new VirtualClock(0);
    const { queue, processed } = queueRecording(clock);
    queue.add('default/b');
    queue.add('default/a');
    queue.add('default/b');
    queue.add('default/a');
    expect(processed).toEqual([]);
    clock.advance(0);
    expect(processed).toEqual([['default/b', 0], ['default/a', 0]]);
    expect(queue.length).toBe(0);
  });

  test('addAfter waits on the clock and the earliest pending delay wins', () => {
    const clock = new VirtualClock(0);
    const { queue, processed } = queueRecording(clock);
    queue.addAfter('k', 5_000);
    queue.addAfter('k', 2_000);
    queue.addAfter('k', 9_000);
    expect(queue.length).toBe(1);
    clock.advance(1_999);
    expect(processed).toEqual([]);
    clock.advance(1);
    expect(processed).toEqual([['k', 2_000]]);
    clock.advance(10_000);
    expect(processed).toHaveLength(1);
  });

  test('a retryable failure is retried with doubling back-off until it succeeds', () => {
    const clock = new VirtualClock(0);
    let failuresLeft = 3;
    const { queue, processed } = queueRecording(clock, () => failuresLeft-- > 0);
    queue.add('k');
    clock.advance(1_000);
    expect(processed.map(([, at]) => at)).toEqual([0, 5, 15, 35]);
    expect(queue.length).toBe(0);
  });

  test('a non-retryable error is rethrown', () => {
    const clock = new VirtualClock(0);
    const queue = new WorkQueue({ clock, reconcile: () => { throw new Error('bug'); }, isRetryable: () => false });
    queue.add('k');
    expect(() => clock.advance(0)).toThrow('bug');
  });

  test('stop cancels pending work and ignores later adds', () => {
    const clock = new VirtualClock(0);
    const { queue, processed } = queueRecording(clock);
    queue.add('a');
    queue.addAfter('b', 100);
    queue.stop();
    queue.add('c');
    clock.advance(1_000);
    expect(processed).toEqual([]);
    expect(clock.pendingTimers()).toBe(0);
  });
});
