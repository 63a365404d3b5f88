import { RolloutKeys } from '../../../src/keys';
import { KubeDaemonSet, KubeStatefulSet } from '../../../src/runtime/kube/kube-types';
import { encodePromotionState } from '../../../src/runtime/promotion/promotion-state';
import { daemonSetReport, promoterPresence, statefulSetReport } from '../../../src/runtime/rollout/rollout-report';
import { daemonSet, NOW, pod, promotionState, statefulSet } from '../kube-fixtures';
import { revision, withTemplate } from '../revision-fixtures';

function annotate<T extends KubeStatefulSet | KubeDaemonSet>(workload: T, annotations: Record<string, string>): T {
  return { ...workload, metadata: { ...workload.metadata, annotations } };
}

const old = (name: string) => pod({ name, revision: 'web-old', readyForSeconds: 600 });
const updated = (name: string) => pod({ name, revision: 'web-new', readyForSeconds: 600 });

describe('statefulSetReport', () => {
  test('a staged update is staged, not complete as kubectl says, with its plan step', () => {
    const sts = annotate(statefulSet({ partition: 32767 }), { [RolloutKeys.PLAN_ANNOTATION]: 'canary' });
    const report = statefulSetReport(sts, [old('web-0'), old('web-1'), old('web-2')], NOW);
    expect(report.phase).toBe('staged');
    expect(report.settled).toBe(true);
    expect(report.position).toEqual({ plan: 'canary', step: 0, steps: 2 });
    expect(report.message).toBe('statefulset/web: update staged (step 0 of 2): 0 of 3 pods on revision web-new; promote to roll it out');
    expect(report.kubectl).toEqual({ message: 'partitioned roll out complete: 0 new pods have been updated...', done: true });
    expect(report.revisions.map((group) => [group.revision, group.role, group.pods.map((p) => p.name)]))
      .toEqual([['web-old', 'current', ['web-0', 'web-1', 'web-2']]]);
  });

  test('a step whose pods are on the new revision, Ready and Available, is complete; the plan says which', () => {
    const sts = annotate(statefulSet({ partition: 2, updatedReplicas: 1 }), { [RolloutKeys.PLAN_ANNOTATION]: 'canary' });
    const report = statefulSetReport(sts, [old('web-0'), old('web-1'), updated('web-2')], NOW);
    expect(report.phase).toBe('step-complete');
    expect(report.message).toBe('statefulset/web: step 1 of 2 complete: 1 of 3 pods on revision web-new, Ready and Available; '
      + '2 to go, promote to continue');
    expect(report.revisions.map((group) => group.role)).toEqual(['update', 'current']);
  });

  test('Ready pods of the old revision never count: the step is rolling and names the blocking pod and why', () => {
    const sts = statefulSet({ partition: 2 });
    const report = statefulSetReport(sts, [old('web-0'), old('web-1'),
      pod({ name: 'web-2', revision: 'web-new', waiting: { reason: 'ImagePullBackOff', message: 'Back-off pulling image "app:2"' } })], NOW);
    expect(report.phase).toBe('rolling');
    expect(report.settled).toBe(false);
    expect(report.message).toBe('statefulset/web: rolling (partition 2): 1 of 3 pods on revision web-new; waiting for web-2 '
      + '(not Ready (ImagePullBackOff - Back-off pulling image "app:2"))');
    expect(report.blocking.map((entry) => entry.pod)).toEqual(['web-2']);
    expect(report.updated).toBe(1);
    expect(report.updatedAvailable).toBe(0);
  });

  test('unschedulable and old-revision pods in the step are blocking', () => {
    const report = statefulSetReport(statefulSet({ partition: 1 }), [old('web-0'), old('web-1'),
      pod({ name: 'web-2', revision: 'web-new', unschedulable: '0/3 nodes are available: 3 Insufficient cpu.' })], NOW);
    expect(report.blocking.map((entry) => [entry.pod, entry.reason])).toEqual([
      ['web-2', 'not Ready (Unschedulable - 0/3 nodes are available: 3 Insufficient cpu.)'],
      ['web-1', 'on revision web-old, waiting to be replaced by web-new'],
    ]);
  });

  test('complete only when every pod runs the update revision, Ready and Available after minReadySeconds', () => {
    const sts = statefulSet({ partition: 0, minReadySeconds: 30 });
    const fresh = pod({ name: 'web-0', revision: 'web-new', readyForSeconds: 10 });
    expect(statefulSetReport(sts, [fresh, updated('web-1'), updated('web-2')], NOW).phase).toBe('rolling');
    const report = statefulSetReport(sts, [updated('web-0'), updated('web-1'), updated('web-2')], NOW);
    expect(report.phase).toBe('complete');
    expect(report.message).toBe('statefulset/web: rollout complete: 3 of 3 pods on revision web-new, Ready and Available');
  });

  test('a missing pod keeps the rollout from complete', () => {
    const report = statefulSetReport(statefulSet({ partition: 0 }), [updated('web-0'), updated('web-1')], NOW);
    expect(report.phase).toBe('rolling');
    expect(report.blocking).toEqual([{ pod: 'web-2', ordinal: 2, reason: 'not created yet', problems: [] }]);
  });

  test('OnDelete: judged by pod revisions, currentRevision (never updated upstream) is not reported', () => {
    const sts = statefulSet({ strategy: 'OnDelete', currentRevision: 'web-old', updateRevision: 'web-new' });
    const staged = statefulSetReport(sts, [old('web-0'), old('web-1'), old('web-2')], NOW);
    expect(staged.phase).toBe('staged');
    expect(staged.currentRevision).toBeUndefined();
    expect(staged.message).toBe('statefulset/web: update staged (OnDelete: pods move to web-new only when deleted): 0 of 3 pods on revision web-new');
    const rolling = statefulSetReport(sts, [old('web-0'), old('web-1'), updated('web-2')], NOW);
    expect(rolling.phase).toBe('rolling');
    expect(rolling.blocking.map((entry) => entry.pod)).toEqual(['web-0', 'web-1']);
    const done = statefulSetReport({ ...sts, status: { ...sts.status, currentRevision: 'web-old' } },
      [updated('web-0'), updated('web-1'), updated('web-2')], NOW);
    expect(done.phase).toBe('complete');
    expect(done.kubectl.error).toBe('rollout status is only available for RollingUpdate strategy type');
  });

  test('OnDelete names every blocking pod lowest ordinal first, in whatever order the pods were listed', () => {
    const sts = statefulSet({ strategy: 'OnDelete', replicas: 4 });
    const report = statefulSetReport(sts, [old('web-3'), updated('web-2'), old('web-0')], NOW);
    expect(report.blocking.map((entry) => [entry.pod, entry.reason])).toEqual([
      ['web-0', 'on revision web-old, waiting to be replaced by web-new'],
      ['web-1', 'not created yet'],
      ['web-3', 'on revision web-old, waiting to be replaced by web-new'],
    ]);
    expect(report.message).toBe('statefulset/web: rolling (OnDelete: pods move to web-new only when deleted): 1 of 4 pods on revision '
      + 'web-new; waiting for web-0 (on revision web-old, waiting to be replaced by web-new), web-1 (not created yet), '
      + 'web-3 (on revision web-old, waiting to be replaced by web-new)');
  });

  test('counts updated pods that are not terminating, and rechecks when the soonest Ready one turns Available', () => {
    const sts = statefulSet({ replicas: 4, partition: 0, minReadySeconds: 30 });
    const report = statefulSetReport(sts, [
      pod({ name: 'web-0', revision: 'web-new', readyForSeconds: 20 }),
      pod({ name: 'web-1', revision: 'web-new', readyForSeconds: 5 }),
      pod({ name: 'web-2', revision: 'web-new', readyForSeconds: 600 }),
      pod({ name: 'web-3', revision: 'web-new', readyForSeconds: 600, terminating: true }),
    ], NOW);
    expect([report.updated, report.updatedAvailable]).toEqual([3, 1]);
    expect(report.recheckAt).toBe(NOW - 20_000 + 30_001);
  });

  test('a StatefulSet stuck in the forced-rollback trap says which pods only a deletion moves', () => {
    // kubectl rollout undo restored web-old's template; web-2 is still on the broken web-bad and cannot pull.
    const sts = statefulSet({ partition: 0, currentRevision: 'web-old', updateRevision: 'web-old', readyReplicas: 2 });
    const report = statefulSetReport(sts, [old('web-0'), old('web-1'),
      pod({ name: 'web-2', revision: 'web-bad', waiting: { reason: 'ImagePullBackOff', message: 'Back-off pulling image "app:bad"' } })], NOW);
    expect(report.phase).toBe('rolling');
    expect(report.forcedRollbackTrap?.podsToDelete.map((stuck) => stuck.pod)).toEqual(['web-2']);
    expect(statefulSetReport(statefulSet({ partition: 2 }), [old('web-0'), old('web-1'), updated('web-2')], NOW).forcedRollbackTrap)
      .toBeUndefined();
  });

  test('an unobserved spec is reported as such', () => {
    const report = statefulSetReport(statefulSet({ generation: 3, observedGeneration: 2 }), [], NOW);
    expect(report.phase).toBe('observing');
    expect(report.message).toBe('statefulset/web: the StatefulSet controller has not observed generation 3 yet (observedGeneration 2)');
  });

  test('the promotion state gives the plan and is reported; a broken one is reported, not thrown', () => {
    const state = promotionState({ plan: '100,99,90,50,0', targetStep: 4 });
    const sts = annotate(statefulSet({ replicas: 100, partition: 99 }), { [RolloutKeys.STATE_ANNOTATION]: encodePromotionState(state) });
    const pods = Array.from({ length: 100 }, (_, i) => (i === 99 ? updated : old)(`web-${i}`));
    const report = statefulSetReport(sts, pods, NOW);
    expect(report.promotion?.phase).toBe('progressing');
    expect(report.position).toEqual({ plan: '100,99,90,50,0', step: 1, steps: 4 });
    const broken = statefulSetReport(annotate(statefulSet(), { [RolloutKeys.STATE_ANNOTATION]: '{' }), [], NOW);
    expect(broken.promotionError).toMatch(/^annotation staged-rollouts.io\/state on statefulset\/web is not valid JSON/);
  });
});

