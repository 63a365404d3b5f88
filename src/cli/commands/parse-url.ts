// URL flags (`--prometheus`, `--notify-webhook`): an absolute http or https URL, refused with the flag named before
// anything is contacted.
import { RuntimeError } from '../../runtime/runtime-error';

/**
 * Checks that `value` is an absolute http(s) URL.
 *
 * @param example a valid value for the message
 * @param secret the value is a credential (a chat webhook's URL): the message leaves it out
 * @throws RuntimeError (`bad-input`) naming the flag, the value (unless secret) and an example
 */
export function parseHttpUrl(value: string, flag: string, example: string, secret = false): string {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    const shown = secret ? ' (value not shown: it is a credential)' : ` "${value}"`;
    throw new RuntimeError('bad-input', `invalid ${flag}${shown}: expected an absolute http or https URL, for example ${example}`);
  }
  return value;
}
