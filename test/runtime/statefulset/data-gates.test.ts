// The kafka and zookeeper gates end to end: a StatefulSet promotion in the in-process sandbox on its virtual clock,
// reading the pods' simulated metrics endpoints through the pod proxy.
import { GateIo } from '../../../src/runtime/promotion/external-gates';
import { parseGate } from '../../../src/runtime/promotion/gate-spec';
import { PromotionEvent } from '../../../src/runtime/promotion/promotion-contract';
import { InProcessSandboxKit, startSandboxKit } from '../../support/sandbox-kit';
import { kafkaBrokerPage, runningSince, zookeeperServerPage } from '../../support/simulated-metrics';
import { imagesOf, partitionsWritten, startPromotion } from '../promotion-fixture';

let sandbox: InProcessSandboxKit;
afterEach(() => sandbox?.stop());

const METRICS_PORT = 9404;

function gateIo(): GateIo {
  const unused = () => Promise.reject(new Error('not used by data-aware gates'));
  return { fetch: unused, exec: unused, clock: sandbox.runtimeClock };
}

function gateResults(events: readonly PromotionEvent[]): string[] {
  return events.flatMap((event) => (event.type === 'gate-result' ? [`${event.step} ${event.passed} ${event.message}`] : []));
}

async function stagedWorkload(name: string, replicas = 3): Promise<void> {
  await sandbox.createStatefulSet(name, { replicas, updateStrategy: 'staged', ports: [{ name: 'metrics', containerPort: METRICS_PORT }] });
  sandbox.setImage(name, `${name}:2`);
  await sandbox.runUntil(() => sandbox.statefulSet(name).status?.observedGeneration === sandbox.statefulSet(name).metadata.generation);
}

function serveBrokerMetrics(catchUpMs: (image: string) => number): void {
  for (const pod of sandbox.pods('kafka')) {
    sandbox.podMetrics.set('default', pod.metadata.name!, METRICS_PORT,
      kafkaBrokerPage(sandbox.clock, (served) => ({ partitions: 3, catchUpMs: catchUpMs(served.spec.containers[0].image) })));
  }
}

describe('kafka gate', () => {
  test('each step waits for the restarted broker\'s partitions to catch up, then goes on', async () => {
    sandbox = await startSandboxKit();
    await stagedWorkload('kafka');
    // A broker on the new image leaves its partitions under-replicated for 40 s after it starts.
    serveBrokerMetrics((image) => (image === 'kafka:2' ? 40_000 : 0));
    const promotion = startPromotion(sandbox, {
      name: 'kafka', plan: 'canary', soakMs: 10_000, gates: [parseGate('kafka:min-isr')], gateIo: gateIo(), gateTimeoutMs: 120_000,
    });
    await sandbox.runUntil(promotion.settled);
    expect(await promotion.result()).toMatchObject({ phase: 'complete', step: 2 });
    expect(partitionsWritten(promotion.events)).toEqual([3, 2, 0]);
    expect(imagesOf(sandbox.pods('kafka'))).toEqual({ 'kafka-0': 'kafka:2', 'kafka-1': 'kafka:2', 'kafka-2': 'kafka:2' });
    const results = gateResults(promotion.events);
    expect(results[0]).toBe('0 true kafka:min-isr: 3 brokers: no under-replicated, offline or under-min-ISR partitions');
    // After each soak the gate found the step's brokers catching up and waited for them (polls every 5 s).
    expect(results.slice(1)).toEqual([
      expect.stringMatching(/^1 true kafka:min-isr: 3 brokers: no under-replicated, offline or under-min-ISR partitions \(after 3\d(\.\d+)?s\)$/),
      expect.stringMatching(/^2 true kafka:min-isr: 3 brokers: no under-replicated, offline or under-min-ISR partitions \(after 3\d(\.\d+)?s\)$/),
    ]);
    // While it waited it said what it waited for, once (the reading did not change until it passed).
    expect(promotion.events.filter((event) => event.type === 'gate-waiting' && event.step === 1)).toEqual([
      expect.objectContaining({ gate: 'kafka:min-isr', message: 'kafka:min-isr: kafka-2 reports 3 under-replicated partitions (orders-0, orders-1, orders-2)' }),
    ]);
    // The next step started only once kafka-2 had caught up.
    const step2 = promotion.events.find((event) => event.type === 'step-started' && event.step === 2)!;
    const canary = sandbox.pods('kafka').find((pod) => pod.metadata.name === 'kafka-2')!;
    expect(step2.at).toBeGreaterThanOrEqual(runningSince(canary)! + 40_000);
    expect(sandbox.promotionState('kafka')!.gates.filter((record) => record.gate === 'kafka:min-isr').map((record) => `${record.step}:${record.passed}`))
      .toEqual(['0:true', '1:true', '2:true']);
  });

  test('a broker that never catches up fails its step, naming it and its partitions, and is rolled back', async () => {
    sandbox = await startSandboxKit();
    await stagedWorkload('kafka');
    serveBrokerMetrics((image) => (image === 'kafka:2' ? Infinity : 0));
    const promotion = startPromotion(sandbox, {
      name: 'kafka', plan: 'canary', soakMs: 10_000, gates: [parseGate('kafka')], gateIo: gateIo(), gateTimeoutMs: 60_000, autoRollback: true,
    });
    await sandbox.runUntil(promotion.settled);
    const outcome = await promotion.result();
    expect(outcome.phase).toBe('rolled-back');
    expect(outcome.message).toContain('step 1 failed gate kafka: kafka-2 reports 3 under-replicated partitions (orders-0, orders-1, orders-2) (still so after 1m0s)');
    expect(promotion.events.find((event) => event.type === 'failed')).toMatchObject({ step: 1, kind: 'gate-failed' });
    expect(imagesOf(sandbox.pods('kafka'))).toEqual({ 'kafka-0': 'kafka:1', 'kafka-1': 'kafka:1', 'kafka-2': 'kafka:1' });
    // status shows the failed gate from the state annotation.
    expect(sandbox.promotionState('kafka')!.gates.find((record) => record.gate === 'kafka' && !record.passed)).toMatchObject({
      step: 1, message: 'kafka: kafka-2 reports 3 under-replicated partitions (orders-0, orders-1, orders-2) (still so after 1m0s)',
    });
  });

  test('a cluster already unhealthy is refused before the first step, and nothing moves', async () => {
    sandbox = await startSandboxKit();
    await stagedWorkload('kafka');
    // kafka-1 has been catching up forever; the others are fine.
    for (const pod of sandbox.pods('kafka')) {
      sandbox.podMetrics.set('default', pod.metadata.name!, METRICS_PORT,
        kafkaBrokerPage(sandbox.clock, (served) => ({ partitions: 1, catchUpMs: served.metadata.name === 'kafka-1' ? Infinity : 0 })));
    }
    const promotion = startPromotion(sandbox, {
      name: 'kafka', plan: 'canary', gates: [parseGate(`kafka:port=${METRICS_PORT}`)], gateIo: gateIo(), autoRollback: true,
    });
    await sandbox.runUntil(promotion.settled);
    expect(await promotion.result()).toMatchObject({
      phase: 'failed',
      failure: 'gate-failed',
      step: 0,
      message: 'refused before step 1: statefulset/kafka is not healthy: kafka:port=9404: kafka-1 reports 1 under-replicated partition (orders-0) (still so after 30s)',
    });
    expect(partitionsWritten(promotion.events)).toEqual([3]);
    expect(promotion.events.some((event) => event.type === 'rolling-back')).toBe(false);
    expect(imagesOf(sandbox.pods('kafka'))).toEqual({ 'kafka-0': 'kafka:1', 'kafka-1': 'kafka:1', 'kafka-2': 'kafka:1' });
  });

  test('brokers whose metrics nobody serves are named as unreachable', async () => {
    sandbox = await startSandboxKit();
    await stagedWorkload('kafka', 2);
    const promotion = startPromotion(sandbox, { name: 'kafka', plan: 'canary', gates: [parseGate('kafka')], gateIo: gateIo(), gateTimeoutMs: 5_000 });
    await sandbox.runUntil(promotion.settled);
    const ip = (name: string) => sandbox.pods('kafka').find((pod) => pod.metadata.name === name)!.status.podIP;
    expect((await promotion.result()).message).toBe('refused before step 1: statefulset/kafka is not healthy: kafka: '
      + `kafka-0: metrics unreachable on port 9404 (error trying to reach service: dial tcp ${ip('kafka-0')}:9404: connect: connection refused); `
      + `kafka-1: metrics unreachable on port 9404 (error trying to reach service: dial tcp ${ip('kafka-1')}:9404: connect: connection refused) (still so after 5s)`);
  });
});

