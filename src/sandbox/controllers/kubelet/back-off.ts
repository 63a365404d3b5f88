// The kubelet's back-off for image pulls and container restarts: 10 s, doubling, capped at 300 s
// (kubelet `backOffPeriod` and `MaxContainerBackOff`).

/** The first back-off delay. */
export const INITIAL_BACK_OFF_MS = 10_000;

/** The longest back-off delay. */
export const MAX_BACK_OFF_MS = 300_000;

/** The delay after the `failures`-th consecutive failure (1-based). */
export function backOffDelayMs(failures: number): number {
  return Math.min(INITIAL_BACK_OFF_MS * 2 ** Math.max(0, failures - 1), MAX_BACK_OFF_MS);
}
