// `-o/--output`: the text view or NDJSON; anything else is refused as kubectl refuses an unknown printer.
import { RuntimeError } from '../../runtime/runtime-error';

/** The output formats a command prints. */
export type OutputFormat = 'text' | 'json';

/**
 * Reads `-o`.
 *
 * @throws RuntimeError (`bad-input`) naming the allowed formats
 */
export function parseOutputFormat(value: string | undefined): OutputFormat {
  if (value === undefined || value === 'text') {
    return 'text';
  }
  if (value === 'json') {
    return 'json';
  }
  throw new RuntimeError('bad-input', `unable to match a printer suitable for the output format "${value}", allowed formats are: json,text`);
}
