// The engine over HTTP under the sandbox's injected faults (conflicts, server errors, throttling, dropped watches) and
// against a second promoter.
import { RuntimeError } from '../../../src/runtime/runtime-error';
import { promoteStatefulSet } from '../../../src/runtime/statefulset/partition-promotion';
import { HttpSandboxKit, startSandboxKit } from '../../support/sandbox-kit';
import { imagesOf, promoteToEnd } from '../promotion-fixture';

// Real HTTP round trips under injected faults: seconds of wall time on a busy machine.
jest.setTimeout(30_000);

let fixture: HttpSandboxKit;
beforeEach(async () => {
  fixture = await startSandboxKit({ transport: 'http' });
});
afterEach(async () => {
  await fixture.stop();
});

test('409s, 500s, 429s and dropped watches: the promotion re-reads, backs off, re-watches and is still correct', async () => {
  await fixture.createStatefulSet('kafka', { replicas: 3, updateStrategy: 'staged' });
  fixture.setImage('kafka', 'kafka:2');
  fixture.sandbox.setFaults({ conflictRate: 0.25, serverErrorRate: 0.15, throttleRate: 0.1, dropWatchAfterEvents: 3, seed: 11 });
  const { outcome, events } = await promoteToEnd(fixture, { name: 'kafka', plan: 'canary', soakMs: 10_000 });
  fixture.sandbox.setFaults({});
  expect(outcome.phase).toBe('complete');
  expect(events.some((event) => event.type === 'conflict')).toBe(true);
  expect(events.filter((event) => event.type === 'step-started').map((event) => (event as { partition: number }).partition)).toEqual([3, 2, 0]);
  expect(imagesOf(fixture.pods('kafka'))).toEqual({ 'kafka-0': 'kafka:2', 'kafka-1': 'kafka:2', 'kafka-2': 'kafka:2' });
});

test('two promoters at once: one is refused with lock-held naming the other', async () => {
  await fixture.createStatefulSet('kafka', { replicas: 3, updateStrategy: 'staged' });
  fixture.setImage('kafka', 'kafka:2');
  const workload = { kind: 'StatefulSet' as const, namespace: 'default', name: 'kafka' };
  const common = { cluster: fixture.cluster, clock: fixture.runtimeClock, workload, plan: 'canary', soakMs: 10_000 };
  const first = promoteStatefulSet({ ...common, holder: 'alice/1' });
  const second = promoteStatefulSet({ ...common, holder: 'bob/2' });
  const settled = Promise.allSettled([first, second]);
  await fixture.sandbox.runUntil(settled);
  const results = await settled;
  const refused = results.filter((result): result is PromiseRejectedResult => result.status === 'rejected');
  const completed = results.filter((result) => result.status === 'fulfilled');
  expect(refused).toHaveLength(1);
  expect(completed).toHaveLength(1);
  expect(RuntimeError.is(refused[0].reason, 'lock-held')).toBe(true);
  expect(refused[0].reason.message).toMatch(/^statefulset\/kafka is being promoted by (alice\/1|bob\/2) \(lease default\/statefulset-kafka-stage expires at /);
});
