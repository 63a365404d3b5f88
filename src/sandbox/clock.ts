/**
 * The clocks the sandbox runs on: real time for people, virtual time for tests.
 */

// The longest delay Node's setTimeout honours (a signed 32-bit count of milliseconds).
const MAX_TIMER_MS = 2 ** 31 - 1;

/** A handle to a pending timer, returned by `setTimer`. */
export interface TimerHandle {
  /** Unique id of the timer within its clock. */
  readonly id: number;
}

/** The time source and timer service every sandbox component uses. */
export interface SandboxClock {
  /** The current time, in epoch milliseconds. */
  now(): number;
  /** Runs `fn` once after `delayMs` milliseconds. */
  setTimer(delayMs: number, fn: () => void): TimerHandle;
  /** Cancels a pending timer; cancelling a fired or cancelled timer does nothing. */
  clearTimer(handle: TimerHandle): void;
}

/** Wall-clock time and Node timers, for a sandbox that people use interactively. */
export class RealClock implements SandboxClock {
  private nextId = 1;
  private readonly timers = new Map<number, NodeJS.Timeout>();

  /** @inheritdoc */
  public now(): number {
    return Date.now();
  }

  /** @inheritdoc */
  public setTimer(delayMs: number, fn: () => void): TimerHandle {
    const id = this.nextId++;
    const due = Date.now() + Math.max(0, delayMs);
    // Node fires a timer longer than MAX_TIMER_MS at once (a watch's timeoutSeconds of a month would end it at
    // once), so a longer delay is waited in steps.
    const arm = () => {
      const remaining = due - Date.now();
      this.timers.set(id, setTimeout(() => {
        if (remaining > MAX_TIMER_MS) {
          arm();
          return;
        }
        this.timers.delete(id);
        fn();
      }, Math.min(remaining, MAX_TIMER_MS)));
    };
    arm();
    return { id };
  }

  /** @inheritdoc */
  public clearTimer(handle: TimerHandle): void {
    clearTimeout(this.timers.get(handle.id));
    this.timers.delete(handle.id);
  }

  /** Resolves after `ms` of real time, or rejects with the signal's reason when it aborts. */
  public sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return sleepOn(this, ms, signal);
  }
}

/** Options of {@link VirtualClock.runUntil}. */
export interface RunUntilOptions {
  /**
   * The most virtual time to advance before giving up.
   * @default 3_600_000 (one virtual hour)
   */
  readonly maxVirtualMs?: number;
  /**
   * Resolves once out-of-process work (HTTP requests in flight, watch events pending delivery) has settled.
   * @default drains the event loop a few macrotask turns
   */
  readonly idle?: () => Promise<void>;
  /**
   * Who is waiting, as the errors name it (`Sandbox.runUntil: condition still false ...`).
   * @default 'VirtualClock.runUntil'
   */
  readonly caller?: string;
}

// Real time to give an out-of-process client (kubectl) when the virtual clock has nothing left to run.
const EXTERNAL_CLIENT_POLL_MS = 5;

interface VirtualTimer {
  readonly id: number;
  readonly due: number;
  readonly fn: () => void;
}

/** Virtual time that only moves when a test advances it, so tests never sleep. */
export class VirtualClock implements SandboxClock {
  private current: number;
  private nextId = 1;
  private readonly timers = new Map<number, VirtualTimer>();

  /**
   * @param startMs the initial time in epoch milliseconds
   * @default 2024-01-01T00:00:00Z
   */
  constructor(startMs: number = Date.UTC(2024, 0, 1)) {
    this.current = startMs;
  }

  /** @inheritdoc */
  public now(): number {
    return this.current;
  }

  /** @inheritdoc */
  public setTimer(delayMs: number, fn: () => void): TimerHandle {
    const id = this.nextId++;
    this.timers.set(id, { id, due: this.current + Math.max(0, delayMs), fn });
    return { id };
  }

  /** @inheritdoc */
  public clearTimer(handle: TimerHandle): void {
    this.timers.delete(handle.id);
  }

