// URL flags (`--prometheus`): an absolute http or https URL, refused with the flag named before anything is contacted.
import { RuntimeError } from '../../runtime/runtime-error';

/**
 * Checks that `value` is an absolute http(s) URL.
 *
 * @param example a valid value for the message
 * @throws RuntimeError (`bad-input`) naming the flag, the value and an example
 */
export function parseHttpUrl(value: string, flag: string, example: string): string {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new RuntimeError('bad-input', `invalid ${flag} "${value}": expected an absolute http or https URL, for example ${example}`);
  }
  return value;
}
