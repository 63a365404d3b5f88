// `status --watch` while a promotion runs: it follows the promotion to its end instead of stopping at the first staged
// or step-complete report, and advises no command the promoter is about to run. A promotion whose promoter is gone
// (its Lease not renewed) is reported as stopped once the Lease expires.
import { RolloutKeys } from '../../../src/keys';
import { formatMicroTime } from '../../../src/runtime/promotion/promotion-lock';
import { encodePromotionState } from '../../../src/runtime/promotion/promotion-state';
import { RolloutReport } from '../../../src/runtime/rollout/rollout-report';
import { watchRollout, WatchRolloutEnd } from '../../../src/runtime/rollout/rollout-watch';
import { RESOURCES } from '../../../src/sandbox/api';
import { InProcessSandboxKit, startSandboxKit } from '../../support/sandbox-kit';
import { startPromotion } from '../promotion-fixture';

let sandbox: InProcessSandboxKit;
afterEach(() => sandbox?.stop());

const KAFKA = { kind: 'StatefulSet' as const, namespace: 'default', name: 'kafka' };

async function stagedKafka(): Promise<void> {
  await sandbox.createStatefulSet('kafka', { replicas: 3, updateStrategy: 'staged' });
  sandbox.setImage('kafka', 'kafka:2');
  await sandbox.runUntil(() => sandbox.statefulSet('kafka').status?.observedGeneration === sandbox.statefulSet('kafka').metadata.generation);
}

function startWatch(): { reports: RolloutReport[]; end: () => WatchRolloutEnd | undefined } {
  const reports: RolloutReport[] = [];
  let end: WatchRolloutEnd | undefined;
  void watchRollout({ cluster: sandbox.cluster, clock: sandbox.runtimeClock, ref: KAFKA, onReport: (report) => reports.push(report) })
    .then((result) => { end = result; });
  return { reports, end: () => end };
}

test('a watch started with the promotion follows it through staged and soaking steps to complete', async () => {
  sandbox = await startSandboxKit();
  await stagedKafka();
  const promotion = startPromotion(sandbox, { name: 'kafka', plan: 'canary', soakMs: 60_000, holder: 'ci/7/s/n' });
  // The promoter holds its Lease and has written step 0 (still staged): the watch starts here.
  await sandbox.runUntil(() => sandbox.promotionState('kafka')?.phase === 'progressing' && sandbox.promotionState('kafka')?.step === 1);
  const watch = startWatch();
  await sandbox.runUntil(() => watch.end() !== undefined);
  expect((await promotion.result()).phase).toBe('complete');
  expect(watch.end()).toBe('promotion-ended');
  const last = watch.reports[watch.reports.length - 1];
  expect(last).toMatchObject({ phase: 'complete', promotion: { phase: 'complete' } });
  // It saw the soaking canary step, and never advised a promote while the promoter ran.
  expect(watch.reports.some((report) => report.phase === 'step-complete' && /step 1 soaking since/.test(report.message))).toBe(true);
  expect(watch.reports.filter((report) => /promote to/.test(report.message))).toEqual([]);
});

test('a promotion whose promoter died is reported stopped once its Lease expires, advising the rerun that resumes it', async () => {
  sandbox = await startSandboxKit();
  await stagedKafka();
  const sts = sandbox.api.get(RESOURCES.statefulSets, 'default', 'kafka')!;
  const now = sandbox.clock.now();
  const at = new Date(now).toISOString();
  const state = {
    version: 1,
    kind: 'StatefulSet',
    plan: 'canary',
    step: 0,
    targetStep: 2,
    phase: 'progressing',
    paused: false,
    abortRequested: false,
    updateRevision: sts.status.updateRevision,
    previousRevision: sts.status.currentRevision,
    startedAt: at,
    stepStartedAt: at,
    gates: [],
    holder: 'ci/7/s/n',
  } as const;
  sts.metadata.annotations = { ...sts.metadata.annotations, [RolloutKeys.STATE_ANNOTATION]: encodePromotionState(state) };
  sandbox.api.update(RESOURCES.statefulSets, sts);
  sandbox.api.create(RESOURCES.leases, {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: { name: 'statefulset-kafka-stage', namespace: 'default' },
    spec: { holderIdentity: 'ci/7/s/n', leaseDurationSeconds: 30, renewTime: formatMicroTime(now), acquireTime: formatMicroTime(now) },
  });
  const watch = startWatch();
  await sandbox.runUntil(() => watch.end() !== undefined);
  expect(watch.end()).toBe('settled');
  expect(sandbox.clock.now()).toBe(now + 30_000);
  expect(watch.reports.map((report) => report.settled)).toEqual([false, true]);
  expect(watch.reports[1].message).toMatch(/the promotion stopped at step 0 \(no promoter holds its Lease\): run "kubectl-stage promote sts\/kafka" to resume it$/);
});
