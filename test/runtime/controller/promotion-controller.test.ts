// The controller on the in-process sandbox (virtual clock): it promotes every annotated workload that changes, with
// the policy its annotations declare, through the same engine as `kubectl-stage promote`, and stages it again.
import { getEventListeners, getMaxListeners } from 'node:events';
import { RolloutKeys } from '../../../src/keys';
import { PartitionPlan } from '../../../src/partition-plan';
import { ControllerLogEntry } from '../../../src/runtime/controller/controller-log';
import { PromotionController, PromotionControllerOptions } from '../../../src/runtime/controller/promotion-controller';
import { controlPromotion } from '../../../src/runtime/promotion/promotion-control';
import { formatMicroTime, leaseNameFor } from '../../../src/runtime/promotion/promotion-lock';
import { RESOURCES } from '../../../src/sandbox/api';
import { PodFailureMode } from '../../../src/sandbox/controllers';
import { ForbiddingCluster } from '../../support/forbidding-cluster';
import { KillableCluster } from '../../support/killable-cluster';
import { isReady } from '../../support/pod-readiness';
import { InProcessSandboxKit, startSandboxKit } from '../../support/sandbox-kit';
import { zookeeperServerPage } from '../../support/simulated-metrics';
import { statefulSetManifest } from '../../support/workload-manifests';
import { imagesOf } from '../promotion-fixture';

let sandbox: InProcessSandboxKit;
const controllers: PromotionController[] = [];
afterEach(async () => {
  await Promise.all(controllers.splice(0).map((controller) => controller.stop()));
  await sandbox?.stop();
});

/** A staged StatefulSet `name` with these annotations, all pods Ready. */
async function stagedStatefulSet(name: string, annotations: Record<string, string>, replicas = 3): Promise<void> {
  const manifest = statefulSetManifest(name, { replicas, updateStrategy: 'staged' });
  sandbox.api.create(RESOURCES.statefulSets, { ...manifest, metadata: { ...manifest.metadata, annotations } });
  await sandbox.runUntil(() => sandbox.pods(name).length === replicas && sandbox.pods(name).every(isReady));
}

/** Lets `ms` of virtual time pass, whatever runs meanwhile. */
async function passTime(ms: number): Promise<void> {
  await sandbox.runUntil(sandbox.runtimeClock.sleep(ms), ms + 1);
}

function partitionOf(name: string): number | undefined {
  return sandbox.statefulSet(name).spec.updateStrategy?.rollingUpdate?.partition;
}

/** Starts a controller on the kit's clock, its log kept in `log`. */
async function startController(log: ControllerLogEntry[], options: Partial<PromotionControllerOptions> = {}): Promise<PromotionController> {
  const controller = new PromotionController({
    cluster: sandbox.cluster, clock: sandbox.runtimeClock, namespace: 'default', holder: 'controller-a', log: (entry) => log.push(entry), ...options,
  });
  controllers.push(controller);
  await sandbox.runUntil(controller.start());
  return controller;
}

const stepsStarted = (log: readonly ControllerLogEntry[], name: string) => log
  .filter((entry) => entry.msg === 'step-started' && entry.workload === `default/statefulset/${name}`)
  .map((entry) => entry.step as number);

