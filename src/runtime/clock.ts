/**
 * The runtime's only source of time. Every wait (soak, backoff, timeouts, lease renewal) goes through it, so tests
 * drive the runtime on virtual time (the sandbox's `VirtualClock` implements this interface structurally).
 */
export interface RuntimeClock {
  /** Milliseconds since the epoch. */
  now(): number;
  /**
   * Resolves after `ms` milliseconds. When `signal` aborts first, the promise resolves early (it never rejects),
   * because every caller re-reads the state it was waiting on anyway.
   */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** The wall clock: `Date.now()` and `setTimeout`. */
export class SystemClock implements RuntimeClock {
  public now(): number {
    return Date.now();
  }

  public sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal?.aborted) {
        resolve();
        return;
      }
      const onAbort = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, Math.max(0, ms));
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}
