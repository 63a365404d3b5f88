// The engine end to end against the in-process sandbox (real store, controllers and kubelets on a VirtualClock).
import { PartitionPlan } from '../../../src/partition-plan';
import { Cluster, ClusterKind, ClusterWatchEvent, ClusterWatchOptions } from '../../../src/runtime/cluster/cluster';
import { ClusterDecorator, ClusterRequest } from '../../../src/runtime/cluster/cluster-decorator';
import { RetryingCluster } from '../../../src/runtime/cluster/retrying-cluster';
import { parseGate } from '../../../src/runtime/promotion/gate-spec';
import { controlPromotion } from '../../../src/runtime/promotion/promotion-control';
import { leaseNameFor } from '../../../src/runtime/promotion/promotion-lock';
import { RuntimeError } from '../../../src/runtime/runtime-error';
import { ManagedFieldsEntry, RESOURCES } from '../../../src/sandbox/api';
import { PodFailureMode, POD_FAILURE_ANNOTATION } from '../../../src/sandbox/controllers';
import { InProcessCluster } from '../../support/in-process-cluster';
import { isReady } from '../../support/pod-readiness';
import { InProcessSandboxKit, startSandboxKit } from '../../support/sandbox-kit';
import { imagesOf, partitionsWritten, startPromotion } from '../promotion-fixture';

const KAFKA = { kind: 'StatefulSet' as const, namespace: 'default', name: 'kafka' };

let sandbox: InProcessSandboxKit;
afterEach(() => sandbox?.stop());

async function stagedKafka(replicas = 3, image = 'kafka:2', podAnnotations?: Record<string, string>): Promise<void> {
  await sandbox.createStatefulSet('kafka', { replicas, updateStrategy: 'staged' });
  sandbox.setImage('kafka', image, { podAnnotations });
  await sandbox.runUntil(() => sandbox.statefulSet('kafka').status?.observedGeneration === sandbox.statefulSet('kafka').metadata.generation);
}

