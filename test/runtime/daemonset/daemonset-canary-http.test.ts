// The DaemonSet node canary over real HTTP: @kubernetes/client-node 1.x (kube-cluster.ts) against the sandbox's API
// server with 10 nodes, on the virtual clock, with and without injected faults.
import { RolloutKeys } from '../../../src/keys';
import { promoteDaemonSet } from '../../../src/runtime/daemonset/daemonset-canary';
import { decideStageDaemonSet, switchToOnDeleteFields } from '../../../src/runtime/daemonset/daemonset-canary-strategy';
import { KubeDaemonSet, KubePod } from '../../../src/runtime/kube/kube-types';
import { PromotionEvent, PromotionOptions } from '../../../src/runtime/promotion/promotion-contract';
import { RESOURCES } from '../../../src/sandbox/api';
import { isReady } from '../../support/pod-readiness';
import { HttpSandboxKit, startSandboxKit } from '../../support/sandbox-kit';
import { daemonSetManifest } from '../../support/workload-manifests';

const STRATEGY = { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '20%', maxSurge: 0 } };

// Virtual time keeps these to a few seconds of wall time on an idle machine; the allowance is for a loaded runner.
jest.setTimeout(30_000);

let sandbox: HttpSandboxKit;

beforeEach(async () => {
  sandbox = await startSandboxKit({ transport: 'http', nodes: 10 });
  sandbox.api.create(RESOURCES.daemonSets, daemonSetManifest('node-exporter', {
    image: 'prom/node-exporter:v0.14.0', updateStrategy: STRATEGY, hostPort: 9100, podSpec: { hostNetwork: true },
  }));
  await sandbox.runUntil(() => pods().filter(isReady).length === 10);
  // `kubectl-stage stage ds/node-exporter`.
  const stage = decideStageDaemonSet(ds());
  const { patch, patchType } = stage as Extract<typeof stage, { action: 'patch' }>;
  await sandbox.runUntil(sandbox.cluster.patch('DaemonSet', 'default', 'node-exporter', patch, patchType));
});

afterEach(async () => {
  await sandbox.stop();
});

const ds = () => sandbox.api.get(RESOURCES.daemonSets, 'default', 'node-exporter') as unknown as KubeDaemonSet;
const pods = () => sandbox.api.list(RESOURCES.pods, { namespace: 'default', labelSelector: 'app=node-exporter' }).items as unknown as KubePod[];
const images = () => pods().filter((pod) => !pod.metadata.deletionTimestamp).map((pod) => pod.spec?.containers?.[0]?.image);

async function promote(options: Partial<PromotionOptions> = {}) {
  const events: PromotionEvent[] = [];
  const promotion = promoteDaemonSet({
    cluster: sandbox.cluster,
    clock: sandbox.runtimeClock,
    workload: { kind: 'DaemonSet', namespace: 'default', name: 'node-exporter' },
    holder: 'http-test',
    onEvent: (event) => events.push(event),
    ...options,
  });
  await sandbox.runUntil(promotion);
  return { outcome: await promotion, events };
}

const deletionsPerEvent = (events: readonly PromotionEvent[]) =>
  events.filter((event): event is Extract<PromotionEvent, { type: 'pods-deleted' }> => event.type === 'pods-deleted').map((event) => event.pods.length);

test('a 10-node canary over HTTP: 1 node, 30%, then every node, two at a time (maxUnavailable 20%), strategy restored', async () => {
  sandbox.setImage('node-exporter', 'prom/node-exporter:v0.15.0', { kind: 'DaemonSet' });
  const { outcome, events } = await promote({ plan: 'canary,30%', soakMs: 10_000 });
  expect(outcome).toMatchObject({ phase: 'complete', step: 3 });
  expect(events.filter((event) => event.type === 'canary-step-started').map((event) => (event as { nodes: readonly string[] }).nodes.length))
    .toEqual([0, 1, 3, 10]);
  // 20% of 10 nodes rounds up to 2 pods at a time: never more per deletion.
  expect(Math.max(...deletionsPerEvent(events))).toBe(2);
  expect(deletionsPerEvent(events).reduce((sum, count) => sum + count, 0)).toBe(10);
  expect(images()).toEqual(Array(10).fill('prom/node-exporter:v0.15.0'));
  expect(ds().spec.updateStrategy).toEqual(STRATEGY);
  expect(ds().metadata.annotations?.[RolloutKeys.ORIGINAL_STRATEGY_ANNOTATION]).toBeUndefined();
  // list+watch, not polling.
  expect(outcome.apiRequests).toBeLessThan(120);
});

test('injected 409s, 500s and dropped watches: the canary still ends with every pod updated and the strategy back', async () => {
  sandbox.sandbox.setFaults({
    seed: 5,
    conflictRate: 0.3,
    serverErrorRate: 0.2,
    dropWatchAfterEvents: 4,
    only: ['patch daemonsets', 'delete pods', 'list controllerrevisions', 'get daemonsets', '* leases'],
  });
  sandbox.setImage('node-exporter', 'prom/node-exporter:v0.15.0', { kind: 'DaemonSet' });
  const { outcome, events } = await promote({ plan: 'canary,50%' });
  expect(outcome).toMatchObject({ phase: 'complete', step: 3 });
  expect(events.some((event) => event.type === 'conflict')).toBe(true);
  expect(images()).toEqual(Array(10).fill('prom/node-exporter:v0.15.0'));
  expect(pods().every(isReady)).toBe(true);
  expect(ds().spec.updateStrategy).toEqual(STRATEGY);
});

