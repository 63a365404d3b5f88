import { PartitionPlan } from '../../../src/partition-plan';
import { PromotionState } from '../../../src/runtime/promotion/promotion-state';
import {
  currentPlanStep, nextPromotionAction, ObservedPromotion, PromotionAction, promotionTargetStep, PromotionRequest,
} from '../../../src/runtime/statefulset/partition-decision';
import { NOW, pod, PodShape, promotionState, secondsAgo, statefulSet, StatefulSetShape } from '../kube-fixtures';

const STAGED = PartitionPlan.STAGED_PARTITION;

// web: 3 replicas, plan canary = [3, 2, 0].
const request: PromotionRequest = {
  where: 'statefulset/web',
  plan: 'canary',
  partitions: [3, 2, 0],
  targetStep: 2,
  soakMs: 0,
  gates: [],
  approveEach: false,
  autoRollback: false,
  holder: 'me',
};

const state = promotionState;

const updated = (ordinal: number, shape: PodShape = {}) => pod({ name: `web-${ordinal}`, revision: 'web-new', readyForSeconds: 60, ...shape });
const old = (ordinal: number, shape: PodShape = {}) => pod({ name: `web-${ordinal}`, revision: 'web-old', readyForSeconds: 600, ...shape });

function observe(sts: StatefulSetShape, pods = [old(0), old(1), old(2)], lockHeld = true): ObservedPromotion {
  return { sts: statefulSet(sts), pods, lockHeld };
}

function decide(observed: ObservedPromotion, current: PromotionState | undefined, overrides: Partial<PromotionRequest> = {}): PromotionAction {
  return nextPromotionAction(observed, current, { ...request, ...overrides }, NOW);
}

describe('nextPromotionAction: validation and start', () => {
  test('a missing StatefulSet fails validation', () => {
    expect(decide({ sts: undefined, pods: [], lockHeld: true }, undefined)).toEqual({ type: 'validate-failed', message: 'statefulset/web not found' });
  });

  test('an OnDelete StatefulSet cannot be driven by a partition plan', () => {
    const action = decide(observe({ strategy: 'OnDelete' }), undefined);
    expect(action).toEqual({
      type: 'validate-failed',
      message: 'statefulset/web uses the OnDelete update strategy, which has no partition, so a partition plan cannot drive it; '
        + 'set spec.updateStrategy.type to RollingUpdate (for example with StatefulSetRollout.staged()) and promote again',
    });
  });

  test('a plan resolved for another replica count is refused', () => {
    expect(decide(observe({ replicas: 5, partition: STAGED }), undefined)).toEqual({
      type: 'validate-failed', message: 'plan "canary" was resolved for 3 replicas, but statefulset/web has 5',
    });
  });

  test('validation comes before the lock; the lock comes before any write', () => {
    expect(decide(observe({ partition: STAGED }, undefined, false), undefined)).toEqual({ type: 'acquire' });
    expect(decide(observe({ strategy: 'OnDelete' }, undefined, false), undefined).type).toBe('validate-failed');
  });

  test('nothing staged: every pod already runs the update revision', () => {
    const sts: StatefulSetShape = { partition: STAGED, currentRevision: 'web-new', updateRevision: 'web-new' };
    expect(decide(observe(sts, [updated(0), updated(1), updated(2)]), undefined)).toEqual({
      type: 'done', phase: 'complete', message: 'nothing to promote: every pod of statefulset/web is on revision web-new',
    });
  });

  test('nothing staged but a pod is still missing (an undo deleted it): wait for it, within the timeout', () => {
    const sts: StatefulSetShape = { partition: STAGED, currentRevision: 'web-new', updateRevision: 'web-new' };
    const startedAt = NOW - 60_000;
    expect(decide(observe(sts, [updated(0), updated(1)]), undefined, { startedAt, timeoutMs: 120_000 })).toEqual({
      type: 'wait-gate', step: 0, until: startedAt + 120_000, blocking: [{ pod: 'web-2', ordinal: 2, reason: 'not created yet', problems: [] }],
    });
    expect(decide(observe(sts, [updated(0), updated(1)]), undefined, { startedAt, timeoutMs: 30_000 })).toEqual({
      type: 'done',
      phase: 'failed',
      failure: 'timed-out',
      message: 'nothing to promote on statefulset/web (revision web-new), but after 30s web-2 is not created yet',
    });
  });

  test('waits for the controller to observe the staged template before recording its revision', () => {
    const action = decide(observe({ partition: STAGED, generation: 3, observedGeneration: 2 }), undefined);
    expect(action).toEqual({
      type: 'wait-gate',
      step: 0,
      blocking: [],
      waitingForController: 'the StatefulSet controller has not observed generation 3 yet (observedGeneration 2)',
    });
  });

  test('begins at step 0 of a staged StatefulSet, recording both revisions', () => {
    const action = decide(observe({ partition: STAGED }), undefined);
    expect(action).toEqual({
      type: 'set-partition',
      step: 0,
      partition: 3,
      physical: STAGED,
      state: state({ step: 0, startedAt: new Date(NOW).toISOString(), stepStartedAt: new Date(NOW).toISOString() }),
    });
  });

  test('begins where a hand-lowered partition left the plan', () => {
    const action = decide(observe({ partition: 2 }, [old(0), old(1), updated(2)]), undefined);
    expect(action).toMatchObject({ type: 'set-partition', step: 1, partition: 2, physical: 2, state: { step: 1 } });
  });

  test('a promotion in progress resumes only with its own plan, over the replicas it was resolved for', () => {
    expect(decide(observe({ partition: 2 }), state(), { plan: 'linear:1', partitions: [3, 2, 1, 0] })).toEqual({
      type: 'validate-failed',
      message: 'a promotion of statefulset/web with plan "canary" is in progress (step 1); rerun without --plan (or with --plan canary) '
        + 'to resume it, or run "kubectl-stage abort" first to start over',
    });
    expect(decide(observe({ partition: 2, replicas: 4 }), state())).toEqual({
      type: 'validate-failed',
      message: 'statefulset/web was scaled from 3 to 4 replicas during its promotion (step 1); rerun the command to resume with the plan '
        + 'resolved for 4 replicas, or run "kubectl-stage abort" first to start over',
    });
  });

  test('a finished promotion of the same revision is continued, keeping its history', () => {
    const previous = state({ phase: 'complete', step: 1, targetStep: 1, gates: [{ step: 1, gate: 'built-in', passed: true, message: 'ok', at: secondsAgo(100) }] });
    const action = decide(observe({ partition: 2 }, [old(0), old(1), updated(2)]), previous);
    expect(action).toMatchObject({
      type: 'set-partition',
      step: 1,
      state: { phase: 'progressing', startedAt: previous.startedAt, gates: previous.gates, previousRevision: 'web-old' },
    });
  });
});