describe('promoteStatefulSet', () => {
  test('the seed\'s Kafka walk with --plan canary: stage, kafka-2, then kafka-1 and kafka-0', async () => {
    sandbox = await startSandboxKit();
    await stagedKafka();
    const oldRevision = sandbox.statefulSet('kafka').status!.currentRevision;
    const promotion = startPromotion(sandbox, { name: 'kafka', plan: 'canary', soakMs: 30_000 });
    await sandbox.runUntil(promotion.settled);
    const outcome = await promotion.result();
    expect(outcome).toMatchObject({ phase: 'complete', step: 2, message: `every pod of statefulset/kafka is on revision ${sandbox.statefulSet('kafka').status!.updateRevision}` });
    expect(partitionsWritten(promotion.events)).toEqual([3, 2, 0]);
    expect(promotion.events.filter((event) => event.type === 'soak-started').map((event) => (event as { step: number }).step)).toEqual([1, 2]);
    expect(imagesOf(sandbox.pods('kafka'))).toEqual({ 'kafka-0': 'kafka:2', 'kafka-1': 'kafka:2', 'kafka-2': 'kafka:2' });
    expect(sandbox.promotionState('kafka')).toMatchObject({ phase: 'complete', step: 2, plan: 'canary', previousRevision: oldRevision });
    // The partition and the state were server-side applies: the promoter's Apply entry owns them.
    expect((sandbox.statefulSet('kafka').metadata as { managedFields?: ManagedFieldsEntry[] }).managedFields).toContainEqual(expect.objectContaining({
      manager: 'kubectl-stage',
      operation: 'Apply',
      fieldsV1: expect.objectContaining({ 'f:spec': { 'f:updateStrategy': { 'f:rollingUpdate': { 'f:partition': {} }, 'f:type': {} } } }),
    }));
    expect(sandbox.promotionState('kafka')!.gates.map((record) => `${record.step}:${record.gate}:${record.passed}`))
      .toEqual(['0:built-in:true', '1:built-in:true', '1:soak:true', '2:built-in:true', '2:soak:true']);
    // The Lease is released for the next promoter.
    expect(sandbox.api.get(RESOURCES.leases, 'default', leaseNameFor(KAFKA))?.spec.holderIdentity).toBe('');
  });

  test('watch-driven: the next partition is written at the virtual instant the API server shows the last gating pod Ready', async () => {
    sandbox = await startSandboxKit();
    await stagedKafka();
    const updateRevision = sandbox.statefulSet('kafka').status!.updateRevision;
    let canaryReadyAt: number | undefined;
    const stopWatching = sandbox.api.watch(RESOURCES.pods, { namespace: 'default' }, (event) => {
      const pod = event.object;
      if (canaryReadyAt === undefined && pod.metadata.name === 'kafka-2' && pod.metadata.labels?.['controller-revision-hash'] === updateRevision
        && isReady(pod as never)) {
        canaryReadyAt = sandbox.clock.now();
      }
    });
    const promotion = startPromotion(sandbox, { name: 'kafka', plan: 'canary' });
    await sandbox.runUntil(promotion.settled);
    stopWatching();
    expect((await promotion.result()).phase).toBe('complete');
    const nextStep = promotion.events.find((event) => event.type === 'step-started' && event.step === 2)!;
    expect(nextStep.at).toBe(canaryReadyAt);
  });

  test('a bad-image canary fails its step and is rolled back, escaping the forced-rollback trap', async () => {
    sandbox = await startSandboxKit();
    await stagedKafka(3, 'kafka:bad');
    const previous = sandbox.statefulSet('kafka').status!.currentRevision;
    const promotion = startPromotion(sandbox, { name: 'kafka', plan: 'canary', soakMs: 60_000, timeoutMs: 600_000, autoRollback: true });
    await sandbox.runUntil(promotion.settled);
    const outcome = await promotion.result();
    expect(outcome.phase).toBe('rolled-back');
    expect(outcome.message).toMatch(/^rolled back to revision kafka-\w+: step 1 failed: pod kafka-2: ImagePullBackOff - Back-off pulling image "kafka:bad"$/);
    const failed = promotion.events.find((event) => event.type === 'failed');
    expect(failed).toMatchObject({ step: 1, kind: 'gate-failed' });
    expect(promotion.events.find((event) => event.type === 'deleting-stuck-pods')).toMatchObject({ pods: ['kafka-2'] });
    expect(imagesOf(sandbox.pods('kafka'))).toEqual({ 'kafka-0': 'kafka:1', 'kafka-1': 'kafka:1', 'kafka-2': 'kafka:1' });
    expect(sandbox.pods('kafka').map((pod) => pod.metadata.labels?.['controller-revision-hash'])).toEqual([previous, previous, previous]);
    expect(sandbox.statefulSet('kafka').spec.updateStrategy?.rollingUpdate?.partition).toBe(PartitionPlan.STAGED_PARTITION);
    expect(sandbox.promotionState('kafka')).toMatchObject({ phase: 'rolled-back', previousRevision: previous });
  });

  test('a crash-looping canary is detected before it is Ready and rolled back', async () => {
    sandbox = await startSandboxKit();
    await stagedKafka(3, 'kafka:2', { [POD_FAILURE_ANNOTATION]: PodFailureMode.CRASH_LOOP });
    const promotion = startPromotion(sandbox, { name: 'kafka', plan: 'canary', soakMs: 60_000, autoRollback: true });
    await sandbox.runUntil(promotion.settled);
    const outcome = await promotion.result();
    expect(outcome.phase).toBe('rolled-back');
    expect(outcome.message).toContain('step 1 failed: pod kafka-2: CrashLoopBackOff - back-off');
    expect(imagesOf(sandbox.pods('kafka'))).toEqual({ 'kafka-0': 'kafka:1', 'kafka-1': 'kafka:1', 'kafka-2': 'kafka:1' });
  });

  test('a canary that loses readiness during the soak (infant mortality) is rolled back', async () => {
    sandbox = await startSandboxKit({
      nodes: 3,
      kubelet: {
        failureRules: [{ mode: PodFailureMode.FLAPPING_READINESS, image: 'kafka:2', readyForMs: 20_000, unreadyForMs: 10_000 }],
      },
    });
    await stagedKafka();
    const promotion = startPromotion(sandbox, { name: 'kafka', plan: 'canary', soakMs: 120_000, autoRollback: true });
    await sandbox.runUntil(promotion.settled);
    const outcome = await promotion.result();
    expect(promotion.events.map((event) => event.type)).toContain('soak-started');
    expect(outcome.phase).toBe('rolled-back');
    expect(outcome.message).toContain('infant mortality during the soak of step 1: pod kafka-2 lost readiness during the soak');
    expect(imagesOf(sandbox.pods('kafka'))).toEqual({ 'kafka-0': 'kafka:1', 'kafka-1': 'kafka:1', 'kafka-2': 'kafka:1' });
  });

  test('--to 2 stops at the first step with two pods on the new revision; a later run goes on with the same plan', async () => {
    sandbox = await startSandboxKit();
    await stagedKafka();
    const partial = startPromotion(sandbox, { name: 'kafka', plan: 'linear:1', target: { kind: 'to', value: '2' } });
    await sandbox.runUntil(partial.settled);
    expect(await partial.result()).toMatchObject({ phase: 'complete', step: 2, message: 'step 2 of 3 complete' });
    expect(imagesOf(sandbox.pods('kafka'))).toEqual({ 'kafka-0': 'kafka:1', 'kafka-1': 'kafka:2', 'kafka-2': 'kafka:2' });
    const finish = startPromotion(sandbox, { name: 'kafka', target: { kind: 'all' } });
    await sandbox.runUntil(finish.settled);
    expect(await finish.result()).toMatchObject({ phase: 'complete', step: 3 });
    expect(finish.events[0]).toMatchObject({ type: 'started', plan: 'linear:1', step: 2, targetStep: 3, resumed: false });
    expect(imagesOf(sandbox.pods('kafka'))).toEqual({ 'kafka-0': 'kafka:2', 'kafka-1': 'kafka:2', 'kafka-2': 'kafka:2' });
  });

  test('without --auto-rollback a failed step stops where it is', async () => {
    sandbox = await startSandboxKit();
    await stagedKafka(3, 'kafka:bad');
    const promotion = startPromotion(sandbox, { name: 'kafka', plan: 'canary' });
    await sandbox.runUntil(promotion.settled);
    expect(await promotion.result()).toMatchObject({ phase: 'failed', failure: 'gate-failed', step: 1 });
    expect(sandbox.statefulSet('kafka').spec.updateStrategy?.rollingUpdate?.partition).toBe(2);
    expect(sandbox.promotionState('kafka')).toMatchObject({ phase: 'failed', step: 1 });
  });

  test('a step that never becomes Ready times out', async () => {
    sandbox = await startSandboxKit({ nodes: 3, kubelet: { failureRules: [{ mode: PodFailureMode.NEVER_READY, image: 'kafka:2' }] } });
    await stagedKafka();
    const promotion = startPromotion(sandbox, { name: 'kafka', plan: 'canary', timeoutMs: 120_000 });
    await sandbox.runUntil(promotion.settled);
    expect(await promotion.result()).toMatchObject({
      phase: 'failed', failure: 'timed-out', message: 'step 1 timed out after 2m0s waiting for kafka-2 not Ready',
    });
  });

  test('bad input fails before any change', async () => {
    sandbox = await startSandboxKit();
    await sandbox.createStatefulSet('kafka', { replicas: 3, updateStrategy: 'staged' });
    const before = sandbox.statefulSet('kafka').metadata.resourceVersion;
    await expect(startPromotion(sandbox, { name: 'kafka', plan: '5,2,0' }).result()).rejects.toThrow(
      'plan "5,2,0" from --plan does not fit statefulset/kafka with 3 replicas: PartitionPlan "5,2,0": partition 5 is above the 3 replicas (valid: 0 to 3)');
    await expect(startPromotion(sandbox, { name: 'zookeeper', plan: 'canary' }).result()).rejects.toThrow(
      'statefulsets.apps "zookeeper" not found');
    await expect(startPromotion(sandbox, { name: 'kafka' }).result()).rejects.toThrow(/has no partition plan: pass --plan/);
    expect(sandbox.statefulSet('kafka').metadata.resourceVersion).toBe(before);
    expect(sandbox.cluster.calls.filter((call) => /^(patch|create|replace|delete)/.test(call))).toEqual([]);
  });
});

