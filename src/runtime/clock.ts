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

/**
 * The longest delay a Node timer holds (about 24.8 days): a longer one overflows and fires after 1 ms, which turned a
 * 600h wait into a busy loop. SystemClock sleeps longer in chunks of at most this.
 */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** The wall clock: `Date.now()` and `setTimeout`, in chunks a Node timer can hold. */
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
      const until = Date.now() + (ms > 0 ? ms : 0);
      let timer: ReturnType<typeof setTimeout> | undefined;
      const onAbort = () => {
        clearTimeout(timer);
        resolve();
      };
      const wait = () => {
        const left = until - Date.now();
        if (left <= 0 && timer !== undefined) {
          signal?.removeEventListener('abort', onAbort);
          resolve();
          return;
        }
        timer = setTimeout(wait, Math.min(Math.max(0, left), MAX_TIMER_MS));
      };
      wait();
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}
