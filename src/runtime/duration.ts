import { RuntimeError } from './runtime-error';
import { durationMsOfText, isDurationProblem } from '../duration-grammar';

/**
 * Parses a duration the way kubectl's flags do (Go's `time.ParseDuration`): `30s`, `5m`, `1h30m`, `1.5h`, `500ms`,
 * or `0`. Returns milliseconds.
 *
 * @param text the flag value
 * @param flag the flag name, for the error message (e.g. `--soak`)
 * @throws RuntimeError (`bad-input`) naming the flag, the value and the valid form
 */
export function parseDuration(text: string, flag: string): number {
  const ms = durationMsOfText(text);
  if (isDurationProblem(ms)) {
    throw new RuntimeError('bad-input', `invalid duration "${text}" for ${flag}: ${ms.problem}`);
  }
  return ms;
}

/**
 * Parses a `--timeout` as kubectl's `rollout status --timeout` reads it: "The length of time to wait before ending
 * watch, zero means never" (staging/src/k8s.io/kubectl/pkg/cmd/rollout/rollout_status.go).
 *
 * @param text the flag value, or undefined when the flag was not given
 * @param flag the flag name, for the error message
 * @returns milliseconds, or undefined for no limit (not given, or zero)
 * @throws RuntimeError (`bad-input`) as {@link parseDuration}
 */
export function parseTimeout(text: string | undefined, flag: string): number | undefined {
  const ms = text === undefined ? 0 : parseDuration(text, flag);
  return ms === 0 ? undefined : ms;
}

/**
 * Formats milliseconds the way Go prints a `time.Duration` rounded to whole seconds (`1h2m3s`, `5m0s`, `45s`),
 * or in milliseconds below one second (`250ms`); zero is `0s`, as Go prints it.
 */
export function formatDuration(ms: number): string {
  if (ms === 0) {
    return '0s';
  }
  if (ms < 0) {
    return `-${formatDuration(-ms)}`;
  }
  if (ms < 1000) {
    return `${Math.round(ms)}ms`;
  }
  const totalSeconds = Math.round(ms / 1000);
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = totalSeconds % 60;
  if (hours > 0) {
    return `${hours}h${minutes}m${seconds}s`;
  }
  if (minutes > 0) {
    return `${minutes}m${seconds}s`;
  }
  return `${seconds}s`;
}
