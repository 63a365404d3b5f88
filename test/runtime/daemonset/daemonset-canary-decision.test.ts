import { RolloutKeys } from '../../../src/keys';
import { CanaryAction, CanaryRequest, nextCanaryAction } from '../../../src/runtime/daemonset/daemonset-canary-decision';
import { parseNodeCanaryPlan } from '../../../src/runtime/daemonset/daemonset-canary-plan';
import { KubePod } from '../../../src/runtime/kube/kube-types';
import { PromotionState } from '../../../src/runtime/promotion/promotion-state';
import { PromotionTargetSpec } from '../../../src/runtime/promotion/promotion-target';
import { daemonPod, daemonSet, DaemonSetShape, observe, podsOn, REVISIONS } from '../daemonset-fixtures';
import { NOW, promotionState, secondsAgo } from '../kube-fixtures';

const ORIGINAL = '{"type":"RollingUpdate","rollingUpdate":{"maxUnavailable":1}}';
const RESTORE_HINT = 'daemonset/agent stays OnDelete so no more pods move: run promote again, undo, or restore its strategy with: '
  + 'kubectl patch daemonset/agent --type merge -p \'{"metadata":{"annotations":{"staged-rollouts.io/original-strategy":null}},'
  + '"spec":{"updateStrategy":{"type":"RollingUpdate","rollingUpdate":{"maxUnavailable":1}}}}\'';

function request(plan = 'canary,50%', options: { target?: PromotionTargetSpec; soakMs?: number; timeoutMs?: number; autoRollback?: boolean } = {}): CanaryRequest {
  return {
    where: 'daemonset/agent',
    plan: parseNodeCanaryPlan(plan),
    target: options.target ?? { kind: 'all' },
    soakMs: options.soakMs ?? 0,
    timeoutMs: options.timeoutMs,
    gates: [],
    approveEach: false,
    autoRollback: options.autoRollback ?? false,
    holder: 'me',
  };
}

function state(overrides: Partial<PromotionState> = {}): PromotionState {
  return promotionState({
    kind: 'DaemonSet',
    plan: 'canary,50%',
    targetStep: 3,
    updateRevision: 'new',
    previousRevision: 'old',
    startedAt: secondsAgo(60),
    stepStartedAt: secondsAgo(30),
    ...overrides,
  });
}

/** The DaemonSet handed to the canary: OnDelete, RollingUpdate recorded. */
const canaryDs = (shape: DaemonSetShape = {}) => daemonSet({ annotations: { [RolloutKeys.ORIGINAL_STRATEGY_ANNOTATION]: ORIGINAL }, ...shape });

function decide(pods: KubePod[], current: PromotionState | undefined, req = request(), shape: DaemonSetShape = {}, lockHeld = true): CanaryAction {
  return nextCanaryAction({ observation: observe(pods, canaryDs(shape)), lockHeld }, current, req, NOW);
}

