// The engine over real HTTP: @kubernetes/client-node 1.x (kube-cluster.ts) against the sandbox's API server.
import { RolloutKeys } from '../../../src/keys';
import { PartitionPlan } from '../../../src/partition-plan';
import { KubePod } from '../../../src/runtime/kube/kube-types';
import { ManagedFieldsEntry, RESOURCES } from '../../../src/sandbox/api';
import { isReady } from '../../support/pod-readiness';
import { HttpSandboxKit, startSandboxKit } from '../../support/sandbox-kit';
import { imagesOf, partitionsWritten, promoteToEnd } from '../promotion-fixture';

let fixture: HttpSandboxKit;
beforeEach(async () => {
  fixture = await startSandboxKit({ transport: 'http' });
});
afterEach(async () => {
  await fixture.stop();
});

test('the seed\'s Kafka walk with --plan canary: stage, kafka-2, then kafka-1 and kafka-0', async () => {
  await fixture.createStatefulSet('kafka', { replicas: 3, updateStrategy: 'staged' });
  fixture.setImage('kafka', 'kafka:2');
  const { outcome, events } = await promoteToEnd(fixture, { name: 'kafka', plan: 'canary', soakMs: 10_000 });
  expect(outcome).toMatchObject({ phase: 'complete', step: 2 });
  expect(partitionsWritten(events)).toEqual([3, 2, 0]);
  expect(imagesOf(fixture.pods('kafka'))).toEqual({ 'kafka-0': 'kafka:2', 'kafka-1': 'kafka:2', 'kafka-2': 'kafka:2' });
  // list+watch, not polling: a handful of requests per step, whatever the virtual time spent.
  expect(outcome.apiRequests).toBeLessThan(40);
});

test('the promoter writes with server-side apply over HTTP: managedFields show kubectl-stage owning the partition and its state', async () => {
  await fixture.createStatefulSet('kafka', { replicas: 3, updateStrategy: 'staged' });
  fixture.setImage('kafka', 'kafka:2');
  const { outcome } = await promoteToEnd(fixture, { name: 'kafka', plan: 'canary', target: { kind: 'step' } });
  expect(outcome).toMatchObject({ step: 1 });
  const sts = fixture.statefulSet('kafka');
  expect(sts.spec.updateStrategy?.rollingUpdate?.partition).toBe(2);
  const managedFields = (sts.metadata as { managedFields?: ManagedFieldsEntry[] }).managedFields ?? [];
  const promoter = managedFields.filter((entry) => entry.manager === 'kubectl-stage');
  expect(promoter).toEqual([expect.objectContaining({ operation: 'Apply', apiVersion: 'apps/v1' })]);
  expect(promoter[0].fieldsV1).toEqual({
    'f:metadata': { 'f:annotations': { [`f:${RolloutKeys.STATE_ANNOTATION}`]: {} } },
    'f:spec': { 'f:updateStrategy': { 'f:rollingUpdate': { 'f:partition': {} }, 'f:type': {} } },
  });
});

test('a bad-image canary is rolled back over HTTP (strategic merge patch of the ControllerRevision), every pod on the old revision', async () => {
  await fixture.createStatefulSet('kafka', { replicas: 3, updateStrategy: 'staged' });
  fixture.setImage('kafka', 'kafka:bad');
  const previous = fixture.statefulSet('kafka').status?.currentRevision;
  const { outcome, events } = await promoteToEnd(fixture, { name: 'kafka', plan: 'canary', soakMs: 30_000, autoRollback: true });
  expect(outcome.phase).toBe('rolled-back');
  expect(events.find((event) => event.type === 'deleting-stuck-pods')).toMatchObject({ pods: ['kafka-2'] });
  expect(imagesOf(fixture.pods('kafka'))).toEqual({ 'kafka-0': 'kafka:1', 'kafka-1': 'kafka:1', 'kafka-2': 'kafka:1' });
  expect(fixture.pods('kafka').map((pod) => pod.metadata.labels?.['controller-revision-hash'])).toEqual([previous, previous, previous]);
  expect(fixture.statefulSet('kafka').spec.updateStrategy?.rollingUpdate?.partition).toBe(PartitionPlan.STAGED_PARTITION);
  expect(fixture.statefulSet('kafka').status?.updateRevision).toBe(previous);
});

test('watch-driven over HTTP: the next partition is written at the virtual instant the API server shows the canary Ready', async () => {
  await fixture.createStatefulSet('kafka', { replicas: 3, updateStrategy: 'staged' });
  fixture.setImage('kafka', 'kafka:2');
  await fixture.sandbox.runUntil(() => fixture.statefulSet('kafka').status?.updateRevision !== fixture.statefulSet('kafka').status?.currentRevision);
  const updateRevision = fixture.statefulSet('kafka').status?.updateRevision;
  let canaryReadyAt: number | undefined;
  const stop = fixture.sandbox.api.watch(RESOURCES.pods, { namespace: 'default' }, (event) => {
    const pod = event.object as unknown as KubePod;
    if (canaryReadyAt === undefined && pod.metadata.name === 'kafka-2' && pod.metadata.labels?.['controller-revision-hash'] === updateRevision && isReady(pod)) {
      canaryReadyAt = fixture.sandbox.clock.now();
    }
  });
  const { outcome, events } = await promoteToEnd(fixture, { name: 'kafka', plan: 'canary' });
  stop();
  expect(outcome.phase).toBe('complete');
  expect(events.find((event) => event.type === 'step-started' && event.step === 2)?.at).toBe(canaryReadyAt);
});

test('the 100-replica plan 100, 99, 90, 50, 0 over HTTP moves exactly 1, 10, 50 and 100 pods', async () => {
  await fixture.createStatefulSet('kafka', { replicas: 100, updateStrategy: 'staged' });
  fixture.setImage('kafka', 'kafka:2');
  const updatedAtEachStep: number[] = [];
  const { outcome, events } = await promoteToEnd(fixture, {
    name: 'kafka',
    plan: '100,99,90,50,0',
    approveEach: true,
    // Count the pods on the new image each time a step is done and asks to go on.
    approve: async () => {
      updatedAtEachStep.push(Object.values(imagesOf(fixture.pods('kafka'))).filter((image) => image === 'kafka:2').length);
      return true;
    },
  });
  expect(outcome).toMatchObject({ phase: 'complete', step: 4 });
  expect(partitionsWritten(events)).toEqual([100, 99, 90, 50, 0]);
  expect(updatedAtEachStep).toEqual([1, 10, 50]);
  expect(new Set(Object.values(imagesOf(fixture.pods('kafka'))))).toEqual(new Set(['kafka:2']));
}, 120_000);