/** A cluster that can be "killed": from then on no call answers and no watch event arrives, as for a dead process. */
class KillableCluster extends ClusterDecorator {
  private dead = false;
  public constructor(inner: Cluster) {
    super(inner);
  }
  public kill(): void {
    this.dead = true;
  }
  public watch<T>(kind: ClusterKind, namespace: string | undefined, options: ClusterWatchOptions,
    onEvent: (event: ClusterWatchEvent<T>) => void, signal: AbortSignal): Promise<void> {
    return super.watch<T>(kind, namespace, options, (event) => {
      if (!this.dead) {
        onEvent(event);
      }
    }, signal);
  }
  protected around<T>(_request: ClusterRequest, call: () => Promise<T>): Promise<T> {
    return this.dead ? new Promise<T>(() => undefined) : call();
  }
}

describe('promoteStatefulSet: crashes, concurrency and faults', () => {
  test('a promotion killed mid-step resumes from the state annotation when run again', async () => {
    sandbox = await startSandboxKit();
    await stagedKafka();
    const doomed = new KillableCluster(sandbox.cluster);
    const first = startPromotion(sandbox, { name: 'kafka', plan: 'canary', soakMs: 60_000, cluster: doomed, holder: 'runner/100' });
    await sandbox.runUntil(() => sandbox.promotionState('kafka')?.phase === 'soaking');
    doomed.kill();
    expect(first.settled()).toBe(false);
    // The dead promoter's Lease still stands: a new process is refused until it expires, then takes over.
    await expect(startPromotion(sandbox, { name: 'kafka', holder: 'runner/200' }).result()).rejects.toThrow(
      /^statefulset\/kafka is being promoted by runner\/100 \(lease default\/statefulset-kafka-stage expires at .*\); wait for it to finish/);
    sandbox.clock.advance(30_000);
    const second = startPromotion(sandbox, { name: 'kafka', soakMs: 60_000, holder: 'runner/200' });
    await sandbox.runUntil(second.settled);
    const outcome = await second.result();
    expect(outcome.phase).toBe('complete');
    expect(second.events[0]).toMatchObject({ type: 'started', plan: 'canary', step: 1, resumed: true });
    // Resumed in the soak of step 1: no partition was written again for steps 0 and 1.
    expect(partitionsWritten(second.events)).toEqual([0]);
    expect(imagesOf(sandbox.pods('kafka'))).toEqual({ 'kafka-0': 'kafka:2', 'kafka-1': 'kafka:2', 'kafka-2': 'kafka:2' });
    expect(sandbox.api.get(RESOURCES.leases, 'default', leaseNameFor(KAFKA))?.spec.leaseTransitions).toBe(1);
  });

  test('a rerun takes over at once when the killed promoter is known gone (same host, process exited)', async () => {
    sandbox = await startSandboxKit();
    await stagedKafka();
    const doomed = new KillableCluster(sandbox.cluster);
    startPromotion(sandbox, { name: 'kafka', plan: 'canary', soakMs: 60_000, cluster: doomed, holder: 'runner/100' });
    await sandbox.runUntil(() => sandbox.promotionState('kafka')?.phase === 'soaking');
    doomed.kill();
    const rerun = startPromotion(sandbox, { name: 'kafka', holder: 'runner/200', holderGone: (holder) => holder === 'runner/100' });
    await sandbox.runUntil(rerun.settled);
    expect(await rerun.result()).toMatchObject({ phase: 'complete' });
    expect(rerun.events[0]).toMatchObject({ type: 'started', step: 1, resumed: true });
  });

  test('two promoters at once: the second is refused with lock-held, the first completes', async () => {
    sandbox = await startSandboxKit();
    await stagedKafka();
    const first = startPromotion(sandbox, { name: 'kafka', plan: 'canary', holder: 'alice/1' });
    await sandbox.runUntil(() => sandbox.promotionState('kafka') !== undefined);
    const second = startPromotion(sandbox, { name: 'kafka', plan: 'canary', holder: 'bob/2' });
    const refusal = second.result().catch((error) => error);
    await sandbox.runUntil(second.settled);
    const error = await refusal;
    expect(RuntimeError.is(error, 'lock-held')).toBe(true);
    expect(error.message).toMatch(/^statefulset\/kafka is being promoted by alice\/1 /);
    // `started` is announced only once the Lease is held: the refused promoter says nothing but why it was refused.
    expect(second.events).toEqual([]);
    await sandbox.runUntil(first.settled);
    expect((await first.result()).phase).toBe('complete');
  });

  test('injected 409s, 500s and dropped watches: re-read, retried, resumed, and still correct', async () => {
    sandbox = await startSandboxKit();
    await stagedKafka();
    const cluster: InProcessCluster = sandbox.cluster;
    cluster.inject({ verb: 'patch', kind: 'StatefulSet', code: 409, times: 2 });
    cluster.inject({ verb: 'get', code: 500, times: 2 });
    cluster.inject({ verb: 'list', code: 500, times: 1 });
    cluster.inject({ verb: 'patch', kind: 'StatefulSet', code: 503, times: 1 });
    const retrying = new RetryingCluster(cluster, sandbox.runtimeClock);
    const promotion = startPromotion(sandbox, { name: 'kafka', plan: 'canary', soakMs: 20_000, cluster: retrying });
    await sandbox.runUntil(() => sandbox.promotionState('kafka')?.step === 1);
    cluster.endWatches();
    cluster.inject({ verb: 'watch', code: 410, times: 1 });
    await sandbox.runUntil(() => sandbox.promotionState('kafka')?.phase === 'soaking');
    cluster.endWatches();
    await sandbox.runUntil(promotion.settled);
    expect((await promotion.result()).phase).toBe('complete');
    expect(promotion.events.filter((event) => event.type === 'conflict')).toHaveLength(2);
    expect(partitionsWritten(promotion.events)).toEqual([3, 2, 0]);
    expect(imagesOf(sandbox.pods('kafka'))).toEqual({ 'kafka-0': 'kafka:2', 'kafka-1': 'kafka:2', 'kafka-2': 'kafka:2' });
  });
});

