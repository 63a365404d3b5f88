// The DaemonSet node canary end to end against the in-process sandbox (real store, DaemonSet controller, scheduler and
// kubelets on a VirtualClock), through the runtime's Cluster interface.
import { RolloutKeys } from '../../../src/keys';
import { Cluster } from '../../../src/runtime/cluster/cluster';
import { promoteDaemonSet } from '../../../src/runtime/daemonset/daemonset-canary';
import { decideStageDaemonSet } from '../../../src/runtime/daemonset/daemonset-canary-strategy';
import { KubeDaemonSet, KubePod } from '../../../src/runtime/kube/kube-types';
import { PromotionEvent, PromotionOptions, PromotionOutcome } from '../../../src/runtime/promotion/promotion-contract';
import { controlPromotion } from '../../../src/runtime/promotion/promotion-control';
import { decodePromotionState } from '../../../src/runtime/promotion/promotion-state';
import { RuntimeError } from '../../../src/runtime/runtime-error';
import { RESOURCES } from '../../../src/sandbox/api';
import { KubeletOptions, PodFailureMode } from '../../../src/sandbox/controllers';
import { isReady } from '../../support/pod-readiness';
import { InProcessSandboxKit, startSandboxKit } from '../../support/sandbox-kit';
import { daemonSetManifest } from '../../support/workload-manifests';

const AGENT = { kind: 'DaemonSet' as const, namespace: 'default', name: 'agent' };
const ORIGINAL_STRATEGY = { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } };

let sandbox: InProcessSandboxKit;
afterEach(() => sandbox?.stop());

const ds = () => sandbox.api.get(RESOURCES.daemonSets, 'default', 'agent') as unknown as KubeDaemonSet;
const pods = () => sandbox.api.list(RESOURCES.pods, { namespace: 'default', labelSelector: 'app=agent' }).items as unknown as KubePod[];
const state = () => decodePromotionState(ds().metadata.annotations?.[RolloutKeys.STATE_ANNOTATION], 'daemonset/agent');
const imagesByNode = () => Object.fromEntries(pods().filter((pod) => !pod.metadata.deletionTimestamp)
  .map((pod) => [pod.spec?.nodeName, pod.spec?.containers?.[0]?.image]));

/** 10 nodes running agent:1, staged (OnDelete, strategy recorded), then the template changed to `image`. */
async function stagedAgent(image: string, kubelet: KubeletOptions = {}): Promise<void> {
  sandbox = await startSandboxKit({ nodes: 10, kubelet });
  sandbox.api.create(RESOURCES.daemonSets, daemonSetManifest('agent', { image: 'agent:1', updateStrategy: ORIGINAL_STRATEGY, hostPort: 9100 }));
  await sandbox.runUntil(() => pods().length === 10 && pods().every(isReady) && ds().status?.numberAvailable === 10);
  const stage = decideStageDaemonSet(ds());
  expect(stage.action).toBe('patch');
  const { patch, patchType } = stage as Extract<typeof stage, { action: 'patch' }>;
  await sandbox.cluster.patch('DaemonSet', 'default', 'agent', patch, patchType);
  sandbox.setImage('agent', image, { kind: 'DaemonSet' });
  await sandbox.runUntil(() => ds().status?.observedGeneration === ds().metadata.generation);
}

interface RunningCanary {
  readonly events: PromotionEvent[];
  readonly promise: Promise<PromotionOutcome>;
  settled(): boolean;
}

function startCanary(options: Partial<PromotionOptions> & { cluster?: Cluster } = {}): RunningCanary {
  const events: PromotionEvent[] = [];
  let settled = false;
  const promise = promoteDaemonSet({
    cluster: sandbox.cluster,
    clock: sandbox.runtimeClock,
    workload: AGENT,
    holder: 'test-promoter',
    ...options,
    onEvent: (event) => events.push(event),
  });
  promise.then(() => { settled = true; }, () => { settled = true; });
  return { events, promise, settled: () => settled };
}

const stepNodes = (events: readonly PromotionEvent[]) => events
  .filter((event): event is Extract<PromotionEvent, { type: 'canary-step-started' }> => event.type === 'canary-step-started')
  .map((event) => [event.step, event.nodes]);
const deletedNodes = (events: readonly PromotionEvent[]) => events
  .filter((event): event is Extract<PromotionEvent, { type: 'pods-deleted' }> => event.type === 'pods-deleted')
  .flatMap((event) => event.pods.map((pod) => pod.node));

