// `kubectl-stage promote --notify-webhook URL` against the sandbox over HTTP, with a real webhook server on
// 127.0.0.1: the completion, and a failed step with its rollback, arrive as Slack-compatible JSON before the command
// returns; a webhook that fails costs the promotion nothing; a bad URL is refused before the cluster is touched.
import { createServer, IncomingMessage, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { CliKit, startCliKit } from '../support/cli-kit';
import { runKubectlStage } from '../support/kubectl-stage-run';

jest.setTimeout(30_000);

interface Received {
  readonly path: string;
  readonly contentType?: string;
  readonly body: { text: string; blocks: { type: string; text?: { type: string; text: string } }[] };
}

let cli: CliKit;
let server: Server | undefined;
afterEach(async () => {
  await cli?.sandbox.stop();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  server = undefined;
});

/** A webhook on 127.0.0.1 answering `status`, keeping what it received. */
async function startWebhook(status = 200): Promise<{ url: string; received: Received[] }> {
  const received: Received[] = [];
  server = createServer((request: IncomingMessage, response) => {
    let body = '';
    request.on('data', (chunk) => { body += chunk; });
    request.on('end', () => {
      received.push({ path: request.url ?? '', contentType: request.headers['content-type'], body: JSON.parse(body) });
      response.writeHead(status).end(status === 200 ? 'ok' : 'no_service');
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server!.address() as AddressInfo).port}/services/T000/B000/SECRET`, received };
}

async function stagedKafka(image: string): Promise<void> {
  await cli.createStatefulSet('kafka', { replicas: 3, image: 'kafka:1', updateStrategy: 'rolling' });
  expect((await cli.stage(['stage', 'sts/kafka'])).code).toBe(0);
  cli.setImage('kafka', image);
}

test('a completed promotion is announced once, naming the workload, the revision and the image, before promote returns', async () => {
  cli = await startCliKit();
  const webhook = await startWebhook();
  await stagedKafka('kafka:2');
  const result = await cli.stage(['promote', 'sts/kafka', '--plan', 'canary', '--notify-webhook', webhook.url]);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  expect(webhook.received).toHaveLength(1);
  const [message] = webhook.received;
  expect(message.path).toBe('/services/T000/B000/SECRET');
  expect(message.contentType).toBe('application/json');
  // Read right after the image changed, before the StatefulSet controller made the new revision: the image says the change.
  expect(message.body.text).toBe(`Promotion complete: StatefulSet default/kafka: every pod of statefulset/kafka is on revision ${cli.statefulSet('kafka').status?.updateRevision}\n`
    + 'change: images kafka=kafka:2');
  expect(message.body.blocks[0]).toEqual({ type: 'section', text: { type: 'mrkdwn', text: expect.stringMatching(/^:white_check_mark: \*Promotion complete: StatefulSet default\/kafka\*\n/) } });
});

test('a failed step and the rollback are announced in order (the URL may come from KUBECTL_STAGE_NOTIFY_WEBHOOK)', async () => {
  cli = await startCliKit();
  const webhook = await startWebhook();
  await stagedKafka('kafka:bad');
  const running = runKubectlStage(['promote', 'sts/kafka', '--plan', 'canary', '--auto-rollback', '--timeout', '5m'], {
    kubeconfig: cli.sandbox.kubeconfigPath, clock: cli.runtimeClock, env: { KUBECTL_STAGE_NOTIFY_WEBHOOK: webhook.url },
  });
  await cli.runUntil(running);
  const result = await running;
  expect(result.code).toBe(2);
  expect(webhook.received.map((message) => message.body.text.split('\n')[0])).toEqual([
    'Step 1/2 failed (gate failed): StatefulSet default/kafka: pod kafka-2: ImagePullBackOff - Back-off pulling image "kafka:bad"',
    expect.stringMatching(/^Rolling back: StatefulSet default\/kafka: restoring revision kafka-\w+$/),
    expect.stringMatching(/^Rolled back: StatefulSet default\/kafka: rolled back to revision kafka-\w+: /),
  ]);
  expect(webhook.received.every((message) => message.body.text.endsWith('images kafka=kafka:bad'))).toBe(true);
});

test('a webhook that fails is retried, then said on stderr; the promotion and its exit code are unaffected', async () => {
  cli = await startCliKit();
  const webhook = await startWebhook(500);
  await stagedKafka('kafka:2');
  const result = await cli.stage(['promote', 'sts/kafka', '--plan', 'canary', '--notify-webhook', webhook.url]);
  expect(result.code).toBe(0);
  expect(webhook.received).toHaveLength(3);
  expect(result.stderr).toBe('warning: notification not delivered after 3 attempt(s): HTTP 500 from 127.0.0.1:'
    + `${new URL(webhook.url).port}\n`);
  expect(result.stderr).not.toContain('SECRET');
});

test('a --notify-webhook that is not an absolute http(s) URL exits 4 before the cluster is touched, without echoing it', async () => {
  cli = await startCliKit();
  await stagedKafka('kafka:2');
  const result = await cli.stage(['promote', 'sts/kafka', '--notify-webhook', 'hooks.slack.com/services/T/B/SECRET']);
  expect(result).toEqual({
    stdout: '',
    stderr: 'error: invalid --notify-webhook (value not shown: it is a credential): expected an absolute http or https URL, '
      + 'for example https://hooks.slack.com/services/T000/B000/XXXX\n',
    code: 4,
  });
  expect(cli.promotionState('kafka')).toBeUndefined();
});

test('kubectl-stage controller refuses a bad --notify-webhook the same way, before it connects', async () => {
  cli = await startCliKit();
  const result = await cli.stage(['controller', '--notify-webhook', 'ftp://hooks.example/SECRET']);
  expect(result.code).toBe(4);
  expect(result.stderr).toBe('error: invalid --notify-webhook (value not shown: it is a credential): expected an absolute http or https URL, '
    + 'for example https://hooks.slack.com/services/T000/B000/XXXX\n');
});
