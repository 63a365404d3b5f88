// A keyed, de-duplicating work queue in the manner of client-go's workqueue: a key added many times
// before it is processed is processed once, keys added with a delay wait on the clock, and a key whose
// reconcile failed is retried with exponential back-off. Everything runs in zero-delay timers on the
// sandbox clock, so a burst of watch events causes one reconcile per object, and a virtual clock
// drives the controllers deterministically.
import type { SandboxClock, TimerHandle } from '../clock';

/**
 * A condition a reconcile cannot get past yet (e.g. a claim still being deleted): the queue retries
 * the key with back-off instead of treating the throw as a bug.
 */
export class RetryableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RetryableError';
  }
}

/** Options of a {@link WorkQueue}. */
export interface WorkQueueOptions {
  /** The clock whose timers run the queue. */
  readonly clock: SandboxClock;
  /** Reconciles one key; throwing requeues the key with back-off when `isRetryable` accepts the error. */
  readonly reconcile: (key: string) => void;
  /** Whether an error thrown by `reconcile` is transient (retried) rather than a bug (rethrown). */
  readonly isRetryable: (error: unknown) => boolean;
  /**
   * The first retry delay; each further failure doubles it.
   * @default 5
   */
  readonly baseRetryDelayMs?: number;
  /**
   * The longest retry delay.
   * @default 1000000
   */
  readonly maxRetryDelayMs?: number;
}

interface DelayedAdd {
  readonly dueAt: number;
  readonly timer: TimerHandle;
}

/** A keyed, de-duplicating work queue driven by the sandbox clock. */
export class WorkQueue {
  private readonly dirty = new Set<string>();
  private readonly delayed = new Map<string, DelayedAdd>();
  private readonly failures = new Map<string, number>();
  private drainTimer: TimerHandle | undefined;
  private stopped = false;

  constructor(private readonly options: WorkQueueOptions) {}

  /** Queues `key` for a reconcile in the next zero-delay timer, unless it is already queued. */
  public add(key: string): void {
    if (this.stopped) {
      return;
    }
    this.dirty.add(key);
    if (this.drainTimer === undefined) {
      this.drainTimer = this.options.clock.setTimer(0, () => this.drain());
    }
  }

  /** Queues `key` after `delayMs`; an earlier pending delayed add of the same key wins. */
  public addAfter(key: string, delayMs: number): void {
    if (this.stopped) {
      return;
    }
    if (delayMs <= 0) {
      this.add(key);
      return;
    }
    const dueAt = this.options.clock.now() + delayMs;
    const pending = this.delayed.get(key);
    if (pending) {
      if (pending.dueAt <= dueAt) {
        return;
      }
      this.options.clock.clearTimer(pending.timer);
    }
    const timer = this.options.clock.setTimer(delayMs, () => {
      this.delayed.delete(key);
      this.add(key);
    });
    this.delayed.set(key, { dueAt, timer });
  }

  /** The number of keys waiting for their next reconcile (delayed keys included). */
  public get length(): number {
    return this.dirty.size + this.delayed.size;
  }

  /** Cancels every pending reconcile; later adds are ignored. */
  public stop(): void {
    this.stopped = true;
    this.dirty.clear();
    if (this.drainTimer !== undefined) {
      this.options.clock.clearTimer(this.drainTimer);
      this.drainTimer = undefined;
    }
    for (const pending of this.delayed.values()) {
      this.options.clock.clearTimer(pending.timer);
    }
    this.delayed.clear();
  }

  private drain(): void {
    this.drainTimer = undefined;
    // Keys added while this batch runs (by the watch events our own writes cause) go to the next
    // zero-delay timer rather than this loop, so one timer callback never runs unbounded.
    const batch = [...this.dirty];
    this.dirty.clear();
    for (const key of batch) {
      if (this.stopped) {
        return;
      }
      this.process(key);
    }
  }

  private process(key: string): void {
    try {
      this.options.reconcile(key);
      this.failures.delete(key);
    } catch (error) {
      if (!this.options.isRetryable(error)) {
        throw error;
      }
      const attempts = (this.failures.get(key) ?? 0) + 1;
      this.failures.set(key, attempts);
      const base = this.options.baseRetryDelayMs ?? 5;
      const max = this.options.maxRetryDelayMs ?? 1_000_000;
      this.addAfter(key, Math.min(base * 2 ** (attempts - 1), max));
    }
  }
}