describe('PromotionController', () => {
  test('several workloads changing at once are all promoted, at most maxConcurrent at a time, then staged again', async () => {
    sandbox = await startSandboxKit();
    const names = ['kafka', 'zookeeper', 'etcd'];
    for (const name of names) {
      await stagedStatefulSet(name, { [RolloutKeys.PLAN_ANNOTATION]: 'canary', [RolloutKeys.SOAK_ANNOTATION]: '30s' });
    }
    const log: ControllerLogEntry[] = [];
    const controller = await startController(log, { maxConcurrent: 2 });
    let mostAtOnce = 0;
    names.forEach((name) => sandbox.setImage(name, `${name}:2`));
    await sandbox.runUntil(() => {
      mostAtOnce = Math.max(mostAtOnce, controller.promoting.length);
      return names.every((name) => sandbox.promotionState(name)?.phase === 'complete' && partitionOf(name) === PartitionPlan.STAGED_PARTITION);
    }, 3_600_000);
    for (const name of names) {
      expect(imagesOf(sandbox.pods(name))).toEqual({ [`${name}-0`]: `${name}:2`, [`${name}-1`]: `${name}:2`, [`${name}-2`]: `${name}:2` });
      expect(stepsStarted(log, name)).toEqual([0, 1, 2]);
      // The soak the annotation declares was kept after each step.
      expect(sandbox.promotionState(name)!.gates.filter((record) => record.gate === 'soak').map((record) => record.step)).toEqual([1, 2]);
    }
    expect(mostAtOnce).toBe(2);
    expect(controller.metrics.value('staged_rollouts_promotions_total', { kind: 'StatefulSet', phase: 'complete' })).toBe(3);
    expect(controller.metrics.value('staged_rollouts_step_duration_seconds', { kind: 'StatefulSet' })).toBe(9);
    // Staged again: the next change moves no pod until the controller promotes it.
    expect(log.filter((entry) => entry.msg === 'staged').length).toBe(3);
  });

  test('more promotions at once than Node\'s default of 10 listeners per signal: no MaxListenersExceededWarning, a line that is not JSON, among the logs', async () => {
    sandbox = await startSandboxKit();
    const names = Array.from({ length: 12 }, (_, i) => `app-${i}`);
    for (const name of names) {
      await stagedStatefulSet(name, { [RolloutKeys.PLAN_ANNOTATION]: 'canary' }, 1);
    }
    const adds = jest.spyOn(EventTarget.prototype, 'addEventListener');
    let mostOverLimit = 0;
    // Node warns once a signal holds more abort listeners than its limit (0: none). Node 20's getMaxListeners throws
    // for an EventTarget whose limit is 0 rather than returning it.
    const limitOf = (target: EventTarget) => {
      try {
        return getMaxListeners(target);
      } catch {
        return 0;
      }
    };
    const overLimit = () => {
      for (const target of new Set(adds.mock.contexts)) {
        const limit = target instanceof AbortSignal ? limitOf(target) : 0;
        if (limit > 0) {
          mostOverLimit = Math.max(mostOverLimit, getEventListeners(target as AbortSignal, 'abort').length - limit);
        }
      }
    };
    try {
      await startController([], { maxConcurrent: 12 });
      names.forEach((name) => sandbox.setImage(name, 'app:2'));
      await sandbox.runUntil(() => {
        overLimit();
        return names.every((name) => sandbox.promotionState(name)?.phase === 'complete');
      }, 3_600_000);
    } finally {
      adds.mockRestore();
    }
    expect(mostOverLimit).toBeLessThanOrEqual(0);
  }, 60_000);

  test('a StatefulSet whose manifest leaves the partition out (PartitionOwner.PROMOTER) is staged at once, so its first change waits', async () => {
    sandbox = await startSandboxKit();
    const manifest = statefulSetManifest('kafka', { replicas: 3, updateStrategy: 'rolling' });
    sandbox.api.create(RESOURCES.statefulSets, { ...manifest, metadata: { ...manifest.metadata, annotations: { [RolloutKeys.PLAN_ANNOTATION]: 'canary' } } });
    await sandbox.runUntil(() => sandbox.pods('kafka').length === 3 && sandbox.pods('kafka').every(isReady));
    const log: ControllerLogEntry[] = [];
    await startController(log);
    await sandbox.runUntil(() => partitionOf('kafka') === PartitionPlan.STAGED_PARTITION);
    sandbox.setImage('kafka', 'kafka:2');
    await sandbox.runUntil(() => sandbox.promotionState('kafka')?.phase === 'complete' && partitionOf('kafka') === PartitionPlan.STAGED_PARTITION, 600_000);
    // The canary went first: the change was held by the pin, not rolled by the StatefulSet controller.
    expect(stepsStarted(log, 'kafka')).toEqual([0, 1, 2]);
    expect(log.filter((entry) => entry.msg === 'staged').length).toBe(2);
  });

  test('bad annotations: the workload is untouched, a Warning Event names the problems and a metric counts it', async () => {
    sandbox = await startSandboxKit();
    await stagedStatefulSet('kafka', {
      [RolloutKeys.PLAN_ANNOTATION]: 'canary', [RolloutKeys.SOAK_ANNOTATION]: '5 minutes', [RolloutKeys.GATES_ANNOTATION]: '["bogus"]',
    });
    const log: ControllerLogEntry[] = [];
    const controller = await startController(log);
    sandbox.setImage('kafka', 'kafka:2');
    await sandbox.runUntil(() => controller.metrics.value('staged_rollouts_invalid_annotations_total', { kind: 'StatefulSet' }) === 1);
    await passTime(120_000);
    expect(controller.metrics.value('staged_rollouts_invalid_annotations_total', { kind: 'StatefulSet' })).toBe(1);
    expect(partitionOf('kafka')).toBe(PartitionPlan.STAGED_PARTITION);
    expect(sandbox.promotionState('kafka')).toBeUndefined();
    expect(imagesOf(sandbox.pods('kafka'))).toEqual({ 'kafka-0': 'kafka:1', 'kafka-1': 'kafka:1', 'kafka-2': 'kafka:1' });
    const events = sandbox.api.list(RESOURCES.events, { namespace: 'default' }).items.filter((event) => event.reason === 'InvalidAnnotations');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'Warning', involvedObject: { kind: 'StatefulSet', name: 'kafka' } });
    expect(events[0].message).toContain('annotation staged-rollouts.io/soak has "5 minutes": use a number with a unit');
    expect(events[0].message).toContain('annotation staged-rollouts.io/gates');
  });

  test('a rollback the Role forbids (autoRollback declared, allowRollback not granted): a Warning Event and a metric say where it stopped', async () => {
    sandbox = await startSandboxKit({ kubelet: { failureRules: [{ mode: PodFailureMode.NEVER_READY, image: 'kafka:bad' }] } });
    await stagedStatefulSet('kafka', {
      [RolloutKeys.PLAN_ANNOTATION]: 'canary', [RolloutKeys.STEP_TIMEOUT_ANNOTATION]: '2m', [RolloutKeys.AUTO_ROLLBACK_ANNOTATION]: 'true',
    });
    // What StagedRolloutController grants without allowRollback: no revision read by name, no pod deletion.
    const cluster = new ForbiddingCluster(sandbox.cluster, (request) => (request.kind === 'ControllerRevision' && request.verb === 'get')
      || (request.kind === 'Pod' && request.verb === 'delete'));
    const log: ControllerLogEntry[] = [];
    const controller = await startController(log, { cluster });
    sandbox.setImage('kafka', 'kafka:bad');
    await sandbox.runUntil(() => controller.metrics.value('staged_rollouts_promotions_forbidden_total', { kind: 'StatefulSet' }) === 1, 600_000);
    // Retried (RBAC may be fixed) but said once: the same refusal adds no Event and no count.
    await passTime(120_000);
    // Retried every few seconds (the retry delay), not in a tight loop.
    expect(cluster.refused.length).toBeGreaterThan(1);
    expect(cluster.refused.length).toBeLessThan(100);
    expect(controller.metrics.value('staged_rollouts_promotions_forbidden_total', { kind: 'StatefulSet' })).toBe(1);
    const events = sandbox.api.list(RESOURCES.events, { namespace: 'default' }).items.filter((event) => event.reason === 'PromotionForbidden');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'Warning', involvedObject: { kind: 'StatefulSet', name: 'kafka' } });
    expect(events[0].message).toMatch(/^promotion stopped midway, the workload left as the refusal found it: the API server refused a request: controllerrevisions\.apps "kafka-\w+" is forbidden: .* cannot get resource "controllerrevisions"/);
    expect(events[0].message).toContain('grant it to the controller\'s account (StagedRolloutController: allowRollback for autoRollback, allowOrderedRestart for a restart order, allowPodMetrics for kafka and zookeeper gates), or finish by hand with kubectl-stage undo or abort');
    expect(log).toContainEqual(expect.objectContaining({ level: 'error', msg: 'promotion forbidden', workload: 'default/statefulset/kafka' }));
    // Half-changed, and said so: the bad canary is still there, and the state names the failed step.
    expect(imagesOf(sandbox.pods('kafka'))['kafka-2']).toBe('kafka:bad');
    expect(sandbox.promotionState('kafka')).toMatchObject({ step: 1, phase: 'rolling-back', message: 'step 1 timed out after 2m0s waiting for kafka-2 not Ready' });
  });

  test('an ordered restart the Role forbids (no allowOrderedRestart): said before any pod moves, the StatefulSet left OnDelete with its strategy recorded', async () => {
    sandbox = await startSandboxKit();
    const manifest = statefulSetManifest('zk', { replicas: 3, updateStrategy: 'staged', ports: [{ name: 'metrics', containerPort: 7000 }] });
    sandbox.api.create(RESOURCES.statefulSets, {
      ...manifest,
      metadata: { ...manifest.metadata, annotations: { [RolloutKeys.PLAN_ANNOTATION]: 'canary', [RolloutKeys.RESTART_ORDER_ANNOTATION]: 'zookeeper-leader-last' } },
    });
    await sandbox.runUntil(() => sandbox.pods('zk').length === 3 && sandbox.pods('zk').every(isReady));
    for (const pod of sandbox.pods('zk')) {
      sandbox.podMetrics.set('default', pod.metadata.name!, 7000, zookeeperServerPage(sandbox.clock, () => sandbox.pods('zk'), 'zk-2', () => 0));
    }
    const cluster = new ForbiddingCluster(sandbox.cluster, (request) => (request.kind === 'Pod' && (request.verb === 'proxy' || request.verb === 'delete')));
    const controller = await startController([], { cluster });
    sandbox.setImage('zk', 'zk:2');
    await sandbox.runUntil(() => controller.metrics.value('staged_rollouts_promotions_forbidden_total', { kind: 'StatefulSet' }) === 1, 600_000);
    const events = sandbox.api.list(RESOURCES.events, { namespace: 'default' }).items.filter((event) => event.reason === 'PromotionForbidden');
    expect(events.map((event) => event.message)).toEqual([expect.stringMatching(/the API server refused a request: pods "zk-\d" is forbidden: .* cannot get resource "pods\/proxy"/)]);
    expect(imagesOf(sandbox.pods('zk'))).toEqual({ 'zk-0': 'zk:1', 'zk-1': 'zk:1', 'zk-2': 'zk:1' });
    expect(sandbox.statefulSet('zk').spec.updateStrategy).toEqual({ type: 'OnDelete' });
    expect(sandbox.statefulSet('zk').metadata.annotations?.[RolloutKeys.ORIGINAL_STRATEGY_ANNOTATION]).toBeDefined();
  });

  test('a CLI promoter holding the workload\'s Lease: the controller waits, then promotes once the Lease is free', async () => {
    sandbox = await startSandboxKit();
    await stagedStatefulSet('kafka', { [RolloutKeys.PLAN_ANNOTATION]: 'canary' });
    const ref = { kind: 'StatefulSet' as const, namespace: 'default', name: 'kafka' };
    const now = formatMicroTime(sandbox.clock.now());
    sandbox.api.create(RESOURCES.leases, {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name: leaseNameFor(ref), namespace: 'default' },
      spec: {
        holderIdentity: 'laptop/4242/cli/abc', leaseDurationSeconds: 3600, acquireTime: now, renewTime: now, leaseTransitions: 0,
      },
    });
    const log: ControllerLogEntry[] = [];
    await startController(log);
    sandbox.setImage('kafka', 'kafka:2');
    await passTime(600_000);
    expect(log.some((entry) => entry.msg === 'waiting for the lease' && String(entry.error).includes('laptop/4242/cli/abc'))).toBe(true);
    expect(sandbox.promotionState('kafka')).toBeUndefined();
    expect(partitionOf('kafka')).toBe(PartitionPlan.STAGED_PARTITION);
    // The CLI promoter lets go (released as client-go releases: an empty holder).
    const lease = sandbox.api.get(RESOURCES.leases, 'default', leaseNameFor(ref))!;
    sandbox.api.update(RESOURCES.leases, { ...lease, spec: { ...lease.spec, holderIdentity: '' } });
    await sandbox.runUntil(() => sandbox.promotionState('kafka')?.phase === 'complete', 600_000);
    expect(sandbox.promotionState('kafka')!.holder).toBe('controller-a');
  });

  test('pause and abort steer the controller\'s promotion through the state annotation, as for the CLI', async () => {
    sandbox = await startSandboxKit();
    await stagedStatefulSet('kafka', { [RolloutKeys.PLAN_ANNOTATION]: 'canary', [RolloutKeys.SOAK_ANNOTATION]: '60s' });
    const log: ControllerLogEntry[] = [];
    await startController(log);
    sandbox.setImage('kafka', 'kafka:2');
    await sandbox.runUntil(() => sandbox.promotionState('kafka')?.phase === 'soaking');
    const ref = { kind: 'StatefulSet' as const, namespace: 'default', name: 'kafka' };
    await sandbox.runUntil(controlPromotion(sandbox.cluster, sandbox.runtimeClock, ref, 'pause', 'cli', () => false));
    await passTime(600_000);
    expect(sandbox.promotionState('kafka')).toMatchObject({ step: 1, paused: true });
    await sandbox.runUntil(controlPromotion(sandbox.cluster, sandbox.runtimeClock, ref, 'abort', 'cli', () => false));
    await sandbox.runUntil(() => sandbox.promotionState('kafka')?.phase === 'aborted', 600_000);
    expect(stepsStarted(log, 'kafka')).toEqual([0, 1]);
    // An aborted revision is not promoted again until the workload changes.
    await passTime(600_000);
    expect(sandbox.promotionState('kafka')).toMatchObject({ phase: 'aborted', step: 1 });
  });

  test('a controller killed mid-soak: the next one resumes after the Lease expires, no step repeated or skipped', async () => {
    sandbox = await startSandboxKit();
    await stagedStatefulSet('kafka', { [RolloutKeys.PLAN_ANNOTATION]: 'canary', [RolloutKeys.SOAK_ANNOTATION]: '60s' });
    const killable = new KillableCluster(sandbox.cluster);
    const logA: ControllerLogEntry[] = [];
    const a = new PromotionController({ cluster: killable, clock: sandbox.runtimeClock, namespace: 'default', holder: 'controller-a', log: (entry) => logA.push(entry) });
    await sandbox.runUntil(a.start());
    sandbox.setImage('kafka', 'kafka:2');
    await sandbox.runUntil(() => sandbox.promotionState('kafka')?.phase === 'soaking');
    killable.kill();
    const killedAt = sandbox.clock.now();
    const logB: ControllerLogEntry[] = [];
    await startController(logB, { holder: 'controller-b', retryDelayMs: 1000 });
    await sandbox.runUntil(() => sandbox.promotionState('kafka')?.phase === 'complete', 600_000);
    expect(stepsStarted(logA, 'kafka')).toEqual([0, 1]);
    expect(stepsStarted(logB, 'kafka')).toEqual([2]);
    expect(logB.find((entry) => entry.msg === 'started')).toMatchObject({ resumed: true, step: 1 });
    // B took over within the Lease duration (30 s) plus one retry.
    const resumedAt = Date.parse(logB.find((entry) => entry.msg === 'started')!.time);
    expect(resumedAt - killedAt).toBeLessThanOrEqual(31_000);
    expect(sandbox.promotionState('kafka')!.gates.map((record) => `${record.step}:${record.gate}`)).toEqual(['0:built-in', '1:built-in', '1:soak', '2:built-in', '2:soak']);
    expect(imagesOf(sandbox.pods('kafka'))).toEqual({ 'kafka-0': 'kafka:2', 'kafka-1': 'kafka:2', 'kafka-2': 'kafka:2' });
  });
});
