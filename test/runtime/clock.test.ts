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
