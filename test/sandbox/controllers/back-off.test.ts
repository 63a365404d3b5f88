import { backOffDelayMs, INITIAL_BACK_OFF_MS, MAX_BACK_OFF_MS } from '../../../src/sandbox/controllers/kubelet/back-off';

describe('kubelet back-off', () => {
  test('starts at 10 s and doubles per consecutive failure', () => {
    expect([1, 2, 3, 4, 5, 6].map(backOffDelayMs)).toEqual([10_000, 20_000, 40_000, 80_000, 160_000, 300_000]);
  });

  test('is capped at 5 minutes', () => {
    expect(INITIAL_BACK_OFF_MS).toBe(10_000);
    expect(backOffDelayMs(30)).toBe(MAX_BACK_OFF_MS);
    expect(MAX_BACK_OFF_MS).toBe(300_000);
  });
});
