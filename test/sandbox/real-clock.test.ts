// RealClock: wall time and Node timers, for people running a sandbox.
import { RealClock } from '../../src/sandbox/clock';

describe('RealClock', () => {
  beforeEach(() => jest.useFakeTimers({ now: new Date('2026-01-01T00:00:00Z') }));
  afterEach(() => jest.useRealTimers());

  test('a timer longer than Node\'s 24.8-day limit fires when due, not at once (a watch with timeoutSeconds of a month)', () => {
    const clock = new RealClock();
    const fired: number[] = [];
    clock.setTimer(30 * 24 * 3_600_000, () => fired.push(Date.now()));
    jest.advanceTimersByTime(1);
    expect(fired).toEqual([]);
    jest.advanceTimersByTime(29 * 24 * 3_600_000);
    expect(fired).toEqual([]);
    jest.advanceTimersByTime(24 * 3_600_000);
    expect(fired).toEqual([Date.parse('2026-01-31T00:00:00Z')]);
  });

  test('a long timer can be cleared in any of its steps', () => {
    const clock = new RealClock();
    const fired: string[] = [];
    const handle = clock.setTimer(60 * 24 * 3_600_000, () => fired.push('long'));
    jest.advanceTimersByTime(40 * 24 * 3_600_000);
    clock.clearTimer(handle);
    jest.advanceTimersByTime(30 * 24 * 3_600_000);
    expect(fired).toEqual([]);
  });
});