describe('zookeeper gate', () => {
  test('blocks while a restarted follower has not synced with the leader', async () => {
    sandbox = await startSandboxKit();
    await stagedWorkload('zk');
    const syncMs = 25_000;
    for (const pod of sandbox.pods('zk')) {
      sandbox.podMetrics.set('default', pod.metadata.name!, METRICS_PORT,
        zookeeperServerPage(sandbox.clock, () => sandbox.pods('zk'), 'zk-0', (served) => (served.spec.containers[0].image === 'zk:2' ? syncMs : 0)));
    }
    const promotion = startPromotion(sandbox, {
      name: 'zk', plan: 'linear:1', soakMs: 5_000, gates: [parseGate('zookeeper')], gateIo: gateIo(), gateTimeoutMs: 60_000,
    });
    await sandbox.runUntil(promotion.settled);
    expect(await promotion.result()).toMatchObject({ phase: 'complete', step: 3 });
    const results = gateResults(promotion.events);
    expect(results[0]).toBe('0 true zookeeper: leader zk-0 with 2 of 2 followers synced (quorum size 3)');
    expect(results[1]).toMatch(/^1 true zookeeper: leader zk-0 with 2 of 2 followers synced \(quorum size 3\) \(after 2\d(\.\d+)?s\)$/);
    const follower = sandbox.pods('zk').find((pod) => pod.metadata.name === 'zk-2')!;
    const step2 = promotion.events.find((event) => event.type === 'step-started' && event.step === 2)!;
    expect(step2.at).toBeGreaterThanOrEqual(runningSince(follower)! + syncMs);
  });

  test('a follower that never syncs fails the step, naming it and the leader', async () => {
    sandbox = await startSandboxKit();
    await stagedWorkload('zk');
    for (const pod of sandbox.pods('zk')) {
      sandbox.podMetrics.set('default', pod.metadata.name!, METRICS_PORT,
        zookeeperServerPage(sandbox.clock, () => sandbox.pods('zk'), 'zk-0', (served) => (served.spec.containers[0].image === 'zk:2' ? Infinity : 0)));
    }
    const promotion = startPromotion(sandbox, { name: 'zk', plan: 'canary', gates: [parseGate('zookeeper')], gateIo: gateIo(), gateTimeoutMs: 30_000 });
    await sandbox.runUntil(promotion.settled);
    expect(await promotion.result()).toMatchObject({
      phase: 'failed',
      step: 1,
      message: 'step 1 failed gate zookeeper: zk-2 serves in no quorum (no quorum_size: it is looking for a leader or syncing); '
        + 'leader zk-0 has 1 of 2 followers synced (still so after 30s)',
    });
  });
});
