// Ordered restarts end to end: a staged StatefulSet with a restart order, promoted in the in-process sandbox on its
// virtual clock, the leader found from the pods' simulated metrics through the pod proxy.
import { RolloutKeys } from '../../../src/keys';
import { PartitionPlan } from '../../../src/partition-plan';
import { GateIo } from '../../../src/runtime/promotion/external-gates';
import { parseGate } from '../../../src/runtime/promotion/gate-spec';
import { PromotionEvent } from '../../../src/runtime/promotion/promotion-contract';
import { controlPromotion } from '../../../src/runtime/promotion/promotion-control';
import { statefulSetReport } from '../../../src/runtime/rollout/rollout-report';
import { InProcessSandboxKit, startSandboxKit } from '../../support/sandbox-kit';
import { kraftControllerPage, runningSince, zookeeperServerPage } from '../../support/simulated-metrics';
import { imagesOf, startPromotion } from '../promotion-fixture';

let sandbox: InProcessSandboxKit;
afterEach(() => sandbox?.stop());

const METRICS_PORT = 7000;

function gateIo(): GateIo {
  const unused = () => Promise.reject(new Error('not used by data-aware gates'));
  return { fetch: unused, exec: unused, clock: sandbox.runtimeClock };
}

// The pods restarted, in order, with the step of each and why.
function restarts(events: readonly PromotionEvent[]): string[] {
  return events.flatMap((event) => (event.type === 'pod-restarting' ? [`${event.step} ${event.pod}: ${event.reason}`] : []));
}

async function orderedWorkload(name: string, order: string, replicas = 3): Promise<void> {
  await sandbox.createStatefulSet(name, { replicas, updateStrategy: 'staged', ports: [{ name: 'metrics', containerPort: METRICS_PORT }] });
  await sandbox.cluster.patch('StatefulSet', 'default', name, { metadata: { annotations: { [RolloutKeys.RESTART_ORDER_ANNOTATION]: order } } }, 'merge');
  sandbox.setImage(name, `${name}:2`);
  await sandbox.runUntil(() => sandbox.statefulSet(name).status?.observedGeneration === sandbox.statefulSet(name).metadata.generation);
}

function serveZooKeeper(leader: () => string, syncMs = 0): void {
  for (const pod of sandbox.pods('zk')) {
    sandbox.podMetrics.set('default', pod.metadata.name!, METRICS_PORT,
      zookeeperServerPage(sandbox.clock, () => sandbox.pods('zk'), leader, () => syncMs));
  }
}

function imageOf(name: string): string | undefined {
  return sandbox.pods(name.replace(/-\d+$/, '')).find((pod) => pod.metadata.name === name)?.spec.containers[0].image;
}

