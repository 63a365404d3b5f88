// The controller's webhook notifications (in-process sandbox, virtual clock): each promotion it runs tells the webhook
// of its completion, or of its failed step and the rollback, naming the workload and the revision it rolled out; a
// webhook that keeps failing costs the promotion nothing and is counted.
import { RolloutKeys } from '../../../src/keys';
import { ControllerLogEntry } from '../../../src/runtime/controller/controller-log';
import { PromotionController } from '../../../src/runtime/controller/promotion-controller';
import { WebhookFetch } from '../../../src/runtime/promotion/webhook-notifier';
import { RESOURCES } from '../../../src/sandbox/api';
import { PodFailureMode } from '../../../src/sandbox/controllers';
import { isReady } from '../../support/pod-readiness';
import { InProcessSandboxKit, startSandboxKit } from '../../support/sandbox-kit';
import { statefulSetManifest } from '../../support/workload-manifests';

const WEBHOOK = 'https://hooks.slack.example/services/T/B/SECRET';

let sandbox: InProcessSandboxKit;
let controller: PromotionController | undefined;
afterEach(async () => {
  await controller?.stop();
  controller = undefined;
  await sandbox?.stop();
});

async function stagedStatefulSet(name: string, annotations: Record<string, string>): Promise<void> {
  const manifest = statefulSetManifest(name, { replicas: 3, updateStrategy: 'staged' });
  sandbox.api.create(RESOURCES.statefulSets, { ...manifest, metadata: { ...manifest.metadata, annotations } });
  await sandbox.runUntil(() => sandbox.pods(name).length === 3 && sandbox.pods(name).every(isReady));
}

/** A webhook answering `status` to every POST, keeping the texts it received. */
function webhook(status: number) {
  const texts: string[] = [];
  const fetch: WebhookFetch = async (url, init) => {
    expect(url).toBe(WEBHOOK);
    texts.push((JSON.parse(init.body) as { text: string }).text);
    return { status };
  };
  return { fetch, texts };
}

async function startController(fetch: WebhookFetch, log: ControllerLogEntry[] = []): Promise<PromotionController> {
  controller = new PromotionController({
    cluster: sandbox.cluster,
    clock: sandbox.runtimeClock,
    namespace: 'default',
    holder: 'controller-a',
    notifyWebhook: { url: WEBHOOK, fetch },
    log: (entry) => log.push(entry),
  });
  await sandbox.runUntil(controller.start());
  return controller;
}

describe('PromotionController notifications', () => {
  test('a promotion the controller completes is announced once, with the workload and the revision and image it rolled out', async () => {
    sandbox = await startSandboxKit();
    await stagedStatefulSet('kafka', { [RolloutKeys.PLAN_ANNOTATION]: 'canary' });
    const { fetch, texts } = webhook(200);
    const running = await startController(fetch);
    sandbox.setImage('kafka', 'kafka:2');
    await sandbox.runUntil(() => texts.length === 1 && running.promoting.length === 0, 600_000);
    const revision = sandbox.statefulSet('kafka').status?.updateRevision;
    expect(texts).toEqual([expect.stringMatching(new RegExp(`^Promotion complete: StatefulSet default/kafka: .*\nchange: revision ${revision}; images \\w+=kafka:2$`))]);
  });

  test('a failed step and its rollback are announced in order; a webhook that answers 500 is retried, counted and never fails the promotion', async () => {
    sandbox = await startSandboxKit({ kubelet: { failureRules: [{ mode: PodFailureMode.NEVER_READY, image: 'kafka:bad' }] } });
    await stagedStatefulSet('kafka', {
      [RolloutKeys.PLAN_ANNOTATION]: 'canary', [RolloutKeys.STEP_TIMEOUT_ANNOTATION]: '2m', [RolloutKeys.AUTO_ROLLBACK_ANNOTATION]: 'true',
    });
    const { fetch, texts } = webhook(500);
    const log: ControllerLogEntry[] = [];
    const running = await startController(fetch, log);
    sandbox.setImage('kafka', 'kafka:bad');
    await sandbox.runUntil(() => running.metrics.value('staged_rollouts_notifications_failed_total') === 3, 600_000);
    expect(running.metrics.value('staged_rollouts_promotions_total', { kind: 'StatefulSet', phase: 'rolled-back' })).toBe(1);
    expect(sandbox.promotionState('kafka')?.phase).toBe('rolled-back');
    // Three messages, each sent three times.
    const sent = texts.filter((text, index) => texts.indexOf(text) === index);
    expect(texts).toHaveLength(9);
    expect(sent.map((text) => text.split('\n')[0])).toEqual([
      expect.stringMatching(/^Step 1\/2 failed \(timed out\): StatefulSet default\/kafka: step 1 timed out after 2m0s waiting for kafka-2 not Ready$/),
      expect.stringMatching(/^Rolling back: StatefulSet default\/kafka: restoring revision kafka-\w+$/),
      expect.stringMatching(/^Rolled back: StatefulSet default\/kafka: rolled back to revision kafka-\w+/),
    ]);
    const failures = log.filter((entry) => entry.msg === 'notification failed');
    expect(failures).toHaveLength(3);
    expect(failures[0]).toMatchObject({ level: 'warning', attempts: 3, error: 'HTTP 500 from hooks.slack.example' });
    expect(JSON.stringify(log)).not.toContain('SECRET');
  });
});