describe('a writer that always wins', () => {
  test('ten conflicts in a row end the run with an API error instead of spinning', async () => {
    sandbox = await startSandboxKit();
    await stagedKafka();
    sandbox.cluster.inject({ verb: 'patch', kind: 'StatefulSet', code: 409, times: 1000 });
    const promotion = startPromotion(sandbox, { name: 'kafka', plan: 'canary' });
    const failure = promotion.result().catch((error) => error);
    await sandbox.runUntil(promotion.settled);
    const error = await failure;
    expect(RuntimeError.is(error, 'api')).toBe(true);
    expect(error.message).toBe('statefulset/kafka kept changing under the promotion: 10 writes in a row conflicted '
      + '(last: injected 409 for patch StatefulSet); run the command again to resume');
    expect(promotion.events.filter((event) => event.type === 'conflict')).toHaveLength(10);
  });
});

describe('extra gates and interruption', () => {
  const gateIo = (answers: Record<string, number[]>) => {
    const asked: string[] = [];
    return {
      asked,
      io: {
        clock: sandbox.runtimeClock,
        fetch: async (url: string) => {
          asked.push(url);
          const status = answers[url].shift() ?? 200;
          return { status, text: async () => '' };
        },
        exec: async (command: string) => ({ exitCode: command === 'true' ? 0 : 1, output: '' }),
      },
    };
  };

  test('extra gates run once per step after the soak; their results are kept in the state', async () => {
    sandbox = await startSandboxKit();
    await stagedKafka();
    const { io, asked } = gateIo({ 'http://exporter/healthz': [200, 204] });
    const gates = [parseGate('http=http://exporter/healthz'), parseGate('exec=true')];
    const promotion = startPromotion(sandbox, { name: 'kafka', plan: 'canary', soakMs: 10_000, gates, gateIo: io });
    await sandbox.runUntil(promotion.settled);
    expect((await promotion.result()).phase).toBe('complete');
    expect(asked).toEqual(['http://exporter/healthz', 'http://exporter/healthz']);
    expect(promotion.events.filter((event) => event.type === 'gate-result').map((event) => {
      const result = event as { step: number; gate: string; passed: boolean; message: string };
      return `${result.step} ${result.gate} ${result.passed} ${result.message}`;
    })).toEqual([
      '1 http=http://exporter/healthz true GET http://exporter/healthz answered 200',
      '1 exec=true true "true" exited with status 0',
      '2 http=http://exporter/healthz true GET http://exporter/healthz answered 204',
      '2 exec=true true "true" exited with status 0',
    ]);
    expect(sandbox.promotionState('kafka')!.gates.filter((record) => record.gate.startsWith('http=')).map((record) => [record.step, record.passed]))
      .toEqual([[1, true], [2, true]]);
  });

  test('a failing extra gate fails the step and, with auto-rollback, restores the previous revision', async () => {
    sandbox = await startSandboxKit();
    await stagedKafka();
    const { io } = gateIo({ 'http://exporter/healthz': [503] });
    const promotion = startPromotion(sandbox, {
      name: 'kafka', plan: 'canary', gates: [parseGate('http=http://exporter/healthz')], gateIo: io, autoRollback: true,
    });
    await sandbox.runUntil(promotion.settled);
    const outcome = await promotion.result();
    expect(outcome.phase).toBe('rolled-back');
    expect(outcome.message).toContain('step 1 failed gate GET http://exporter/healthz answered 503 (a 2xx status passes)');
    expect(imagesOf(sandbox.pods('kafka'))).toEqual({ 'kafka-0': 'kafka:1', 'kafka-1': 'kafka:1', 'kafka-2': 'kafka:1' });
  });

  test('an interrupted promotion (Ctrl-C) keeps its state, releases the Lease, and a rerun resumes at once', async () => {
    sandbox = await startSandboxKit();
    await stagedKafka();
    const interrupt = new AbortController();
    const first = startPromotion(sandbox, { name: 'kafka', plan: 'canary', soakMs: 60_000, signal: interrupt.signal, holder: 'a/1' });
    await sandbox.runUntil(() => sandbox.promotionState('kafka')?.phase === 'soaking');
    interrupt.abort();
    await sandbox.runUntil(first.settled);
    expect(await first.result()).toMatchObject({ phase: 'interrupted', step: 1, message: 'stopped at step 1; run the same command again to resume' });
    expect(sandbox.promotionState('kafka')?.phase).toBe('soaking');
    expect(sandbox.api.get(RESOURCES.leases, 'default', leaseNameFor(KAFKA))?.spec.holderIdentity).toBe('');
    const rerun = startPromotion(sandbox, { name: 'kafka', soakMs: 60_000, holder: 'b/2' });
    await sandbox.runUntil(rerun.settled);
    expect(await rerun.result()).toMatchObject({ phase: 'complete' });
  });
});

