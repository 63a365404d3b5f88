// Integer flags (`--revision`, `--to-revision`, `--nodes`, `--port`), refused with the flag named when malformed.
import { RuntimeError } from '../../runtime/runtime-error';

/**
 * Parses a whole number within `minimum` and `maximum` (inclusive).
 *
 * @param minimum the smallest value accepted @default no bound
 * @param maximum the largest value accepted @default no bound
 * @throws RuntimeError (`bad-input`) naming the flag and the value
 */
export function parseInteger(value: string, flag: string, minimum = Number.MIN_SAFE_INTEGER, maximum = Number.MAX_SAFE_INTEGER): number {
  const trimmed = value.trim();
  if (!/^-?\d+$/.test(trimmed) || Number(trimmed) < minimum || Number(trimmed) > maximum) {
    const range = maximum < Number.MAX_SAFE_INTEGER ? ` from ${minimum} to ${maximum}` : minimum > Number.MIN_SAFE_INTEGER ? ` >= ${minimum}` : '';
    throw new RuntimeError('bad-input', `invalid ${flag} "${value}": expected a whole number${range}`);
  }
  return Number(trimmed);
}