describe('daemonSetReport', () => {
  const ds = withTemplate({ ...daemonSet(), metadata: { ...daemonSet().metadata, name: 'web' } }, 'app:2');
  const revisions = [revision({ revision: 1, image: 'app:1' }), revision({ revision: 2, image: 'app:2' })];
  const onNode = (node: string, rev: string, ready = true) => pod({ name: `web-${node}`, revision: rev, node, readyForSeconds: ready ? 600 : undefined });

  test('the update revision is the hash of the revision matching the template; complete by pod revisions', () => {
    const report = daemonSetReport(ds, revisions, [onNode('node-1', 'h2'), onNode('node-2', 'h2'), onNode('node-3', 'h2')], NOW);
    expect(report.updateRevision).toBe('h2');
    expect(report.phase).toBe('complete');
    expect(report.message).toBe('daemonset/web: rollout complete: 3 of 3 pods on revision h2, Ready and Available');
  });

  test('a rolling update names the old and the unready pods, by node', () => {
    const report = daemonSetReport(ds, revisions, [onNode('node-2', 'h1'), onNode('node-1', 'h2', false), onNode('node-3', 'h2')], NOW);
    expect(report.phase).toBe('rolling');
    expect(report.blocking.map((entry) => [entry.node, entry.reason])).toEqual([
      ['node-1', 'not Ready'], ['node-2', 'on revision h1, waiting to be replaced by h2'],
    ]);
    expect(report.revisions.map((group) => [group.revision, group.role])).toEqual([['h2', 'update'], ['h1', 'other']]);
  });

  test('an OnDelete node canary: staged, then a complete canary step, then rolling', () => {
    const onDelete: KubeDaemonSet = { ...ds, spec: { ...ds.spec, updateStrategy: { type: 'OnDelete' } } };
    expect(daemonSetReport(onDelete, revisions, [onNode('node-1', 'h1'), onNode('node-2', 'h1'), onNode('node-3', 'h1')], NOW).phase)
      .toBe('staged');
    const canary = daemonSetReport(onDelete, revisions, [onNode('node-1', 'h2'), onNode('node-2', 'h1'), onNode('node-3', 'h1')], NOW);
    expect(canary.phase).toBe('step-complete');
    expect(canary.message).toBe('daemonset/web: canary complete: 1 of 3 pods on revision h2, Ready and Available; 2 to go');
    const rolling = daemonSetReport(onDelete, revisions, [onNode('node-1', 'h2', false), onNode('node-2', 'h1'), onNode('node-3', 'h1')], NOW);
    expect(rolling.phase).toBe('rolling');
    expect(rolling.blocking.map((entry) => entry.pod)).toEqual(['web-node-1']);
  });

  test('nodes without a pod keep it rolling; an unrecorded revision is observing', () => {
    const report = daemonSetReport(ds, revisions, [onNode('node-1', 'h2'), onNode('node-2', 'h2')], NOW);
    expect(report.phase).toBe('rolling');
    expect(report.message).toBe('daemonset/web: rolling: 2 of 3 pods on revision h2; waiting for 1 node without a pod yet');
    const unrecorded = daemonSetReport(withTemplate(ds, 'app:3'), revisions, [], NOW);
    expect(unrecorded.phase).toBe('observing');
    expect(unrecorded.message).toBe('daemonset/web: the controller has not recorded a revision for the current template yet');
  });
});

