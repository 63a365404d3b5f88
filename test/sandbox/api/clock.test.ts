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

    await expect(clock.runUntil(() => false, { maxVirtualMs: 2_500 })).rejects.toThrow(/condition still false after 2500 ms of virtual time \(at 1970-01-01T00:00:05\.000Z; the next timer is past the limit\)/);
    await expect(new VirtualClock(0).runUntil(() => false)).rejects.toThrow(/no timer pending/);
  });

  test('runUntil names its caller in the error', async () => {
    await expect(new VirtualClock(0).runUntil(() => false, { caller: 'Sandbox.runUntil' }))
      .rejects.toThrow('Sandbox.runUntil: condition still false at 1970-01-01T00:00:00.000Z (no timer pending)');
  });

  test('runUntil with a promise moves virtual time while it is pending, and gives it real time once no timer is left', async () => {
    const clock = new VirtualClock(0);
    let release: (value: string) => void = () => undefined;
    const outside = new Promise<string>((resolve) => { release = resolve; });
    // A client that waits 10 s of virtual time, then for something outside the clock (a process starting up).
    const client = clock.sleep(10_000).then(() => outside);
    let idleTurns = 0;
    const idle = async () => {
      idleTurns++;
      if (clock.now() === 10_000 && clock.pendingTimers() === 0) {
        release('done');
      }
    };
    await clock.runUntil(client, { idle });
    await expect(client).resolves.toBe('done');
    expect(clock.now()).toBe(10_000);
    expect(idleTurns).toBeGreaterThanOrEqual(2);
  });

  test('runUntil with a promise returns once it rejects (the caller awaits it for the error), and fails past maxVirtualMs', async () => {
    const clock = new VirtualClock(0);
    const failing = clock.sleep(1_000).then(() => { throw new Error('client failed'); });
    await clock.runUntil(failing);
    await expect(failing).rejects.toThrow('client failed');

    clock.setTimer(5_000, () => undefined);
    await expect(clock.runUntil(new Promise(() => undefined), { maxVirtualMs: 1_000 }))
      .rejects.toThrow('VirtualClock.runUntil: condition still false after 1000 ms of virtual time (at 1970-01-01T00:00:01.000Z; the next timer is past the limit)');
  });
});
