// notifyWebhookSecret of StagedRolloutController and of StagedRolloutRunner's Job: the webhook URL (a credential)
// reaches the promoter only as an environment variable read from a Secret key, never inline in the manifest, and the
// CLI reads that variable.
import { Testing } from 'cdk8s';
import { find, Manifest, testChart } from './manifest';
import { RolloutKeys } from '../../src/keys';
import { RuntimeError } from '../../src/runtime/runtime-error';
import { StagedRolloutController, StagedRolloutControllerProps } from '../../src/staged-rollout-controller';
import { PromotionJobOptions, StagedRolloutRunner } from '../../src/staged-rollout-runner';
import { ValidationError } from '../../src/validation-error';
import { runKubectlStage } from '../support/kubectl-stage-run';

const IMAGE = 'registry.example.com/kubectl-stage:1.0.0';

function synth(props: StagedRolloutControllerProps): Manifest[] {
  const chart = testChart('ops');
  new StagedRolloutController(chart, 'controller', props);
  return Testing.synth(chart) as Manifest[];
}

function container(objects: Manifest[]) {
  return find(objects, 'Deployment', 'kubectl-stage-controller').spec.template.spec.containers[0];
}

describe('StagedRolloutController notifyWebhookSecret', () => {
  test('sets KUBECTL_STAGE_NOTIFY_WEBHOOK from the Secret key; no flag carries the URL', () => {
    const objects = synth({ image: IMAGE, notifyWebhookSecret: { secretName: 'slack-webhook', key: 'url' } });
    expect(RolloutKeys.NOTIFY_WEBHOOK_ENV).toBe('KUBECTL_STAGE_NOTIFY_WEBHOOK');
    expect(container(objects).env).toEqual([
      { name: 'KUBECTL_STAGE_NOTIFY_WEBHOOK', valueFrom: { secretKeyRef: { name: 'slack-webhook', key: 'url' } } },
    ]);
    expect(container(objects).args.join(' ')).not.toContain('notify');
  });

  test('without it the container has no environment', () => {
    expect(container(synth({ image: IMAGE })).env).toBeUndefined();
  });

  test.each([
    [{ secretName: 'Slack_Webhook', key: 'url' }, 'notifyWebhookSecret.secretName'],
    [{ secretName: 'slack-webhook', key: 'web hook' }, 'notifyWebhookSecret.key'],
    [{ secretName: 'slack-webhook', key: '..' }, 'notifyWebhookSecret.key'],
    ['https://hooks.slack.com/services/T/B/X', 'notifyWebhookSecret'],
  ])('refuses %j naming %s', (notifyWebhookSecret, property) => {
    let caught: unknown;
    try {
      synth({ image: IMAGE, notifyWebhookSecret } as unknown as StagedRolloutControllerProps);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ValidationError);
    expect((caught as ValidationError).property).toBe(property);
  });

  test('kubectl-stage controller reads the variable the Deployment sets, and refuses a bad one before connecting, without showing it', async () => {
    const args = container(synth({ image: IMAGE, notifyWebhookSecret: { secretName: 'slack-webhook', key: 'url' } })).args;
    const connector = async () => {
      throw new RuntimeError('api', 'the cluster was reached');
    };
    const good = await runKubectlStage(args, { kubeconfig: 'in-cluster', connector, env: { KUBECTL_STAGE_NOTIFY_WEBHOOK: 'https://hooks.slack.com/services/T/B/X' } });
    expect(good).toMatchObject({ code: 6, stderr: 'error: the cluster was reached\n' });
    const bad = await runKubectlStage(args, { kubeconfig: 'in-cluster', connector, env: { KUBECTL_STAGE_NOTIFY_WEBHOOK: 'hooks.slack.com/services/T/B/SECRET' } });
    expect(bad.code).toBe(4);
    expect(bad.stderr).toBe('error: invalid KUBECTL_STAGE_NOTIFY_WEBHOOK (value not shown: it is a credential): expected an absolute http or https URL, '
      + 'for example https://hooks.slack.com/services/T000/B000/XXXX\n');
  });
});

describe('StagedRolloutRunner promotionJob.notifyWebhookSecret', () => {
  function jobContainer(job: Partial<PromotionJobOptions>) {
    const chart = testChart('ops');
    new StagedRolloutRunner(chart, 'runner', { promotionJob: { image: IMAGE, workload: 'sts/kafka', ...job } });
    return find(Testing.synth(chart) as Manifest[], 'Job', 'kubectl-stage-promote').spec.template.spec.containers[0];
  }

  test('sets KUBECTL_STAGE_NOTIFY_WEBHOOK from the Secret key; no argument carries the URL', () => {
    const job = jobContainer({ notifyWebhookSecret: { secretName: 'slack-webhook', key: 'url' } });
    expect(job.env).toEqual([
      { name: 'KUBECTL_STAGE_NOTIFY_WEBHOOK', valueFrom: { secretKeyRef: { name: 'slack-webhook', key: 'url' } } },
    ]);
    expect(job.args.join(' ')).not.toContain('notify');
    expect(jobContainer({}).env).toBeUndefined();
  });

  test.each([
    [{ notifyWebhookSecret: { secretName: 'Slack_Webhook', key: 'url' } }, 'promotionJob.notifyWebhookSecret.secretName'],
    [{ notifyWebhookSecret: { secretName: 'slack-webhook', key: 'web hook' } }, 'promotionJob.notifyWebhookSecret.key'],
    [{ notifyWebhookSecret: 'https://hooks.slack.com/services/T/B/X' }, 'promotionJob.notifyWebhookSecret'],
    // The URL inline in the Job's arguments would put the credential in the manifest.
    [{ extraArgs: ['--notify-webhook', 'https://hooks.slack.com/services/T/B/X'] }, 'promotionJob.extraArgs[0]'],
  ])('refuses %j naming %s', (job, property) => {
    let caught: unknown;
    try {
      jobContainer(job as unknown as Partial<PromotionJobOptions>);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ValidationError);
    expect((caught as ValidationError).property).toBe(property);
  });
});