describe('nextCanaryAction', () => {
  test('validates before the lock: a missing DaemonSet, a selector matching no node', () => {
    expect(nextCanaryAction({ observation: undefined, lockHeld: false }, undefined, request(), NOW))
      .toEqual({ type: 'validate-failed', message: 'daemonset/agent not found' });
    expect(decide(podsOn('old'), undefined, request('nodes=zone=c'), {}, false)).toMatchObject({
      type: 'validate-failed',
      message: expect.stringContaining('step "nodes=zone=c" matches none of the 4 nodes running daemonset/agent'),
    });
    expect(decide(podsOn('old'), undefined, request(), {}, false)).toEqual({ type: 'acquire' });
  });

  test('begins at step 0 with the revisions, all nodes as target, and hands the DaemonSet over', () => {
    const action = nextCanaryAction({ observation: observe(podsOn('old'), daemonSet({ strategy: { type: 'RollingUpdate' } })), lockHeld: true },
      undefined, request(), NOW);
    expect(action).toEqual({
      type: 'begin',
      state: expect.objectContaining({ kind: 'DaemonSet', plan: 'canary,50%', step: 0, targetStep: 3, phase: 'progressing', updateRevision: 'new', previousRevision: 'old' }),
    });
  });

  test('a rerun begins at the last step whose nodes all run the update revision; --step goes one further', () => {
    const pods = [daemonPod(1, 'new'), daemonPod(2, 'new'), daemonPod(3, 'old'), daemonPod(4, 'old')];
    expect(decide(pods, undefined, request('canary,50%', { target: { kind: 'step' } }))).toMatchObject({ type: 'begin', state: { step: 2, targetStep: 3 } });
  });

  test('nothing to promote when every pod runs the live template', () => {
    expect(decide(podsOn('new'), undefined)).toEqual({ type: 'done', phase: 'complete', message: 'nothing to promote: every pod of daemonset/agent is on revision new' });
    // An earlier canary that kept OnDelete is finished now.
    expect(decide(podsOn('new'), state({ phase: 'failed' }))).toMatchObject({ type: 'restore-strategy', phase: 'complete' });
  });

  test('progressing: deletes the step\'s old pod, then waits for it', () => {
    expect(decide(podsOn('old'), state())).toEqual({ type: 'delete-pods', step: 1, pods: [{ pod: 'agent-old-1', uid: 'uid-agent-old-1', node: 'node-1' }] });
    const replacing = [daemonPod(1, 'new', { readyForSeconds: undefined }), ...podsOn('old', [2, 3, 4])];
    expect(decide(replacing, state())).toMatchObject({ type: 'wait-gate', step: 1, blocking: [{ pod: 'agent-new-1', node: 'node-1', reason: 'not Ready' }] });
  });

  test('a passed step records the gate and starts the next one; the last restores the strategy', () => {
    const canaryDone = [daemonPod(1, 'new'), ...podsOn('old', [2, 3, 4])];
    const next = decide(canaryDone, state());
    expect(next).toMatchObject({ type: 'start-step', state: { step: 2, phase: 'progressing', stepStartedAt: new Date(NOW).toISOString() } });
    expect((next as { state: PromotionState }).state.gates).toEqual([
      { step: 1, gate: 'built-in', passed: true, message: '1 node on revision new, Ready and Available', at: new Date(NOW).toISOString() },
    ]);
    expect(decide(podsOn('new'), state({ step: 3 }))).toMatchObject({
      type: 'restore-strategy', phase: 'complete', state: { phase: 'complete', message: 'every pod of daemonset/agent is on revision new' },
    });
  });

  test('with a soak, a passed step soaks first, watching its updated pods', () => {
    const canaryDone = [daemonPod(1, 'new'), ...podsOn('old', [2, 3, 4])];
    expect(decide(canaryDone, state(), request('canary,50%', { soakMs: 60_000 }))).toMatchObject({
      type: 'soak', step: 1, until: NOW + 60_000, state: { phase: 'soaking', soakBaseline: { 'agent-new-1': { uid: 'uid-agent-new-1', restarts: 0 } } },
    });
  });

  test('a partial target stops with OnDelete kept', () => {
    const canaryDone = [daemonPod(1, 'new'), ...podsOn('old', [2, 3, 4])];
    expect(decide(canaryDone, state({ targetStep: 1 }), request('canary,50%', { target: { kind: 'step' } }))).toMatchObject({
      type: 'finish-on-delete', phase: 'complete', state: { phase: 'complete', message: 'step 1 of 3 complete' },
    });
  });

  test('a new pod that cannot pull its image fails the step: OnDelete kept without rollback, rolling back with it', () => {
    const broken = [daemonPod(1, 'new', { readyForSeconds: undefined, waiting: { reason: 'ImagePullBackOff', message: 'Back-off' } }), ...podsOn('old', [2, 3, 4])];
    const failed = decide(broken, state());
    expect(failed).toMatchObject({ type: 'finish-on-delete', phase: 'failed', failure: 'gate-failed', state: { phase: 'failed' } });
    expect((failed as { state: PromotionState }).state.message).toBe(`step 1 failed: pod agent-new-1: ImagePullBackOff - Back-off; ${RESTORE_HINT}`);
    expect(decide(broken, state(), request('canary,50%', { autoRollback: true }))).toMatchObject({
      type: 'fail', kind: 'gate-failed', state: { phase: 'rolling-back' },
    });
  });

  test('a step that waits past --timeout fails as timed-out', () => {
    const replacing = [daemonPod(1, 'new', { readyForSeconds: undefined }), ...podsOn('old', [2, 3, 4])];
    const action = decide(replacing, state(), request('canary,50%', { timeoutMs: 10_000 }));
    expect(action).toMatchObject({ type: 'finish-on-delete', phase: 'failed', failure: 'timed-out' });
    expect((action as { state: PromotionState }).state.message).toMatch(/^step 1 timed out after 10s waiting for agent-new-1 on node-1 not Ready; /);
  });

  test('rolling back: the template first, then the canary\'s pods, then the strategy', () => {
    const rollingBack = state({ phase: 'rolling-back' });
    const afterCanary = [daemonPod(1, 'new'), ...podsOn('old', [2, 3, 4])];
    expect(decide(afterCanary, rollingBack)).toEqual({ type: 'restore-template', revision: REVISIONS[0], state: rollingBack });
    // The template is agent:1 again (revision 1 is live): node-1's pod is now the old one.
    const restored: DaemonSetShape = { image: 'agent:1' };
    expect(decide(afterCanary, rollingBack, request(), restored)).toEqual({
      type: 'delete-pods', step: 1, pods: [{ pod: 'agent-new-1', uid: 'uid-agent-new-1', node: 'node-1' }],
    });
    expect(decide(podsOn('old'), rollingBack, request(), restored)).toMatchObject({ type: 'restore-strategy', phase: 'rolled-back', state: { phase: 'rolled-back' } });
  });

  test('abort keeps OnDelete while pods are mixed, and restores the strategy when nothing would move', () => {
    const mixed = [daemonPod(1, 'new'), ...podsOn('old', [2, 3, 4])];
    expect(decide(mixed, state({ abortRequested: true }))).toMatchObject({
      type: 'finish-on-delete',
      phase: 'aborted',
      state: { phase: 'aborted', abortRequested: false, message: `aborted at step 1 of 3; pods stay where they are; ${RESTORE_HINT}` },
    });
    expect(decide(podsOn('new'), state({ abortRequested: true }))).toMatchObject({ type: 'restore-strategy', phase: 'aborted' });
  });

  test('a template changed during the promotion fails it', () => {
    const action = decide(podsOn('old'), state({ updateRevision: 'older' }));
    expect(action).toMatchObject({ type: 'finish-on-delete', phase: 'failed' });
    expect((action as { state: PromotionState }).state.message).toContain('the template of daemonset/agent changed during the promotion (revision older -> new)');
  });
});
