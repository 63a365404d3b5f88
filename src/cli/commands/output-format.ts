// `-o/--output`: the text view or NDJSON (and, for `rehearse`, Markdown); anything else is refused as kubectl refuses
// an unknown printer.
import { RuntimeError } from '../../runtime/runtime-error';

/** The output formats a command prints. */
export type OutputFormat = 'text' | 'json';

/**
 * Reads `-o`.
 *
 * @throws RuntimeError (`bad-input`) naming the allowed formats
 */
export function parseOutputFormat(value: string | undefined): OutputFormat {
  return parseFormatOf(value, ['json', 'text']);
}

/**
 * Reads `-o` for a command with its own set of printers; not given means `text`.
 *
 * @param allowed the formats the command prints, `text` among them
 * @throws RuntimeError (`bad-input`) naming the allowed formats, sorted as kubectl lists them
 */
export function parseFormatOf<F extends string>(value: string | undefined, allowed: readonly F[]): F {
  const format = value ?? 'text';
  const known = allowed.find((candidate) => candidate === format);
  if (known === undefined) {
    throw new RuntimeError('bad-input',
      `unable to match a printer suitable for the output format "${value}", allowed formats are: ${[...allowed].sort().join(',')}`);
  }
  return known;
}