describe('nextPromotionAction: a step in progress', () => {
  test('rewrites the partition when the cluster does not show the step', () => {
    const current = state({ step: 1 });
    expect(decide(observe({ partition: STAGED }), current)).toEqual({ type: 'set-partition', step: 1, partition: 2, physical: 2, state: current });
  });

  test('waits for the step pods, naming them, until the next minReadySeconds boundary', () => {
    const sts: StatefulSetShape = { partition: 2, minReadySeconds: 30 };
    const action = decide(observe(sts, [old(0), old(1), updated(2, { readyForSeconds: 10 })]), state());
    expect(action).toEqual({
      type: 'wait-gate',
      step: 1,
      waitingForController: undefined,
      until: NOW + 20_001,
      blocking: [{ pod: 'web-2', ordinal: 2, reason: 'Ready for 10s, not yet Available (minReadySeconds 30)', problems: [] }],
    });
  });

  test('the timeout bounds the wait', () => {
    const action = decide(observe({ partition: 2 }, [old(0), old(1), old(2)]), state(), { timeoutMs: 600_000 });
    expect(action).toMatchObject({ type: 'wait-gate', until: Date.parse(secondsAgo(120)) + 600_000 });
  });

  test('a step past its timeout fails as timed-out, naming what it waited for', () => {
    const action = decide(observe({ partition: 2 }, [old(0), old(1), updated(2, { readyForSeconds: undefined })]), state(), { timeoutMs: 60_000 });
    expect(action).toMatchObject({
      type: 'fail',
      kind: 'timed-out',
      message: 'step 1 timed out after 1m0s waiting for web-2 not Ready',
      state: { phase: 'failed', message: 'step 1 timed out after 1m0s waiting for web-2 not Ready' },
    });
  });

  test('with auto-rollback a failure moves to rolling-back', () => {
    const action = decide(observe({ partition: 2 }, [old(0), old(1), updated(2, { readyForSeconds: undefined })]), state(),
      { timeoutMs: 60_000, autoRollback: true });
    expect(action).toMatchObject({ type: 'fail', kind: 'timed-out', state: { phase: 'rolling-back', stepStartedAt: new Date(NOW).toISOString() } });
  });

  test('a crash-looping or unpullable update pod fails the step at once', () => {
    const crashing = updated(2, { readyForSeconds: undefined, restarts: 3, waiting: { reason: 'CrashLoopBackOff', message: 'back-off 40s' } });
    const action = decide(observe({ partition: 2 }, [old(0), old(1), crashing]), state());
    expect(action).toMatchObject({
      type: 'fail', kind: 'gate-failed', message: 'step 1 failed: pod web-2: CrashLoopBackOff - back-off 40s', state: { phase: 'failed' },
    });
  });

  test('a passed gate starts the soak with a baseline of the step pods', () => {
    const action = decide(observe({ partition: 2 }, [old(0), old(1), updated(2, { restarts: 1 })]), state(), { soakMs: 300_000 });
    expect(action).toMatchObject({
      type: 'soak',
      step: 1,
      until: NOW + 300_000,
      state: {
        phase: 'soaking',
        soakStartedAt: new Date(NOW).toISOString(),
        soakBaseline: { 'web-2': { uid: 'uid-web-2', restarts: 1 } },
        gates: [{ step: 1, gate: 'built-in', passed: true, message: '1 pod on revision web-new, Ready and Available' }],
      },
    });
  });

  test('without a soak a passed step moves to the next partition', () => {
    const action = decide(observe({ partition: 2 }, [old(0), old(1), updated(2)]), state());
    expect(action).toMatchObject({ type: 'set-partition', step: 2, partition: 0, physical: 0, state: { step: 2, phase: 'progressing' } });
  });

  test('the target step ends the promotion', () => {
    const action = decide(observe({ partition: 0 }, [updated(0), updated(1), updated(2)]), state({ step: 2 }));
    expect(action).toMatchObject({ type: 'complete', step: 2, state: { phase: 'complete', message: 'every pod of statefulset/web is on revision web-new' } });
  });

  test('a template changed mid-promotion stops it', () => {
    const action = decide(observe({ partition: 2, updateRevision: 'web-newer' }), state());
    expect(action).toMatchObject({
      type: 'fail',
      kind: 'gate-failed',
      message: 'the template of statefulset/web changed during the promotion (revision web-new -> web-newer); run promote again to promote the new revision',
    });
  });
});

