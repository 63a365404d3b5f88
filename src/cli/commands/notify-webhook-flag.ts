// `--notify-webhook URL` of `promote` and `controller`, or the KUBECTL_STAGE_NOTIFY_WEBHOOK environment variable (a
// Secret in the controller's Deployment): a chat webhook told of each step failure, rollback and completion. The URL
// is a credential (whoever has a Slack webhook URL may post to the channel), so no message shows it.
import { Option } from 'commander';
import { parseHttpUrl } from './parse-url';
import { RolloutKeys } from '../../keys';

const EXAMPLE = 'https://hooks.slack.com/services/T000/B000/XXXX';

/** The option, for `promote` and `controller`. */
export function notifyWebhookOption(): Option {
  return new Option('--notify-webhook <url>', 'POST a Slack-compatible JSON message to this webhook on a step failure, a rollback '
    + `and completion (default: $${RolloutKeys.NOTIFY_WEBHOOK_ENV})`);
}

/**
 * The webhook: the flag, else the environment variable (empty means none).
 * @throws RuntimeError (`bad-input`) naming the flag or the variable, not the value
 */
export function notifyWebhookUrl(flag: string | undefined, env: Readonly<Record<string, string | undefined>>): string | undefined {
  if (flag !== undefined) {
    return parseHttpUrl(flag, '--notify-webhook', EXAMPLE, true);
  }
  const fromEnv = env[RolloutKeys.NOTIFY_WEBHOOK_ENV];
  return fromEnv === undefined || fromEnv === '' ? undefined : parseHttpUrl(fromEnv, RolloutKeys.NOTIFY_WEBHOOK_ENV, EXAMPLE, true);
}
