// The messages a promotion's events become: which events speak, what each names (workload, change, step, reason), and
// what never reaches a channel (Slack markup, secrets in gate URLs).
import { changeOf, webhookMessage, MessageContext, withoutUrlSecrets } from '../../../src/runtime/promotion/webhook-message';

const kafka: MessageContext = {
  ref: { kind: 'StatefulSet', namespace: 'data', name: 'kafka' },
  change: { revision: 'kafka-7d9f', images: ['broker=kafka:3.7.1'] },
  targetStep: 3,
};

describe('webhookMessage', () => {
  test('a step failure names the step, how it failed, the workload, the reason and the change', () => {
    const message = webhookMessage({ type: 'failed', at: 0, step: 2, kind: 'gate-failed', message: 'step 2 failed: gate http=http://probe/ready: HTTP 500' }, kafka);
    expect(message?.text).toBe('Step 2/3 failed (gate failed): StatefulSet data/kafka: gate http=http://probe/ready: HTTP 500\n'
      + 'change: revision kafka-7d9f; images broker=kafka:3.7.1');
    expect(message?.blocks).toEqual([
      { type: 'section', text: { type: 'mrkdwn', text: ':x: *Step 2/3 failed (gate failed): StatefulSet data/kafka*\ngate http=http://probe/ready: HTTP 500' } },
      { type: 'context', elements: [{ type: 'mrkdwn', text: 'change: revision kafka-7d9f; images broker=kafka:3.7.1' }] },
    ]);
    const timedOut = webhookMessage({ type: 'failed', at: 0, step: 1, kind: 'timed-out', message: 'pods not ready' }, { ref: kafka.ref });
    expect(timedOut?.text).toBe('Step 1 failed (timed out): StatefulSet data/kafka: pods not ready');
    expect(timedOut?.blocks).toHaveLength(1);
  });

  test('a rollback is said when it starts and when it is done; completion is said', () => {
    expect(webhookMessage({ type: 'rolling-back', at: 0, revision: 'kafka-5c4b' }, kafka)?.blocks[0])
      .toEqual({ type: 'section', text: { type: 'mrkdwn', text: ':rewind: *Rolling back: StatefulSet data/kafka*\nrestoring revision kafka-5c4b' } });
    expect(webhookMessage({ type: 'finished', at: 0, phase: 'rolled-back', message: 'rolled back to revision kafka-5c4b: step 2 failed' }, kafka)?.text)
      .toBe('Rolled back: StatefulSet data/kafka: rolled back to revision kafka-5c4b: step 2 failed\nchange: revision kafka-7d9f; images broker=kafka:3.7.1');
    expect(webhookMessage({ type: 'finished', at: 0, phase: 'complete', message: 'all 3 pods run revision kafka-7d9f' }, kafka)?.blocks[0])
      .toEqual({ type: 'section', text: { type: 'mrkdwn', text: ':white_check_mark: *Promotion complete: StatefulSet data/kafka*\nall 3 pods run revision kafka-7d9f' } });
  });

  test('progress and a failure\'s own finished event say nothing; the start only when asked', () => {
    const started = { type: 'started', at: 0, plan: 'canary', partitions: [2, 0], step: 0, targetStep: 2, resumed: false } as const;
    expect(webhookMessage(started, kafka)).toBeUndefined();
    expect(webhookMessage(started, kafka, { started: true })?.text).toBe('Promotion started: StatefulSet data/kafka: plan canary, from step 0 to step 2\n'
      + 'change: revision kafka-7d9f; images broker=kafka:3.7.1');
    expect(webhookMessage({ ...started, resumed: true, step: 1 }, kafka, { started: true })?.text).toMatch(/^Promotion resumed: StatefulSet data\/kafka: plan canary, from step 1/);
    expect(webhookMessage({ type: 'finished', at: 0, phase: 'failed', message: 'x' }, kafka)).toBeUndefined();
    expect(webhookMessage({ type: 'finished', at: 0, phase: 'aborted', message: 'x' }, kafka)).toBeUndefined();
    expect(webhookMessage({ type: 'step-started', at: 0, step: 1, partition: 2, ordinals: [2] }, kafka)).toBeUndefined();
    expect(webhookMessage({ type: 'gate-result', at: 0, step: 1, gate: 'g', passed: false, message: 'x' }, kafka)).toBeUndefined();
  });

  test('Slack markup in a reason is escaped, and a long reason is cut under the section limit', () => {
    const message = webhookMessage({ type: 'failed', at: 0, step: 1, kind: 'gate-failed', message: 'exec=test 1 -lt 2 && <!channel>' }, { ref: kafka.ref });
    expect(message?.text).toBe('Step 1 failed (gate failed): StatefulSet data/kafka: exec=test 1 -lt 2 &amp;&amp; &lt;!channel&gt;');
    const long = webhookMessage({ type: 'failed', at: 0, step: 1, kind: 'gate-failed', message: 'x'.repeat(5000) }, { ref: kafka.ref });
    const section = long!.blocks[0] as { text: { text: string } };
    expect(section.text.text.length).toBeLessThan(3000);
    expect(section.text.text.endsWith('…')).toBe(true);
  });

  test('credentials, queries and fragments of URLs in a reason never reach the channel', () => {
    expect(withoutUrlSecrets('gate http=https://user:pw@probe.example/ready?token=s3cret#x failed'))
      .toBe('gate http=https://probe.example/ready[redacted] failed');
    expect(withoutUrlSecrets('prom=up at http://prometheus:9090/api')).toBe('prom=up at http://prometheus:9090/api');
    const message = webhookMessage({ type: 'failed', at: 0, step: 1, kind: 'gate-failed', message: 'http=https://h/x?key=abc: HTTP 500' }, { ref: kafka.ref });
    expect(JSON.stringify(message)).not.toContain('abc');
  });
});

describe('changeOf', () => {
  test('the update revision of a StatefulSet that the controller observed, or the one given, and every container\'s image', () => {
    const workload = {
      metadata: { name: 'kafka', generation: 2 },
      spec: { selector: {}, template: { spec: { containers: [{ name: 'broker', image: 'kafka:3.7.1' }, { name: 'exporter', image: 'jmx:1' }] } } },
      status: { updateRevision: 'kafka-7d9f', observedGeneration: 2 },
    };
    expect(changeOf(workload as never)).toEqual({ revision: 'kafka-7d9f', images: ['broker=kafka:3.7.1', 'exporter=jmx:1'] });
    expect(changeOf(workload as never, '4').revision).toBe('4');
    // The controller has not seen the new template yet: its updateRevision is the previous one's.
    expect(changeOf({ ...workload, status: { updateRevision: 'kafka-5c4b', observedGeneration: 1 } } as never).revision).toBeUndefined();
  });
});