describe('nextPromotionAction: soak, gates, approval, pause, abort', () => {
  const soaking = (overrides: Partial<PromotionState> = {}) => state({
    phase: 'soaking', soakStartedAt: secondsAgo(60), soakBaseline: { 'web-2': { uid: 'uid-web-2', restarts: 0 } }, ...overrides,
  });

  test('keeps soaking until the soak ends', () => {
    expect(decide(observe({ partition: 2 }, [old(0), old(1), updated(2)]), soaking(), { soakMs: 300_000 }))
      .toEqual({ type: 'soak', step: 1, until: NOW + 240_000 });
  });

  test.each([
    ['a restart', updated(2, { restarts: 1 }), 'pod web-2 restarted during the soak (restart count 0 -> 1)'],
    ['lost readiness', updated(2, { readyForSeconds: undefined }), 'pod web-2 lost readiness during the soak'],
    ['a replacement', updated(2, { uid: 'other' }), 'pod web-2 was deleted or replaced during the soak'],
  ])('infant mortality (%s) fails the step', (_name, canary, sign) => {
    const action = decide(observe({ partition: 2 }, [old(0), old(1), canary]), soaking(), { soakMs: 300_000, autoRollback: true });
    expect(action).toMatchObject({
      type: 'fail',
      kind: 'gate-failed',
      message: `infant mortality during the soak of step 1: ${sign}`,
      state: { phase: 'rolling-back', soakBaseline: undefined },
    });
  });

  test('after the soak the extra gates run once', () => {
    const action = decide(observe({ partition: 2 }, [old(0), old(1), updated(2)]), soaking({ soakStartedAt: secondsAgo(400) }),
      { soakMs: 300_000, gates: ['http=http://x/healthz', 'exec=true'] });
    expect(action).toEqual({ type: 'run-gates', step: 1, gates: ['http=http://x/healthz', 'exec=true'] });
  });

  test('a failed extra gate fails the step; results of an earlier attempt at the step do not count', () => {
    const gates = [
      { step: 1, gate: 'exec=true', passed: true, message: 'stale', at: secondsAgo(200) },
      { step: 1, gate: 'exec=true', passed: false, message: '"true" exited with status 1', at: secondsAgo(10) },
    ];
    const action = decide(observe({ partition: 2 }, [old(0), old(1), updated(2)]), state({ gates, stepStartedAt: secondsAgo(100) }), { gates: ['exec=true'] });
    expect(action).toMatchObject({ type: 'fail', kind: 'gate-failed', message: 'step 1 failed gate "true" exited with status 1' });
  });

  test('--approve-each waits for an approval before the next step', () => {
    const observed = observe({ partition: 2 }, [old(0), old(1), updated(2)]);
    const waiting = decide(observed, state(), { approveEach: true });
    expect(waiting).toMatchObject({ type: 'await-approval', step: 1, state: { phase: 'awaiting-approval' } });
    expect(decide(observed, state({ phase: 'awaiting-approval' }), { approveEach: true })).toEqual({ type: 'await-approval', step: 1 });
    const approved = state({ phase: 'awaiting-approval', gates: [{ step: 1, gate: 'approval', passed: true, message: 'approved by x', at: secondsAgo(1) }] });
    expect(decide(observed, approved, { approveEach: true })).toMatchObject({ type: 'set-partition', step: 2 });
  });

  test('a paused promotion does not start its next step', () => {
    expect(decide(observe({ partition: 2 }, [old(0), old(1), updated(2)]), state({ paused: true }))).toEqual({ type: 'paused', step: 1 });
  });

  test('an abort request ends the promotion, leaving pods where they are', () => {
    expect(decide(observe({ partition: 2 }), state({ abortRequested: true }))).toMatchObject({
      type: 'abort', state: { phase: 'aborted', abortRequested: false, message: 'aborted at step 1 of 2; pods stay where they are' },
    });
  });
});