test('the seed\'s bad image halts at the first node and is rolled back over HTTP (strategic merge patch of its ControllerRevision)', async () => {
  const oldHash = pods()[0].metadata.labels?.[RolloutKeys.CONTROLLER_REVISION_HASH_LABEL];
  sandbox.setImage('node-exporter', 'prom/node-exporter:bad', { kind: 'DaemonSet' });
  const { outcome, events } = await promote({ plan: 'canary,50%', autoRollback: true });
  expect(outcome.phase).toBe('rolled-back');
  expect(events.filter((event) => event.type === 'pods-deleted').flatMap((event) => (event as { pods: readonly { node: string }[] }).pods.map((pod) => pod.node)))
    .toEqual(['node-1', 'node-1']);
  expect(images()).toEqual(Array(10).fill('prom/node-exporter:v0.14.0'));
  expect(pods().map((pod) => pod.metadata.labels?.[RolloutKeys.CONTROLLER_REVISION_HASH_LABEL])).toEqual(Array(10).fill(oldHash));
  expect(ds().spec.template.spec?.containers?.[0].image).toBe('prom/node-exporter:v0.14.0');
  expect(ds().spec.updateStrategy).toEqual(STRATEGY);
});

// The strategy fields of each main-resource managedFields entry, by manager and operation.
function strategyOwners(): Record<string, unknown> {
  const entries = (ds().metadata as { managedFields?: any[] }).managedFields ?? [];
  return Object.fromEntries(entries.filter((entry) => !entry.subresource && entry.fieldsV1?.['f:spec']?.['f:updateStrategy'])
    .map((entry) => [`${entry.manager}/${entry.operation}`, entry.fieldsV1['f:spec']['f:updateStrategy']]));
}

test('the canary writes as kubectl-stage with server-side apply: it owns OnDelete and its state after a step, the original strategy at the end', async () => {
  sandbox.setImage('node-exporter', 'prom/node-exporter:v0.15.0', { kind: 'DaemonSet' });
  const { outcome } = await promote({ plan: 'canary,30%', target: { kind: 'step' }, soakMs: 1_000 });
  expect(outcome).toMatchObject({ phase: 'complete', step: 1 });
  // The rollingUpdate the creator set stays beside OnDelete: an apply removes only what its manager owned alone.
  expect(ds().spec.updateStrategy).toEqual({ type: 'OnDelete', rollingUpdate: STRATEGY.rollingUpdate });
  expect(strategyOwners()).toEqual({ 'kubectl-stage/Apply': { 'f:type': {} } });
  const applied = ((ds().metadata as { managedFields?: any[] }).managedFields ?? []).find((entry) => entry.manager === 'kubectl-stage');
  const annotations = { [`f:${RolloutKeys.STATE_ANNOTATION}`]: {}, [`f:${RolloutKeys.ORIGINAL_STRATEGY_ANNOTATION}`]: {} };
  expect(applied).toMatchObject({ operation: 'Apply', fieldsV1: { 'f:metadata': { 'f:annotations': annotations } } });

  const rest = await promote({ plan: 'canary,30%', target: { kind: 'all' }, soakMs: 1_000 });
  expect(rest.outcome).toMatchObject({ phase: 'complete' });
  expect(ds().spec.updateStrategy).toEqual(STRATEGY);
  expect(ds().metadata.annotations?.[RolloutKeys.ORIGINAL_STRATEGY_ANNOTATION]).toBeUndefined();
  expect(strategyOwners()).toEqual({ 'kubectl-stage/Apply': { 'f:type': {}, 'f:rollingUpdate': { 'f:maxSurge': {}, 'f:maxUnavailable': {} } } });
});

test('a record of the original strategy another manager also wrote (an older kubectl-stage\'s merge patch) is still removed at the end', async () => {
  // Staged as kubectl-stage did before it applied: the same fields, as a merge patch (an Update, owned apart from the applies).
  await sandbox.runUntil(sandbox.cluster.patch('DaemonSet', 'default', 'node-exporter', { spec: { updateStrategy: { type: 'RollingUpdate' } } }, 'apply'));
  await sandbox.runUntil(sandbox.cluster.patch('DaemonSet', 'default', 'node-exporter', switchToOnDeleteFields(ds()), 'merge'));
  expect(ds().metadata.annotations?.[RolloutKeys.ORIGINAL_STRATEGY_ANNOTATION]).toBeDefined();
  sandbox.setImage('node-exporter', 'prom/node-exporter:v0.15.0', { kind: 'DaemonSet' });
  const { outcome } = await promote({ plan: 'canary', soakMs: 1_000 });
  expect(outcome).toMatchObject({ phase: 'complete' });
  expect(ds().spec.updateStrategy).toEqual(STRATEGY);
  expect(ds().metadata.annotations?.[RolloutKeys.ORIGINAL_STRATEGY_ANNOTATION]).toBeUndefined();
});
