import { SystemClock } from '../../src/runtime/clock';

describe('SystemClock', () => {
  test('sleep resolves at once when the signal already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(new SystemClock().sleep(3_600_000, controller.signal)).resolves.toBeUndefined();
  });

  test('sleep resolves early (without rejecting) when the signal aborts', async () => {
    const controller = new AbortController();
    const sleeping = new SystemClock().sleep(3_600_000, controller.signal);
    controller.abort();
    await expect(sleeping).resolves.toBeUndefined();
  });

  test('now is the epoch time in milliseconds', () => {
    const before = Date.now();
    const now = new SystemClock().now();
    expect(now).toBeGreaterThanOrEqual(before);
  });
});

describe('SystemClock with long sleeps', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  test('a sleep longer than a Node timer can hold (2^31-1 ms, about 24.8 days) lasts its full length', async () => {
    const thirtyDays = 30 * 24 * 3_600_000;
    let woke = false;
    const sleeping = new SystemClock().sleep(thirtyDays).then(() => { woke = true; });
    await jest.advanceTimersByTimeAsync(1000);
    expect(woke).toBe(false);
    await jest.advanceTimersByTimeAsync(thirtyDays - 2000);
    expect(woke).toBe(false);
    await jest.advanceTimersByTimeAsync(1000);
    await sleeping;
    expect(woke).toBe(true);
  });

  test('an abort ends a long sleep in any of its chunks', async () => {
    const controller = new AbortController();
    const sleeping = new SystemClock().sleep(60 * 24 * 3_600_000, controller.signal);
    await jest.advanceTimersByTimeAsync(2 ** 31);
    controller.abort();
    await expect(sleeping).resolves.toBeUndefined();
    expect(jest.getTimerCount()).toBe(0);
  });
});