describe('nextPromotionAction: rollback', () => {
  const rollingBack = state({ phase: 'rolling-back', message: 'step 1 failed' });

  test('restores the previous revision first', () => {
    expect(decide(observe({ partition: 2 }), rollingBack)).toEqual({ type: 'rollback', revision: 'web-old', state: rollingBack });
  });

  test('waits for the controller to observe the restored template', () => {
    expect(decide(observe({ partition: 2, generation: 4, observedGeneration: 3 }), rollingBack)).toMatchObject({ type: 'wait-gate', step: 1 });
  });

  test('deletes pods stuck on the bad revision (kubernetes/kubernetes#67250), only those', () => {
    const stuck = pod({ name: 'web-2', uid: 'u2', revision: 'web-new', waiting: { reason: 'CrashLoopBackOff', message: 'back-off' } });
    const action = decide(observe({ partition: 2, updateRevision: 'web-old' }, [old(0), old(1), stuck]), rollingBack);
    expect(action).toMatchObject({ type: 'delete-stuck-pods', pods: [{ pod: 'web-2', uid: 'u2', ordinal: 2, revision: 'web-new', recreatedAt: 'web-old' }] });
  });

  test('a Parallel StatefulSet replaces broken pods itself: just wait', () => {
    const stuck = pod({ name: 'web-2', revision: 'web-new' });
    const action = decide(observe({ partition: 2, updateRevision: 'web-old', podManagementPolicy: 'Parallel' }, [old(0), old(1), stuck]), rollingBack);
    expect(action).toMatchObject({ type: 'wait-gate', blocking: [{ pod: 'web-2' }] });
  });

  test('a rollback past its timeout fails with its own message, recording no gate', () => {
    const broken = pod({ name: 'web-2', revision: 'web-new' });
    const action = decide(observe({ partition: 2, updateRevision: 'web-old', podManagementPolicy: 'Parallel' }, [old(0), old(1), broken]), rollingBack,
      { timeoutMs: 60_000 });
    expect(action).toEqual({
      type: 'fail',
      kind: 'timed-out',
      message: 'rollback of statefulset/web to revision web-old timed out after 1m0s',
      state: { ...rollingBack, phase: 'failed', message: 'rollback to revision web-old timed out' },
    });
  });

  test('every pod back on the previous revision: rolled back, and the partition pinned again', () => {
    const action = decide(observe({ partition: 2, updateRevision: 'web-old' }, [old(0), old(1), old(2)]), rollingBack);
    expect(action).toMatchObject({ type: 'rolled-back', physical: STAGED, state: { phase: 'rolled-back', message: 'step 1 failed' } });
  });
});

describe('plan position', () => {
  test('currentPlanStep is the last step whose pods have all been sent to the update revision', () => {
    expect(currentPlanStep([100, 99, 90, 50, 0], 100)).toBe(0);
    expect(currentPlanStep([100, 99, 90, 50, 0], 90)).toBe(2);
    expect(currentPlanStep([100, 99, 90, 50, 0], 70)).toBe(2);
    expect(currentPlanStep([100, 99, 90, 50, 0], 0)).toBe(4);
  });

  test('--step resumes toward the interrupted run\'s target; --to and --all resolve afresh', () => {
    const sts = statefulSet({ replicas: 100, partition: 99 });
    const partitions = [100, 99, 90, 50, 0];
    const inProgress = state({ step: 2, targetStep: 2 });
    expect(promotionTargetStep({ kind: 'step' }, partitions, 100, sts, inProgress)).toBe(2);
    expect(promotionTargetStep({ kind: 'step' }, partitions, 100, sts, undefined)).toBe(2);
    expect(promotionTargetStep({ kind: 'step' }, partitions, 100, sts, state({ phase: 'complete', step: 1 }))).toBe(2);
    expect(promotionTargetStep({ kind: 'to', value: '50%' }, partitions, 100, sts, inProgress)).toBe(3);
    expect(promotionTargetStep({ kind: 'all' }, partitions, 100, sts, inProgress)).toBe(4);
  });
});
