import { VirtualClock } from '../../../src/sandbox/clock';

describe('VirtualClock', () => {
  test('advance runs due timers in time order, including timers scheduled by timers', () => {
    const clock = new VirtualClock(1_000);
    const fired: string[] = [];
    clock.setTimer(30, () => fired.push(`b@${clock.now()}`));
    clock.setTimer(10, () => {
      fired.push(`a@${clock.now()}`);
      clock.setTimer(5, () => fired.push(`c@${clock.now()}`));
    });
    clock.setTimer(100, () => fired.push('late'));

    clock.advance(50);

    expect(fired).toEqual(['a@1010', 'c@1015', 'b@1030']);
    expect(clock.now()).toBe(1_050);
    expect(clock.pendingTimers()).toBe(1);
  });

  test('timers due at the same instant fire in scheduling order; cleared timers never fire', () => {
    const clock = new VirtualClock(0);
    const fired: number[] = [];
    clock.setTimer(5, () => fired.push(1));
    const cleared = clock.setTimer(5, () => fired.push(2));
    clock.setTimer(5, () => fired.push(3));
    clock.clearTimer(cleared);

    expect(clock.advanceToNextTimer()).toBe(true);
    expect(fired).toEqual([1, 3]);
    expect(clock.now()).toBe(5);
    expect(clock.advanceToNextTimer()).toBe(false);
  });

  test('advance rejects a negative step', () => {
    expect(() => new VirtualClock().advance(-1)).toThrow(/ms must be a number >= 0, got -1/);
  });

  test('sleep resolves on virtual time and rejects when aborted', async () => {
    const clock = new VirtualClock(0);
    const slept = clock.sleep(1_000);
    clock.advance(1_000);
    await expect(slept).resolves.toBeUndefined();

    const controller = new AbortController();
    const aborted = clock.sleep(1_000, controller.signal);
    controller.abort(new Error('stop'));
    await expect(aborted).rejects.toThrow('stop');
    expect(clock.pendingTimers()).toBe(0);
  });

  test('runUntil advances timer by timer until the predicate holds, and fails when nothing is left to run', async () => {
    const clock = new VirtualClock(0);
    let ticks = 0;
    const tick = () => {
      ticks++;
      clock.setTimer(1_000, tick);
    };
    clock.setTimer(1_000, tick);

    await clock.runUntil(() => ticks === 3);
    expect(clock.now()).toBe(3_000);

    await expect(clock.runUntil(() => false, { maxVirtualMs: 2_500 })).rejects.toThrow(/past the 2500 ms limit/);
    await expect(new VirtualClock(0).runUntil(() => false)).rejects.toThrow(/no timer pending/);
  });
});