// Watches the store: the most nodes whose daemon pod was not Ready at the same time, and whether a node ever ran two.
function watchAvailability(): { maxUnavailable: () => number; maxPodsOnANode: () => number; stop: () => void } {
  let maxUnavailable = 0;
  let maxPodsOnANode = 0;
  const stop = sandbox.api.watch(RESOURCES.pods, { namespace: 'default', labelSelector: 'app=agent' }, () => {
    const live = pods();
    const nodes = new Map<string, KubePod[]>();
    live.forEach((pod) => nodes.set(pod.spec?.nodeName ?? '', [...(nodes.get(pod.spec?.nodeName ?? '') ?? []), pod]));
    const ready = new Set(live.filter((pod) => isReady(pod) && !pod.metadata.deletionTimestamp).map((pod) => pod.spec?.nodeName));
    maxUnavailable = Math.max(maxUnavailable, 10 - ready.size);
    maxPodsOnANode = Math.max(maxPodsOnANode, ...[...nodes.values()].map((list) => list.length));
  });
  return { maxUnavailable: () => maxUnavailable, maxPodsOnANode: () => maxPodsOnANode, stop };
}

describe('promoteDaemonSet', () => {
  test('a 10-node canary: node-1, then half the nodes, then all, one node at a time, then the strategy comes back', async () => {
    await stagedAgent('agent:2');
    const availability = watchAvailability();
    const canary = startCanary({ plan: 'canary,50%', soakMs: 30_000 });
    await sandbox.runUntil(canary.settled);
    availability.stop();
    const outcome = await canary.promise;
    const revision = state()!.updateRevision;
    expect(outcome).toMatchObject({ phase: 'complete', step: 3, message: `every pod of daemonset/agent is on revision ${revision}` });
    expect(canary.events[0]).toMatchObject({ type: 'started', plan: 'canary,50%', partitions: [0, 1, 5, 10], step: 0, targetStep: 3, resumed: false });
    expect(stepNodes(canary.events)).toEqual([
      [0, []],
      [1, ['node-1']],
      [2, ['node-1', 'node-2', 'node-3', 'node-4', 'node-5']],
      [3, ['node-1', 'node-2', 'node-3', 'node-4', 'node-5', 'node-6', 'node-7', 'node-8', 'node-9', 'node-10']],
    ]);
    expect(deletedNodes(canary.events)).toEqual(['node-1', 'node-2', 'node-3', 'node-4', 'node-5', 'node-6', 'node-7', 'node-8', 'node-9', 'node-10']);
    expect(canary.events.filter((event) => event.type === 'pods-deleted').map((event) => (event as { pods: readonly unknown[] }).pods.length))
      .toEqual(Array(10).fill(1));
    // The budget is the original maxUnavailable (1); the old pod is gone before the new one exists (hostPort safe).
    expect(availability.maxUnavailable()).toBe(1);
    expect(availability.maxPodsOnANode()).toBe(1);
    expect(Object.values(imagesByNode())).toEqual(Array(10).fill('agent:2'));
    expect(ds().spec.updateStrategy).toEqual(ORIGINAL_STRATEGY);
    expect(ds().metadata.annotations?.[RolloutKeys.ORIGINAL_STRATEGY_ANNOTATION]).toBeUndefined();
    expect(state()).toMatchObject({ kind: 'DaemonSet', phase: 'complete', step: 3, plan: 'canary,50%' });
    expect(state()!.gates.map((record) => `${record.step}:${record.gate}:${record.passed}`))
      .toEqual(['0:built-in:true', '1:built-in:true', '1:soak:true', '2:built-in:true', '2:soak:true', '3:built-in:true', '3:soak:true']);
  });

  test('a bad image halts at the first node; with --auto-rollback the template and that node go back, then the strategy', async () => {
    await stagedAgent('agent:bad');
    const previous = ds();
    const oldHash = pods()[0].metadata.labels?.[RolloutKeys.CONTROLLER_REVISION_HASH_LABEL];
    const canary = startCanary({ plan: 'canary,50%', autoRollback: true });
    await sandbox.runUntil(canary.settled);
    const outcome = await canary.promise;
    expect(outcome.phase).toBe('rolled-back');
    expect(outcome.message).toMatch(/^rolled back to revision [a-z0-9]+: step 1 failed: pod agent-[a-z0-9]+: (ErrImagePull|ImagePullBackOff)/);
    expect(canary.events.map((event) => event.type)).toContain('rolling-back');
    // Only node-1 ever moved: its pod was replaced by the bad one, then by the restored template.
    expect(deletedNodes(canary.events)).toEqual(['node-1', 'node-1']);
    expect(Object.values(imagesByNode())).toEqual(Array(10).fill('agent:1'));
    expect(pods().every(isReady)).toBe(true);
    expect(ds().spec.template.spec?.containers?.[0].image).toBe('agent:1');
    expect(ds().spec.updateStrategy).toEqual(ORIGINAL_STRATEGY);
    expect(state()).toMatchObject({ phase: 'rolled-back', step: 1, previousRevision: oldHash });
    expect(pods().map((pod) => pod.metadata.labels?.[RolloutKeys.CONTROLLER_REVISION_HASH_LABEL])).toEqual(Array(10).fill(oldHash));
    expect(canary.events.find((event) => event.type === 'failed')).toMatchObject({ kind: 'gate-failed', step: 1 });
    expect(ds().metadata.generation).toBeGreaterThan(previous.metadata.generation!);
  });

  test('a canary pod that loses readiness during the soak (infant mortality) is rolled back', async () => {
    await stagedAgent('agent:2', {
      failureRules: [{ mode: PodFailureMode.FLAPPING_READINESS, image: 'agent:2', readyForMs: 20_000, unreadyForMs: 10_000 }],
    });
    const canary = startCanary({ plan: 'canary,50%', soakMs: 120_000, autoRollback: true });
    await sandbox.runUntil(canary.settled);
    const outcome = await canary.promise;
    expect(canary.events.filter((event) => event.type === 'soak-started').map((event) => (event as { step: number }).step)).toEqual([1]);
    expect(outcome.phase).toBe('rolled-back');
    expect(outcome.message).toMatch(/infant mortality during the soak of step 1: pod agent-[a-z0-9]+ lost readiness during the soak/);
    expect(deletedNodes(canary.events)).toEqual(['node-1', 'node-1']);
    expect(Object.values(imagesByNode())).toEqual(Array(10).fill('agent:1'));
    expect(ds().spec.updateStrategy).toEqual(ORIGINAL_STRATEGY);
  });

  test('a bad image without rollback stops at the first node and keeps OnDelete, saying how to restore the strategy', async () => {
    await stagedAgent('agent:bad');
    const canary = startCanary({ plan: 'canary,50%' });
    await sandbox.runUntil(canary.settled);
    const outcome = await canary.promise;
    expect(outcome).toMatchObject({ phase: 'failed', failure: 'gate-failed', step: 1 });
    expect(outcome.message).toContain('daemonset/agent stays OnDelete so no more pods move: run promote again, undo, or restore its strategy with: '
      + 'kubectl patch daemonset/agent --type merge -p \'{"metadata":{"annotations":{"staged-rollouts.io/original-strategy":null}},'
      + '"spec":{"updateStrategy":{"type":"RollingUpdate","rollingUpdate":{"maxUnavailable":1,"maxSurge":0}}}}\'');
    const images = imagesByNode();
    expect(images['node-1']).toBe('agent:bad');
    expect(Object.values(images).filter((image) => image === 'agent:1')).toHaveLength(9);
    expect(ds().spec.updateStrategy?.type).toBe('OnDelete');
    expect(state()).toMatchObject({ phase: 'failed', step: 1 });
  });

  test('killed mid-step and run again: it resumes from the state and the pods, and finishes', async () => {
    await stagedAgent('agent:2');
    const stop = new AbortController();
    const first = startCanary({ plan: 'canary,50%', signal: stop.signal });
    await sandbox.runUntil(() => deletedNodes(first.events).includes('node-3'));
    stop.abort();
    await sandbox.runUntil(first.settled);
    expect(await first.promise).toMatchObject({ phase: 'interrupted', step: 2 });
    expect(state()).toMatchObject({ phase: 'progressing', step: 2 });
    // The rerun needs no --plan: the state has it.
    const second = startCanary();
    await sandbox.runUntil(second.settled);
    expect(await second.promise).toMatchObject({ phase: 'complete', step: 3 });
    expect(second.events[0]).toMatchObject({ type: 'started', plan: 'canary,50%', step: 2, resumed: true });
    expect(deletedNodes(second.events)[0]).not.toBe('node-1');
    expect(new Set([...deletedNodes(first.events), ...deletedNodes(second.events)]).size).toBe(10);
    expect(Object.values(imagesByNode())).toEqual(Array(10).fill('agent:2'));
    expect(ds().spec.updateStrategy).toEqual(ORIGINAL_STRATEGY);
  });

  test('kubectl-stage pause holds the next step and resume continues; abort stops with pods where they are and OnDelete kept', async () => {
    await stagedAgent('agent:2');
    const canary = startCanary({ plan: 'canary,50%' });
    await sandbox.runUntil(() => stepNodes(canary.events).some(([step]) => step === 1));
    await controlPromotion(sandbox.cluster, sandbox.runtimeClock, AGENT, 'pause', 'operator');
    await sandbox.runUntil(() => canary.events.some((event) => event.type === 'paused'));
    expect(canary.events.find((event) => event.type === 'paused')).toMatchObject({ step: 1 });
    expect(Object.entries(imagesByNode()).filter(([, image]) => image === 'agent:2').map(([node]) => node)).toEqual(['node-1']);
    await controlPromotion(sandbox.cluster, sandbox.runtimeClock, AGENT, 'resume', 'operator');
    await sandbox.runUntil(() => deletedNodes(canary.events).includes('node-3'));
    await controlPromotion(sandbox.cluster, sandbox.runtimeClock, AGENT, 'abort', 'operator');
    await sandbox.runUntil(canary.settled);
    const outcome = await canary.promise;
    expect(outcome).toMatchObject({ phase: 'aborted', step: 2 });
    expect(outcome.message).toMatch(/^aborted at step 2 of 3; pods stay where they are; daemonset\/agent stays OnDelete so no more pods move/);
    expect(state()).toMatchObject({ phase: 'aborted', abortRequested: false });
    expect(ds().spec.updateStrategy?.type).toBe('OnDelete');
    // The nodes after node-3 were never touched.
    expect(['node-6', 'node-7', 'node-8', 'node-9', 'node-10'].map((node) => imagesByNode()[node])).toEqual(Array(5).fill('agent:1'));
  });

  test('a nodes= step moves the labelled nodes first', async () => {
    await stagedAgent('agent:2');
    for (const name of ['node-4', 'node-9']) {
      const node = sandbox.api.get(RESOURCES.nodes, undefined, name)!;
      sandbox.api.update(RESOURCES.nodes, { ...node, metadata: { ...node.metadata, labels: { ...node.metadata.labels, canary: 'yes' } } });
    }
    const canary = startCanary({ plan: 'nodes=canary=yes', target: { kind: 'step' } });
    await sandbox.runUntil(canary.settled);
    expect(await canary.promise).toMatchObject({ phase: 'complete', step: 1, message: 'step 1 of 2 complete' });
    expect(stepNodes(canary.events)).toEqual([[0, []], [1, ['node-4', 'node-9']]]);
    expect(Object.entries(imagesByNode()).filter(([, image]) => image === 'agent:2').map(([node]) => node).sort()).toEqual(['node-4', 'node-9']);
    // A partial target keeps OnDelete: the other nodes must not move.
    expect(ds().spec.updateStrategy?.type).toBe('OnDelete');
  });

  test('two canaries at once: the second is refused with lock-held before it announces anything, the first completes', async () => {
    await stagedAgent('agent:2');
    const first = startCanary({ plan: 'canary', holder: 'alice/1' });
    await sandbox.runUntil(() => state() !== undefined);
    const second = startCanary({ plan: 'canary', holder: 'bob/2' });
    const refusal = second.promise.catch((error) => error);
    await sandbox.runUntil(second.settled);
    const error = await refusal;
    expect(RuntimeError.is(error, 'lock-held')).toBe(true);
    expect(error.message).toMatch(/^daemonset\/agent is being promoted by alice\/1 /);
    // `started` comes after the Lease, as for a StatefulSet: the refused canary says nothing but why it was refused.
    expect(second.events).toEqual([]);
    await sandbox.runUntil(first.settled);
    expect(await first.promise).toMatchObject({ phase: 'complete' });
    expect(first.events[0]).toMatchObject({ type: 'started', plan: 'canary', resumed: false });
  });

  test('bad input fails before any change, naming the value', async () => {
    await stagedAgent('agent:2');
    const before = ds().metadata.resourceVersion;
    await expect(startCanary({ plan: 'nodes=zone=mars' }).promise).rejects.toThrow(new RuntimeError('bad-input',
      'DaemonSet canary plan "nodes=zone=mars": step "nodes=zone=mars" matches none of the 10 nodes running daemonset/agent '
      + '(node-1, node-2, node-3, node-4, node-5, ...); check the node labels with "kubectl get nodes --show-labels"'));
    await expect(startCanary({ plan: '0%' }).promise).rejects.toThrow(
      'invalid DaemonSet canary plan "0%" from --plan: step "0%": a percentage must be between 1% and 100%');
    await expect(startCanary({ workload: { ...AGENT, name: 'missing' } }).promise).rejects.toThrow(
      'daemonsets.apps "missing" not found');
    await expect(startCanary().promise).rejects.toThrow('daemonset/agent has no node canary plan: pass --plan');
    expect(ds().metadata.resourceVersion).toBe(before);
  });
});
