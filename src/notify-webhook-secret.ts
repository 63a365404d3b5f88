// The Secret key a chat webhook's URL is read from, for the promoters the constructs run (the controller's Deployment,
// the runner's Job): whoever has a Slack-compatible webhook URL may post to its channel, so the URL is a credential and
// never appears in a manifest; the container reads it into the variable `kubectl-stage` takes it from.
import * as kplus from 'cdk8s-plus-28';
import { IConstruct } from 'constructs';
import { RolloutKeys } from './keys';
import { requireSecretKey, requireSubdomain } from './prop-validation';
import { ValidationError } from './validation-error';

/** The key of a Secret, in the promoter's namespace, that holds the URL of a chat webhook. */
export interface NotifyWebhookSecret {
  /** Name of the Secret. */
  readonly secretName: string;
  /** Key in the Secret whose value is the webhook's URL. */
  readonly key: string;
}

/**
 * The environment of a container that notifies through `secret` (none without one), after checking `secret`.
 *
 * @throws ValidationError naming `prop` when the Secret's name or key would be refused by the API server
 */
export function notifyWebhookEnv(scope: IConstruct, prop: string, secret: NotifyWebhookSecret | undefined): kplus.k8s.EnvVar[] | undefined {
  if (secret === undefined) {
    return undefined;
  }
  if (typeof secret !== 'object' || secret === null) {
    throw new ValidationError(scope, prop, secret, 'name the Secret key holding the webhook URL: { secretName, key }');
  }
  requireSubdomain(scope, `${prop}.secretName`, secret.secretName);
  requireSecretKey(scope, `${prop}.key`, secret.key);
  return [{ name: RolloutKeys.NOTIFY_WEBHOOK_ENV, valueFrom: { secretKeyRef: { name: secret.secretName, key: secret.key } } }];
}
