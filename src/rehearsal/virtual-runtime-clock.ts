import { RuntimeClock } from '../runtime/clock';
import { VirtualClock } from '../sandbox/clock';

/**
 * The sandbox's VirtualClock as the runtime's RuntimeClock. The two differ in one way: the sandbox's sleep rejects when
 * its signal aborts, the runtime's resolves early (its callers re-read what they waited on), so the rejection is
 * swallowed here.
 */
export function runtimeClockOf(clock: VirtualClock): RuntimeClock {
  return {
    now: () => clock.now(),
    sleep: (ms, signal) => clock.sleep(ms, signal).catch(() => undefined),
  };
}
