// The duration grammar of kubectl's flags (Go's time.ParseDuration: `30s`, `5m`, `1h30m`, `1.5h`, `500ms`, or `0`),
// in one place that the constructs (a soak declared with the workload, validated at synth time) and the runtime
// (`kubectl-stage promote --soak`, the annotations the controller reads) both parse with, so the two cannot drift.
// Pure: it returns what is wrong instead of throwing, and each side wraps that in its own error type.

const UNIT_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

// The longest time.Duration Go can hold (int64 nanoseconds, 2562047h47m16.854775807s): time.ParseDuration refuses
// anything longer as an overflow, so kubectl's flags do too.
const MAX_DURATION_MS = 9_223_372_036_854.775;

// One or more "<number><unit>" terms.
const TERM = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/gy;

/** What is wrong with a duration text: the end of a sentence that starts with the value and where it was given. */
export interface DurationProblem {
  readonly problem: string;
}

/**
 * Milliseconds of a Go duration text (rounded to whole milliseconds), or what is wrong with it.
 * @param text the value as written
 */
export function durationMsOfText(text: string): number | DurationProblem {
  const trimmed = text.trim();
  if (trimmed === '0') {
    return 0;
  }
  let total = 0;
  let consumed = 0;
  TERM.lastIndex = 0;
  for (let match = TERM.exec(trimmed); match; match = TERM.exec(trimmed)) {
    total += Number(match[1]) * UNIT_MS[match[2]];
    consumed = TERM.lastIndex;
  }
  if (trimmed.length === 0 || consumed !== trimmed.length) {
    return { problem: 'use a number with a unit (ms, s, m, h), for example 30s, 5m or 1h30m' };
  }
  if (total > MAX_DURATION_MS) {
    return { problem: 'longer than the longest duration kubectl accepts (2562047h47m16s)' };
  }
  return Math.round(total);
}

/** Whether a {@link durationMsOfText} result is a problem. */
export function isDurationProblem(result: number | DurationProblem): result is DurationProblem {
  return typeof result !== 'number';
}