describe('a promotion in progress, as its Lease shows it', () => {
  const LIVE = { holder: 'ci/7/s/n', live: true, expiresAt: NOW + 20_000 };
  const GONE = { holder: 'ci/7/s/n', live: false, expiresAt: NOW - 1 };
  const promoting = (partition: number, state: Parameters<typeof promotionState>[0]) => annotate(statefulSet({ partition, updatedReplicas: 1 }), {
    [RolloutKeys.PLAN_ANNOTATION]: 'canary',
    [RolloutKeys.STATE_ANNOTATION]: encodePromotionState(promotionState(state)),
  });

  test('a step the promoter is soaking is not settled, and no command is advised', () => {
    const sts = promoting(2, { phase: 'soaking', soakStartedAt: '2026-01-01T00:00:00Z' });
    const report = statefulSetReport(sts, [old('web-0'), old('web-1'), updated('web-2')], NOW, LIVE);
    expect(report).toMatchObject({ phase: 'step-complete', settled: false, promoter: 'ci/7/s/n' });
    expect(report.message).toBe('statefulset/web: step 1 of 2 complete: 1 of 3 pods on revision web-new, Ready and Available; '
      + '2 to go, promotion in progress by ci/7/s/n: step 1 soaking since 2026-01-01T00:00:00Z');
  });

  test('staged at the start of a promotion is not settled either', () => {
    const report = statefulSetReport(promoting(32767, { step: 0 }), [old('web-0'), old('web-1'), old('web-2')], NOW, LIVE);
    expect(report.settled).toBe(false);
    expect(report.message).toBe('statefulset/web: update staged (step 0 of 2): 0 of 3 pods on revision web-new; '
      + 'promotion in progress by ci/7/s/n: step 0 of 2 in progress');
  });

  test('a promotion waiting for a person advises the command that moves it', () => {
    const approval = statefulSetReport(promoting(2, { phase: 'awaiting-approval' }), [old('web-0'), old('web-1'), updated('web-2')], NOW, LIVE);
    expect(approval.message).toMatch(/; 2 to go, promotion in progress by ci\/7\/s\/n: step 1 passed; waiting for approval: run "kubectl-stage resume sts\/web"$/);
    const paused = statefulSetReport(promoting(2, { paused: true }), [old('web-0'), old('web-1'), updated('web-2')], NOW, LIVE);
    expect(paused.message).toMatch(/: paused after step 1: run "kubectl-stage resume sts\/web" to continue$/);
  });

  test('a promotion whose promoter is gone (its Lease expired) is settled, and a rerun of promote resumes it', () => {
    const report = statefulSetReport(promoting(2, {}), [old('web-0'), old('web-1'), updated('web-2')], NOW, GONE);
    expect(report.settled).toBe(true);
    expect(report.promoter).toBeUndefined();
    expect(report.message).toMatch(/; 2 to go, the promotion stopped at step 1 \(no promoter holds its Lease\): run "kubectl-stage promote sts\/web" to resume it$/);
  });

  test('an ended promotion, or an unknown presence, changes nothing', () => {
    const ended = statefulSetReport(promoting(2, { phase: 'failed' }), [old('web-0'), old('web-1'), updated('web-2')], NOW, LIVE);
    expect(ended.message).toMatch(/, promote to continue$/);
    expect(statefulSetReport(promoting(2, {}), [old('web-0'), old('web-1'), updated('web-2')], NOW).settled).toBe(true);
  });

  test('presence: a holder with an unexpired Lease is live; a released or expired Lease is not', () => {
    const lease = (holder: string, renewedMsAgo: number) => ({
      metadata: {}, spec: { holderIdentity: holder, leaseDurationSeconds: 30, renewTime: new Date(NOW - renewedMsAgo).toISOString() },
    });
    expect(promoterPresence(lease('a', 10_000), NOW)).toEqual({ holder: 'a', live: true, expiresAt: NOW + 20_000 });
    expect(promoterPresence(lease('a', 30_000), NOW).live).toBe(false);
    expect(promoterPresence(lease('', 0), NOW).live).toBe(false);
    expect(promoterPresence(undefined, NOW)).toEqual({ holder: '', live: false, expiresAt: undefined });
  });
});