  /** The number of timers that have not fired yet. */
  public pendingTimers(): number {
    return this.timers.size;
  }

  /** Moves time forward by `ms`, running every timer that falls due (including timers those timers schedule) in time order. */
  public advance(ms: number): void {
    if (!(ms >= 0)) {
      throw new Error(`VirtualClock.advance: ms must be a number >= 0, got ${ms}`);
    }
    const target = this.current + ms;
    for (let timer = this.earliest(); timer && timer.due <= target; timer = this.earliest()) {
      this.fire(timer);
    }
    this.current = target;
  }

  /** Jumps to the earliest pending timer and runs it (and any timer due at the same instant); false when none is pending. */
  public advanceToNextTimer(): boolean {
    const timer = this.earliest();
    if (!timer) {
      return false;
    }
    this.advance(timer.due - this.current);
    return true;
  }

  /** Resolves after `ms` of virtual time, or rejects with the signal's reason when it aborts. */
  public sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return sleepOn(this, ms, signal);
  }

  /**
   * Alternates between letting asynchronous work settle (`options.idle`) and advancing to the next timer until
   * `until()` holds or the promise `until` settles (either way: the caller awaits the promise for its outcome).
   * Rejects when the next timer is past `maxVirtualMs` of virtual time, or when no timer is left and `until` is a
   * function. With a promise and no timer left it gives the client real time: a client in another process (kubectl)
   * may still be starting up, and nothing happens in virtual time until it sends a request.
   */
  public async runUntil(until: (() => boolean) | Promise<unknown>, options: RunUntilOptions = {}): Promise<void> {
    const maxVirtualMs = options.maxVirtualMs ?? 3_600_000;
    const deadline = this.current + maxVirtualMs;
    const idle = options.idle ?? drainEventLoop;
    const caller = options.caller ?? 'VirtualClock.runUntil';
    const condition = conditionOf(until);
    for (;;) {
      await idle();
      if (condition.holds()) {
        return;
      }
      const next = this.earliest();
      if (!next) {
        if (!condition.settling) {
          throw new Error(`${caller}: condition still false at ${new Date(this.current).toISOString()} (no timer pending)`);
        }
        await Promise.race([condition.settling, new Promise((resolve) => setTimeout(resolve, EXTERNAL_CLIENT_POLL_MS))]);
        continue;
      }
      if (next.due > deadline) {
        throw new Error(`${caller}: condition still false after ${maxVirtualMs} ms of virtual time `
          + `(at ${new Date(this.current).toISOString()}; the next timer is past the limit)`);
      }
      this.advanceToNextTimer();
    }
  }

  private earliest(): VirtualTimer | undefined {
    let earliest: VirtualTimer | undefined;
    for (const timer of this.timers.values()) {
      // Ties fire in scheduling order (ids increase), as Node does for equal delays.
      if (!earliest || timer.due < earliest.due) {
        earliest = timer;
      }
    }
    return earliest;
  }

  private fire(timer: VirtualTimer): void {
    this.timers.delete(timer.id);
    this.current = Math.max(this.current, timer.due);
    timer.fn();
  }
}

function sleepOn(clock: SandboxClock, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clock.clearTimer(handle);
      reject(signal!.reason);
    };
    const handle = clock.setTimer(ms, () => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    });
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

// A condition as a check, and for a promise also the promise itself (settled either way) to wait on in real time.
function conditionOf(until: (() => boolean) | Promise<unknown>): { holds: () => boolean; settling?: Promise<void> } {
  if (typeof until === 'function') {
    return { holds: until };
  }
  let settled = false;
  const settling = Promise.resolve(until).then(() => { settled = true; }, () => { settled = true; });
  return { holds: () => settled, settling };
}

/** A few macrotask turns: enough for resolved promises and queued I/O callbacks of in-process clients to run. */
async function drainEventLoop(): Promise<void> {
  for (let turn = 0; turn < 5; turn++) {
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}
