// Integer flags (`--revision`, `--to-revision`, `--nodes`, `--port`), refused with the flag named when malformed.
import { RuntimeError } from '../../runtime/runtime-error';

/**
 * Parses a whole number.
 *
 * @throws RuntimeError (`bad-input`) naming the flag and the value
 */
export function parseInteger(value: string, flag: string, minimum = Number.MIN_SAFE_INTEGER): number {
  const trimmed = value.trim();
  if (!/^-?\d+$/.test(trimmed) || Number(trimmed) < minimum) {
    throw new RuntimeError('bad-input', `invalid ${flag} "${value}": expected a whole number${minimum > Number.MIN_SAFE_INTEGER ? ` >= ${minimum}` : ''}`);
  }
  return Number(trimmed);
}