describe('pause, resume, abort and --approve-each', () => {
  test('--approve-each waits for kubectl-stage resume before each step after the first', async () => {
    sandbox = await startSandboxKit();
    await stagedKafka();
    const promotion = startPromotion(sandbox, { name: 'kafka', plan: 'canary', approveEach: true });
    await sandbox.runUntil(() => sandbox.promotionState('kafka')?.phase === 'awaiting-approval');
    expect(sandbox.statefulSet('kafka').spec.updateStrategy?.rollingUpdate?.partition).toBe(2);
    sandbox.clock.advance(600_000);
    expect(sandbox.promotionState('kafka')?.phase).toBe('awaiting-approval');
    const resumed = controlPromotion(sandbox.cluster, sandbox.runtimeClock, KAFKA, 'resume', 'carol');
    await sandbox.runUntil(promotion.settled);
    expect((await resumed).message).toBe('statefulset/kafka step 1 approved');
    expect((await promotion.result()).phase).toBe('complete');
  });

  test('the approval callback approves like resume', async () => {
    sandbox = await startSandboxKit();
    await stagedKafka();
    const asked: number[] = [];
    const promotion = startPromotion(sandbox, {
      name: 'kafka', plan: 'linear:1', approveEach: true, approve: async (step) => { asked.push(step); return true; },
    });
    await sandbox.runUntil(promotion.settled);
    expect((await promotion.result()).phase).toBe('complete');
    expect(asked).toEqual([1, 2]);
  });

  test('pause holds the next step until resume', async () => {
    sandbox = await startSandboxKit();
    await stagedKafka();
    const promotion = startPromotion(sandbox, { name: 'kafka', plan: 'canary', soakMs: 60_000 });
    await sandbox.runUntil(() => sandbox.promotionState('kafka')?.phase === 'soaking');
    const paused = controlPromotion(sandbox.cluster, sandbox.runtimeClock, KAFKA, 'pause', 'carol');
    await sandbox.runUntil(() => promotion.events.some((event) => event.type === 'paused'));
    expect((await paused).message).toBe('statefulset/kafka paused at step 1');
    sandbox.clock.advance(600_000);
    expect(sandbox.statefulSet('kafka').spec.updateStrategy?.rollingUpdate?.partition).toBe(2);
    const resumed = controlPromotion(sandbox.cluster, sandbox.runtimeClock, KAFKA, 'resume', 'carol');
    await sandbox.runUntil(promotion.settled);
    expect((await resumed).message).toBe('statefulset/kafka resumed at step 1');
    expect((await promotion.result()).phase).toBe('complete');
  });

  test('abort asks the running promoter to stop; pods stay where they are', async () => {
    sandbox = await startSandboxKit();
    await stagedKafka();
    const promotion = startPromotion(sandbox, { name: 'kafka', plan: 'canary', soakMs: 60_000 });
    await sandbox.runUntil(() => sandbox.promotionState('kafka')?.phase === 'soaking');
    const aborted = controlPromotion(sandbox.cluster, sandbox.runtimeClock, KAFKA, 'abort', 'carol');
    await sandbox.runUntil(promotion.settled);
    expect((await aborted).message).toBe('statefulset/kafka: abort requested; the promoter stops at step 1');
    expect(await promotion.result()).toMatchObject({ phase: 'aborted', message: 'aborted at step 1 of 2; pods stay where they are' });
    expect(imagesOf(sandbox.pods('kafka'))).toEqual({ 'kafka-0': 'kafka:1', 'kafka-1': 'kafka:1', 'kafka-2': 'kafka:2' });
  });

  test('a state write that conflicts every time ends pause with an API error', async () => {
    sandbox = await startSandboxKit();
    await stagedKafka();
    const promotion = startPromotion(sandbox, { name: 'kafka', plan: 'canary', approveEach: true });
    await sandbox.runUntil(() => sandbox.promotionState('kafka')?.phase === 'awaiting-approval');
    sandbox.cluster.inject({ verb: 'patch', kind: 'StatefulSet', code: 409, times: 10 });
    await expect(controlPromotion(sandbox.cluster, sandbox.runtimeClock, KAFKA, 'pause', 'carol')).rejects.toThrow(
      'statefulset/kafka kept changing: 10 writes of the pause request conflicted (last: injected 409 for patch StatefulSet)');
    expect(sandbox.promotionState('kafka')?.paused).toBe(false);
    expect(promotion.settled()).toBe(false);
  });

  test('without a live promoter abort ends the promotion itself; with none in progress it says so', async () => {
    sandbox = await startSandboxKit();
    await stagedKafka();
    await expect(controlPromotion(sandbox.cluster, sandbox.runtimeClock, KAFKA, 'pause', 'carol')).rejects.toThrow(
      'no promotion of statefulset/kafka is in progress; start one with "kubectl-stage promote sts/kafka"');
    const doomed = new KillableCluster(sandbox.cluster);
    startPromotion(sandbox, { name: 'kafka', plan: 'canary', soakMs: 60_000, cluster: doomed });
    await sandbox.runUntil(() => sandbox.promotionState('kafka')?.phase === 'soaking');
    doomed.kill();
    sandbox.clock.advance(30_000);
    const result = await controlPromotion(sandbox.cluster, sandbox.runtimeClock, KAFKA, 'abort', 'carol');
    expect(result.message).toBe('statefulset/kafka promotion aborted at step 1');
    expect(sandbox.promotionState('kafka')).toMatchObject({ phase: 'aborted', message: 'aborted by carol at step 1; pods stay where they are' });
    await expect(controlPromotion(sandbox.cluster, sandbox.runtimeClock, KAFKA, 'resume', 'carol')).rejects.toThrow(
      'no promotion of statefulset/kafka is in progress (the last one ended aborted at step 1); start one with "kubectl-stage promote sts/kafka"');
  });
});
