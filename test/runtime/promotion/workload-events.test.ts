// Promotions leave Kubernetes Events on the workload (what `kubectl describe` lists): each step, a failure, the
// rollback, the end. Written through the Cluster boundary, best effort: an Event that cannot be written fails nothing.
import { KubeEvent } from '../../../src/runtime/kube/kube-types';
import { eventNoteFor, workloadEvent, WorkloadEventRecorder } from '../../../src/runtime/promotion/workload-events';
import { RESOURCES } from '../../../src/sandbox/api';
import { InProcessSandboxKit, startSandboxKit } from '../../support/sandbox-kit';
import { startPromotion } from '../promotion-fixture';

let sandbox: InProcessSandboxKit;
afterEach(() => sandbox?.stop());

const KAFKA = { kind: 'StatefulSet' as const, namespace: 'default', name: 'kafka' };

// Our Events on kafka, oldest first, as `kubectl describe` finds them (by the involved object's fields).
function promotionEvents(): KubeEvent[] {
  const uid = sandbox.statefulSet('kafka').metadata.uid;
  return (sandbox.api.list(RESOURCES.events, {
    namespace: 'default', fieldSelector: `involvedObject.kind=StatefulSet,involvedObject.name=kafka,involvedObject.uid=${uid}`,
  }).items as unknown as KubeEvent[]).filter((event) => event.reportingComponent === 'kubectl-stage')
    .sort((a, b) => a.eventTime.localeCompare(b.eventTime) || (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''));
}

async function stagedKafka(image: string): Promise<void> {
  await sandbox.createStatefulSet('kafka', { replicas: 3, updateStrategy: 'staged' });
  sandbox.setImage('kafka', image);
  await sandbox.runUntil(() => sandbox.statefulSet('kafka').status?.observedGeneration === sandbox.statefulSet('kafka').metadata.generation);
}

test('a complete promotion records each step and the completion on the StatefulSet', async () => {
  sandbox = await startSandboxKit();
  await stagedKafka('kafka:2');
  const promotion = startPromotion(sandbox, { name: 'kafka', plan: 'canary', holder: 'ci/7/s/n' });
  await sandbox.runUntil(promotion.settled);
  expect((await promotion.result()).phase).toBe('complete');
  const events = promotionEvents();
  expect(events.map((event) => [event.type, event.reason, event.message])).toEqual([
    ['Normal', 'PromotionStarted', 'step 0: partition 3 (staged)'],
    ['Normal', 'PromotionStep', 'step 1: partition 2, kafka-2 on the update revision'],
    ['Normal', 'PromotionStep', 'step 2: partition 0, kafka-2, kafka-1, kafka-0 on the update revision'],
    ['Normal', 'PromotionComplete', expect.stringMatching(/^every pod of statefulset\/kafka is on revision kafka-\w+$/)],
  ]);
  expect(events[0]).toMatchObject({
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { namespace: 'default', name: expect.stringMatching(/^kafka\.[0-9a-f]+$/) },
    involvedObject: { apiVersion: 'apps/v1', kind: 'StatefulSet', namespace: 'default', name: 'kafka', uid: sandbox.statefulSet('kafka').metadata.uid },
    action: 'Promote',
    source: { component: 'kubectl-stage' },
    reportingInstance: 'ci/7/s/n',
    count: 1,
  });
});

test('a failed step, its rollback and the end are Warnings', async () => {
  sandbox = await startSandboxKit();
  await stagedKafka('kafka:bad');
  const promotion = startPromotion(sandbox, { name: 'kafka', plan: 'canary', timeoutMs: 600_000, autoRollback: true });
  await sandbox.runUntil(promotion.settled);
  expect((await promotion.result()).phase).toBe('rolled-back');
  expect(promotionEvents().map((event) => [event.type, event.reason, event.action])).toEqual([
    ['Normal', 'PromotionStarted', 'Promote'],
    ['Normal', 'PromotionStep', 'Promote'],
    ['Warning', 'PromotionStepFailed', 'Promote'],
    ['Warning', 'PromotionRollingBack', 'RollBack'],
    ['Warning', 'PromotionRolledBack', 'RollBack'],
  ]);
  expect(promotionEvents()[2].message).toBe('step 1 failed: pod kafka-2: ImagePullBackOff - Back-off pulling image "kafka:bad"');
});