describe('ZooKeeper leader last', () => {
  test('the leader on ordinal 2, which a partition would take first, is restarted last; steps keep the plan\'s sizes', async () => {
    sandbox = await startSandboxKit();
    await orderedWorkload('zk', 'zookeeper-leader-last');
    serveZooKeeper(() => 'zk-2', 10_000);
    const promotion = startPromotion(sandbox, {
      name: 'zk', plan: 'canary', soakMs: 5_000, gates: [parseGate('zookeeper')], gateIo: gateIo(), gateTimeoutMs: 60_000,
    });
    // While the promotion runs the StatefulSet is OnDelete, its staged strategy recorded.
    await sandbox.runUntil(() => promotion.events.some((event) => event.type === 'pod-restarting'));
    expect(sandbox.statefulSet('zk').spec.updateStrategy).toEqual({ type: 'OnDelete' });
    expect(JSON.parse(sandbox.statefulSet('zk').metadata.annotations![RolloutKeys.ORIGINAL_STRATEGY_ANNOTATION]))
      .toEqual({ type: 'RollingUpdate', rollingUpdate: { partition: PartitionPlan.STAGED_PARTITION } });
    // kubectl-stage status names the promoter and does not call the rollout settled.
    const report = statefulSetReport(sandbox.statefulSet('zk'), sandbox.pods('zk'), sandbox.clock.now(), { holder: 'test-promoter', live: true });
    expect(report).toMatchObject({ settled: false, promoter: 'test-promoter' });
    expect(report.message).toMatch(/ \(OnDelete: pods move to \S+ only when deleted\): .*; promotion in progress by test-promoter: step 1 of 2 in progress$/);
    await sandbox.runUntil(promotion.settled);

    expect(await promotion.result()).toMatchObject({ phase: 'complete', step: 2 });
    // canary: step 1 restarts one pod, step 2 the other two; followers by descending ordinal, the leader last.
    expect(restarts(promotion.events)).toEqual([
      '1 zk-1: zk-2 is the leader, restarted last',
      '2 zk-0: zk-2 is the leader, restarted last',
      '2 zk-2: the leader, last',
    ]);
    expect(imagesOf(sandbox.pods('zk'))).toEqual({ 'zk-0': 'zk:2', 'zk-1': 'zk:2', 'zk-2': 'zk:2' });
    // Within step 2, zk-2 went down only once zk-0, Ready at once, had also synced with it (10 s), so the quorum held;
    // the wait was said. The zookeeper gate after each soak found the quorum whole.
    const started = (pod: string) => runningSince(sandbox.pods('zk').find((candidate) => candidate.metadata.name === pod)!)!;
    const leaderRestart = promotion.events.find((event) => event.type === 'pod-restarting' && event.pod === 'zk-2')!;
    expect(leaderRestart.at).toBeGreaterThanOrEqual(started('zk-0') + 10_000);
    expect(promotion.events).toContainEqual(expect.objectContaining({
      type: 'gate-waiting',
      step: 2,
      gate: 'zookeeper-leader-last',
      message: 'the ensemble is not ready for the next restart: zk-0 serves in no quorum (no quorum_size: it is looking for a leader or syncing); '
        + 'leader zk-2 has 1 of 2 followers synced',
    }));
    expect(promotion.events.filter((event) => event.type === 'gate-result' && event.step > 0).map((event) => event.type === 'gate-result' && event.passed))
      .toEqual([true, true]);
    // The staged RollingUpdate strategy is back, at partition 0 as a finished partition promotion leaves it, and the
    // controller then records the new revision as current (it never does under OnDelete).
    expect(sandbox.statefulSet('zk').spec.updateStrategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { partition: 0 } });
    expect(sandbox.statefulSet('zk').metadata.annotations?.[RolloutKeys.ORIGINAL_STRATEGY_ANNOTATION]).toBeUndefined();
    await sandbox.runUntil(() => sandbox.statefulSet('zk').status?.currentRevision === sandbox.statefulSet('zk').status?.updateRevision);
  });

  test('leadership that moves when a follower restarts is followed: the new leader goes last', async () => {
    sandbox = await startSandboxKit();
    await orderedWorkload('zk', 'zookeeper-leader-last');
    // zk-2 leads until zk-1 comes back on the new image; then zk-0 does.
    serveZooKeeper(() => (imageOf('zk-1') === 'zk:2' ? 'zk-0' : 'zk-2'));
    const promotion = startPromotion(sandbox, { name: 'zk', plan: 'linear:1', gateIo: gateIo() });
    await sandbox.runUntil(promotion.settled);
    expect(await promotion.result()).toMatchObject({ phase: 'complete', step: 3 });
    expect(restarts(promotion.events)).toEqual([
      '1 zk-1: zk-2 is the leader, restarted last',
      '2 zk-2: zk-0 is the leader, restarted last',
      '3 zk-0: the leader, last',
    ]);
  });

  test('a leader that cannot be told fails the step before any pod moves, saying why, and gives the strategy back', async () => {
    sandbox = await startSandboxKit();
    await orderedWorkload('zk', 'zookeeper-leader-last');
    serveZooKeeper(() => 'zk-2');
    sandbox.podMetrics.delete('default', 'zk-1', METRICS_PORT);
    const promotion = startPromotion(sandbox, { name: 'zk', plan: 'canary', gateIo: gateIo(), gateTimeoutMs: 20_000 });
    await sandbox.runUntil(promotion.settled);
    const ip = sandbox.pods('zk').find((pod) => pod.metadata.name === 'zk-1')!.status.podIP;
    const outcome = await promotion.result();
    expect(outcome).toMatchObject({ phase: 'failed', failure: 'gate-failed', step: 1 });
    expect(outcome.message).toBe('step 1 failed: no pod of statefulset/zk restarted (zookeeper-leader-last): cannot tell which pod is the leader: '
      + `zk-1: metrics unreachable on port ${METRICS_PORT} (error trying to reach service: dial tcp ${ip}:${METRICS_PORT}: `
      + 'connect: connection refused) (still so after 20s)');
    expect(restarts(promotion.events)).toEqual([]);
    expect(imagesOf(sandbox.pods('zk'))).toEqual({ 'zk-0': 'zk:1', 'zk-1': 'zk:1', 'zk-2': 'zk:1' });
    // Nothing moved, so the pinned staged strategy is back; status shows the failure under the order's name.
    expect(sandbox.statefulSet('zk').spec.updateStrategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { partition: PartitionPlan.STAGED_PARTITION } });
    expect(sandbox.promotionState('zk')!.gates.find((record) => !record.passed)).toMatchObject({ step: 1, gate: 'zookeeper-leader-last' });
  });

  test('a failure after some pods moved keeps OnDelete, so no other pod moves, and says how to give the strategy back', async () => {
    sandbox = await startSandboxKit();
    await orderedWorkload('zk', 'zookeeper-leader-last');
    // Once zk-1 runs the new image, no server reports being leader.
    serveZooKeeper(() => (imageOf('zk-1') === 'zk:2' ? 'nobody' : 'zk-2'));
    const promotion = startPromotion(sandbox, { name: 'zk', plan: 'linear:1', gateIo: gateIo(), gateTimeoutMs: 10_000 });
    await sandbox.runUntil(promotion.settled);
    const outcome = await promotion.result();
    expect(outcome).toMatchObject({ phase: 'failed', step: 2 });
    expect(outcome.message).toContain('step 2 failed: no pod of statefulset/zk restarted (zookeeper-leader-last): cannot tell which pod is the leader: '
      + 'no pod reports being leader (synced_followers) (still so after 10s)');
    expect(outcome.message).toContain(`statefulset/zk stays OnDelete so no more pods move: run promote again, undo, or restore its strategy with: kubectl patch statefulset/zk --type merge -p '{"metadata":{"annotations":{"${RolloutKeys.ORIGINAL_STRATEGY_ANNOTATION}":null}},"spec":{"updateStrategy":{"type":"RollingUpdate","rollingUpdate":{"partition":${PartitionPlan.STAGED_PARTITION}}}}}'`);
    expect(imagesOf(sandbox.pods('zk'))).toEqual({ 'zk-0': 'zk:1', 'zk-1': 'zk:2', 'zk-2': 'zk:1' });
    expect(sandbox.statefulSet('zk').spec.updateStrategy).toEqual({ type: 'OnDelete' });
  });

  test('a step that fails with auto-rollback restores the template and restarts the moved pods back', async () => {
    sandbox = await startSandboxKit();
    await orderedWorkload('zk', 'zookeeper-leader-last');
    serveZooKeeper(() => (imageOf('zk-1') === 'zk:2' ? 'nobody' : 'zk-2'));
    const promotion = startPromotion(sandbox, { name: 'zk', plan: 'linear:1', gateIo: gateIo(), gateTimeoutMs: 10_000, autoRollback: true });
    await sandbox.runUntil(promotion.settled);
    expect(await promotion.result()).toMatchObject({ phase: 'rolled-back' });
    expect(restarts(promotion.events).map((line) => line.replace(/revision \S+/, 'revision R'))).toEqual([
      '1 zk-1: zk-2 is the leader, restarted last',
      '2 zk-1: rollback to revision R',
    ]);
    expect(imagesOf(sandbox.pods('zk'))).toEqual({ 'zk-0': 'zk:1', 'zk-1': 'zk:1', 'zk-2': 'zk:1' });
    expect(sandbox.statefulSet('zk').spec.updateStrategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { partition: PartitionPlan.STAGED_PARTITION } });
  });

  test('--step stops after one step, keeping OnDelete so no other pod moves; the next run resumes from the pods', async () => {
    sandbox = await startSandboxKit();
    await orderedWorkload('zk', 'zookeeper-leader-last');
    serveZooKeeper(() => 'zk-2');
    const first = startPromotion(sandbox, { name: 'zk', plan: 'linear:1', gateIo: gateIo(), target: { kind: 'step' } });
    await sandbox.runUntil(first.settled);
    expect(await first.result()).toMatchObject({ phase: 'complete', step: 1 });
    expect((await first.result()).message).toBe('step 1 of 3 complete; statefulset/zk stays OnDelete until the last step, so no other pod moves');
    expect(sandbox.statefulSet('zk').spec.updateStrategy).toEqual({ type: 'OnDelete' });
    expect(imagesOf(sandbox.pods('zk'))).toEqual({ 'zk-0': 'zk:1', 'zk-1': 'zk:2', 'zk-2': 'zk:1' });
    // kubectl-stage status says where it stands.
    const revision = sandbox.statefulSet('zk').status!.updateRevision;
    expect(statefulSetReport(sandbox.statefulSet('zk'), sandbox.pods('zk'), sandbox.clock.now()).message)
      .toMatch(new RegExp(`^statefulset/zk: rolling \\(OnDelete: pods move to ${revision} only when deleted\\): 1 of 3 pods on revision ${revision}; `));

    const rest = startPromotion(sandbox, { name: 'zk', plan: 'linear:1', gateIo: gateIo() });
    await sandbox.runUntil(rest.settled);
    expect(await rest.result()).toMatchObject({ phase: 'complete', step: 3 });
    expect(rest.events.find((event) => event.type === 'started')).toMatchObject({ step: 1, targetStep: 3 });
    expect(restarts(rest.events)).toEqual(['2 zk-0: zk-2 is the leader, restarted last', '3 zk-2: the leader, last']);
    expect(sandbox.statefulSet('zk').spec.updateStrategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { partition: 0 } });
  });

  test('a promoter stopped mid-step resumes in order from the state and the pods', async () => {
    sandbox = await startSandboxKit();
    await orderedWorkload('zk', 'zookeeper-leader-last');
    serveZooKeeper(() => 'zk-2');
    const stop = new AbortController();
    const first = startPromotion(sandbox, { name: 'zk', plan: 'canary', gateIo: gateIo(), signal: stop.signal });
    // Stopped right after step 2's first restart (zk-0), before zk-2's.
    await sandbox.runUntil(() => restarts(first.events).length === 2);
    stop.abort();
    await sandbox.runUntil(first.settled);
    expect(await first.result()).toMatchObject({ phase: 'interrupted', step: 2 });
    expect(sandbox.statefulSet('zk').spec.updateStrategy).toEqual({ type: 'OnDelete' });

    const rerun = startPromotion(sandbox, { name: 'zk', gateIo: gateIo() });
    await sandbox.runUntil(rerun.settled);
    expect(await rerun.result()).toMatchObject({ phase: 'complete', step: 2 });
    expect(restarts(rerun.events)).toEqual(['2 zk-2: the leader, last']);
    expect(imagesOf(sandbox.pods('zk'))).toEqual({ 'zk-0': 'zk:2', 'zk-1': 'zk:2', 'zk-2': 'zk:2' });
  });

  test('kubectl-stage abort after a restart stops there, OnDelete kept so the pods stay where they are', async () => {
    sandbox = await startSandboxKit();
    await orderedWorkload('zk', 'zookeeper-leader-last');
    serveZooKeeper(() => 'zk-2');
    const promotion = startPromotion(sandbox, { name: 'zk', plan: 'linear:1', gateIo: gateIo(), soakMs: 60_000 });
    await sandbox.runUntil(() => promotion.events.some((event) => event.type === 'soak-started'));
    await controlPromotion(sandbox.cluster, sandbox.runtimeClock, { kind: 'StatefulSet', namespace: 'default', name: 'zk' }, 'abort', 'someone');
    await sandbox.runUntil(promotion.settled);
    const outcome = await promotion.result();
    expect(outcome).toMatchObject({ phase: 'aborted', step: 1 });
    expect(outcome.message).toMatch(/^aborted at step 1 of 3; pods stay where they are; statefulset\/zk stays OnDelete so no more pods move: /);
    expect(imagesOf(sandbox.pods('zk'))).toEqual({ 'zk-0': 'zk:1', 'zk-1': 'zk:2', 'zk-2': 'zk:1' });
    expect(sandbox.statefulSet('zk').spec.updateStrategy).toEqual({ type: 'OnDelete' });
  });

  test('an unknown order in the annotation is refused before anything moves', async () => {
    sandbox = await startSandboxKit();
    await orderedWorkload('zk', 'leader-first');
    const promotion = startPromotion(sandbox, { name: 'zk', plan: 'canary' });
    await sandbox.runUntil(promotion.settled);
    await expect(promotion.result()).rejects.toThrow(`annotation ${RolloutKeys.RESTART_ORDER_ANNOTATION} on statefulset/zk is "leader-first"; `
      + 'use one of zookeeper-leader-last, kraft-controller-last');
  });
});

describe('KRaft active controller last', () => {
  test('the active controller on ordinal 1 goes last, the others by descending ordinal', async () => {
    sandbox = await startSandboxKit();
    await orderedWorkload('ctl', 'kraft-controller-last');
    for (const pod of sandbox.pods('ctl')) {
      sandbox.podMetrics.set('default', pod.metadata.name!, METRICS_PORT, kraftControllerPage(() => 'ctl-1'));
    }
    const promotion = startPromotion(sandbox, { name: 'ctl', plan: 'linear:1', gateIo: gateIo() });
    await sandbox.runUntil(promotion.settled);
    expect(await promotion.result()).toMatchObject({ phase: 'complete', step: 3 });
    expect(restarts(promotion.events)).toEqual([
      '1 ctl-2: ctl-1 is the active controller, restarted last',
      '2 ctl-0: ctl-1 is the active controller, restarted last',
      '3 ctl-1: the active controller, last',
    ]);
  });
});
