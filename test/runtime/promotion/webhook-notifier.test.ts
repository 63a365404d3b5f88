// Delivery of promotion messages: in order, retried with back-off on the virtual clock after 429, 5xx and network
// errors (a bounded number of times), given up on at once after another 4xx, never naming the webhook's URL.
import { runtimeClockOf } from '../../../src/rehearsal/virtual-runtime-clock';
import { WebhookFailure, WebhookFetch, WebhookNotifier } from '../../../src/runtime/promotion/webhook-notifier';
import { VirtualClock } from '../../../src/sandbox/clock';

const URL = 'https://hooks.slack.example/services/T000/B000/SECRET';

/** A fetch answering from `answers` in turn (a number: that status; an Error: thrown), recording each call and its virtual time. */
function scriptedFetch(clock: VirtualClock, answers: (number | Error)[]) {
  const calls: { at: number; url: string; body: unknown; headers: Record<string, string> }[] = [];
  const fetch: WebhookFetch = async (url, init) => {
    calls.push({ at: clock.now(), url, body: JSON.parse(init.body), headers: init.headers });
    const answer = answers.shift() ?? 200;
    if (answer instanceof Error) {
      throw answer;
    }
    return { status: answer, headers: { get: (name: string) => (name === 'retry-after' && answer === 429 ? '5' : null) } };
  };
  return { fetch, calls };
}

function setUp(answers: (number | Error)[]) {
  const clock = new VirtualClock();
  const failures: WebhookFailure[] = [];
  const { fetch, calls } = scriptedFetch(clock, answers);
  const notifier = new WebhookNotifier({ url: URL, fetch, clock: runtimeClockOf(clock), onGiveUp: (failure) => failures.push(failure) });
  return { clock, notifier, calls, failures, start: clock.now() };
}

const kafka = { ref: { kind: 'StatefulSet' as const, namespace: 'default', name: 'kafka' } };

describe('WebhookNotifier', () => {
  test('a promotion\'s messages are POSTed as JSON, in order, one after the other; the rest of its events send nothing', async () => {
    const { clock, notifier, calls, failures } = setUp([]);
    const listen = notifier.listener(kafka);
    listen({ type: 'started', at: 0, plan: 'canary', partitions: [2, 0], step: 0, targetStep: 2, resumed: false });
    listen({ type: 'step-started', at: 0, step: 1, partition: 2, ordinals: [2] });
    listen({ type: 'failed', at: 0, step: 1, kind: 'gate-failed', message: 'pod kafka-2 crashed' });
    listen({ type: 'rolling-back', at: 0, revision: 'kafka-1' });
    // A rollback re-decided after a write conflict is announced again by the engine, said once here.
    listen({ type: 'rolling-back', at: 0, revision: 'kafka-1' });
    listen({ type: 'finished', at: 0, phase: 'rolled-back', message: 'rolled back to revision kafka-1' });
    await clock.runUntil(notifier.flush());
    expect(calls.map((call) => (call.body as { text: string }).text)).toEqual([
      'Step 1/2 failed (gate failed): StatefulSet default/kafka: pod kafka-2 crashed',
      'Rolling back: StatefulSet default/kafka: restoring revision kafka-1',
      'Rolled back: StatefulSet default/kafka: rolled back to revision kafka-1',
    ]);
    expect(calls[0].url).toBe(URL);
    expect(calls[0].headers).toEqual({ 'content-type': 'application/json' });
    expect(failures).toEqual([]);
  });

  test('5xx and network errors are retried after 1s then 2s of the runtime clock; a third failure gives the message up', async () => {
    const { clock, notifier, calls, failures, start } = setUp([503, new Error('connect ECONNREFUSED'), 502]);
    notifier.listener(kafka)({ type: 'finished', at: 0, phase: 'complete', message: 'done' });
    await clock.runUntil(notifier.flush());
    expect(calls.map((call) => call.at - start)).toEqual([0, 1000, 3000]);
    expect(failures).toHaveLength(1);
    expect(failures[0].attempts).toBe(3);
    expect(failures[0].error).toBe('HTTP 502 from hooks.slack.example');
    expect((failures[0].message.text)).toBe('Promotion complete: StatefulSet default/kafka: done');
  });

  test('a retried message that gets through is not given up; a 429\'s Retry-After outlasts the back-off', async () => {
    const { clock, notifier, calls, failures, start } = setUp([429, 200]);
    notifier.listener(kafka)({ type: 'finished', at: 0, phase: 'complete', message: 'done' });
    await clock.runUntil(notifier.flush());
    expect(calls.map((call) => call.at - start)).toEqual([0, 5000]);
    expect(failures).toEqual([]);
  });

  test('another 4xx (a revoked webhook, a refused payload) is given up at once; the next message is still sent', async () => {
    const { clock, notifier, calls, failures } = setUp([404, 200]);
    const listen = notifier.listener(kafka);
    listen({ type: 'failed', at: 0, step: 1, kind: 'timed-out', message: 'x' });
    listen({ type: 'finished', at: 0, phase: 'complete', message: 'done' });
    await clock.runUntil(notifier.flush());
    expect(calls).toHaveLength(2);
    expect(failures.map((failure) => [failure.attempts, failure.error])).toEqual([[1, 'HTTP 404 from hooks.slack.example']]);
  });

  test('a network error names the host, never the URL (a Slack webhook URL is a credential)', async () => {
    const { clock, notifier, failures } = setUp([new Error('fetch failed'), new Error('fetch failed'), new Error('fetch failed')]);
    notifier.send({ text: 'x', blocks: [] });
    await clock.runUntil(notifier.flush());
    expect(failures[0].error).toBe('fetch failed (hooks.slack.example)');
    expect(JSON.stringify(failures)).not.toContain('SECRET');
  });

  test('an attempt with no answer within the request timeout is aborted and retried', async () => {
    const clock = new VirtualClock();
    const failures: WebhookFailure[] = [];
    let calls = 0;
    const fetch: WebhookFetch = (_url, init) => {
      calls++;
      return new Promise((_resolve, reject) => init.signal.addEventListener('abort', () => reject(new Error('aborted'))));
    };
    const notifier = new WebhookNotifier({
      url: URL, fetch, clock: runtimeClockOf(clock), attempts: 2, requestTimeoutMs: 1, onGiveUp: (failure) => failures.push(failure),
    });
    notifier.send({ text: 'x', blocks: [] });
    await clock.runUntil(notifier.flush());
    expect(calls).toBe(2);
    expect(failures[0].error).toBe('no answer within 1ms (hooks.slack.example)');
  });
});