test('Events that cannot be written are dropped: the promotion completes all the same', async () => {
  sandbox = await startSandboxKit();
  await stagedKafka('kafka:2');
  sandbox.cluster.inject({ verb: 'create', kind: 'Event', code: 403, times: 100 });
  const promotion = startPromotion(sandbox, { name: 'kafka', plan: 'canary' });
  await sandbox.runUntil(promotion.settled);
  expect((await promotion.result()).phase).toBe('complete');
  expect(promotionEvents()).toEqual([]);
  expect(sandbox.cluster.calls.filter((call) => call === 'create Event')).toHaveLength(4);
});

test('two recorders noting in the same millisecond both get their Event: a taken name is retried with the next', async () => {
  sandbox = await startSandboxKit();
  const recorders = ['promoter', 'controller'].map((instance) => new WorkloadEventRecorder({
    cluster: sandbox.cluster, clock: sandbox.runtimeClock, ref: KAFKA, workload: () => undefined, instance,
  }));
  recorders.forEach((recorder, index) => recorder.note({ type: 'Normal', reason: `Reason${index}`, action: 'Promote', message: 'same millisecond' }));
  await Promise.all(recorders.map((recorder) => recorder.flush()));
  const events = sandbox.api.list(RESOURCES.events, { namespace: 'default' }).items;
  expect(events.map((event) => event.reason).sort()).toEqual(['Reason0', 'Reason1']);
  expect(new Set(events.map((event) => event.metadata.name)).size).toBe(2);
});

describe('eventNoteFor', () => {
  test('waits, soaks, gates and conflicts are not news', () => {
    for (const event of [
      { type: 'waiting', at: 0, step: 1, blocking: [] },
      { type: 'soak-started', at: 0, step: 1, until: 5 },
      { type: 'conflict', at: 0, message: 'x' },
      { type: 'started', at: 0, plan: 'canary', partitions: [3, 2, 0], step: 0, targetStep: 2, resumed: false },
    ] as const) {
      expect(eventNoteFor(event, KAFKA)).toBeUndefined();
    }
  });

  test('DaemonSet canary steps name their nodes; an aborted or failed end is a Warning', () => {
    expect(eventNoteFor({ type: 'canary-step-started', at: 0, step: 1, nodes: ['node-1'] }, KAFKA)?.message).toBe('step 1: node node-1 on the update revision');
    expect(eventNoteFor({ type: 'finished', at: 0, phase: 'aborted', message: 'aborted by x' }, KAFKA))
      .toEqual({ type: 'Warning', reason: 'PromotionAborted', action: 'Promote', message: 'aborted by x' });
    expect(eventNoteFor({ type: 'finished', at: 0, phase: 'failed', message: 'timed out' }, KAFKA)?.reason).toBe('PromotionFailed');
  });

  test('a step of an ordered restart says how many pods it restarts, not a partition', () => {
    expect(eventNoteFor({ type: 'step-started', at: 0, step: 2, partition: 0, ordinals: [], restarts: 2 }, KAFKA))
      .toEqual({ type: 'Normal', reason: 'PromotionStep', action: 'Promote', message: 'step 2: 2 pods to the new revision, one at a time in order' });
    expect(eventNoteFor({ type: 'step-started', at: 0, step: 0, partition: 3, ordinals: [], restarts: 0 }, KAFKA)?.message)
      .toBe('step 0: staged (OnDelete while promoting, pods restarted in order)');
  });

  test('upstream\'s field limits hold: the message is cut at 1024 characters, the reporting instance at 128', () => {
    const event = workloadEvent(KAFKA, undefined, { type: 'Normal', reason: 'PromotionStep', action: 'Promote', message: 'x'.repeat(2000) },
      Date.UTC(2026, 0, 1), 5n, 'h'.repeat(300));
    expect(event.message).toHaveLength(1024);
    expect(event.reportingInstance).toHaveLength(128);
    expect(event).toMatchObject({ eventTime: '2026-01-01T00:00:00.000000Z', firstTimestamp: '2026-01-01T00:00:00Z', metadata: { name: 'kafka.5' } });
  });
});
