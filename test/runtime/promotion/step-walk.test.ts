// The walk both kinds share after a step's gate (src/runtime/promotion/step-walk.ts), tested once with the pod shapes of
// both: StatefulSet pods by ordinal, DaemonSet pods by node.
import { PromotionState } from '../../../src/runtime/promotion/promotion-state';
import { afterStepGate, awaitGate, awaitStepGate, stepFailedToStart, stepGatePassed, StepWalkRequest } from '../../../src/runtime/promotion/step-walk';
import { NOW, pod, PodShape, promotionState as state, secondsAgo } from '../kube-fixtures';

const updated = (ordinal: number, shape: PodShape = {}) => pod({ name: `web-${ordinal}`, revision: 'web-new', readyForSeconds: 60, ...shape });

describe('the step walk shared by StatefulSet promotions and DaemonSet node canaries', () => {
  const daemonPods = [
    { pod: 'agent-x', node: 'node-1', reason: 'not Ready', problems: [] },
    { pod: '', node: 'node-2', reason: 'no daemon pod yet', problems: [] },
  ];

  test('a step times out alike for both kinds, naming a DaemonSet pod by its node', () => {
    const gate = { blocking: [...daemonPods, { pod: 'web-2', ordinal: 2, reason: 'not Ready', problems: [] }] };
    const message = 'step 1 timed out after 1m0s waiting for agent-x on node-1 not Ready; the pod on node-2 no daemon pod yet; web-2 not Ready';
    expect(awaitStepGate(state(), { timeoutMs: 60_000, autoRollback: false }, gate, NOW))
      .toMatchObject({ type: 'fail', kind: 'timed-out', message, state: { phase: 'failed', gates: [{ step: 1, gate: 'timeout', passed: false, message }] } });
    expect(awaitStepGate(state(), { timeoutMs: 60_000, autoRollback: true }, gate, NOW)).toMatchObject({ state: { phase: 'rolling-back' } });
  });

  test('pods that cannot start fail the step at once, every sign named, rolling back when asked', () => {
    const signs = [
      { pod: 'agent-new-1', reason: 'ImagePullBackOff', message: 'pod agent-new-1: ImagePullBackOff - Back-off pulling image "agent:bad"' },
      { pod: 'web-2', reason: 'CrashLoopBackOff', message: 'pod web-2: CrashLoopBackOff - back-off 40s' },
    ];
    const message = 'step 1 failed: pod agent-new-1: ImagePullBackOff - Back-off pulling image "agent:bad"; pod web-2: CrashLoopBackOff - back-off 40s';
    expect(stepFailedToStart(state(), { autoRollback: false }, signs, NOW))
      .toMatchObject({ type: 'fail', kind: 'gate-failed', message, state: { phase: 'failed', gates: [{ step: 1, gate: 'built-in', passed: false, message }] } });
    expect(stepFailedToStart(state(), { autoRollback: true }, signs, NOW)).toMatchObject({ state: { phase: 'rolling-back' } });
  });

  test('a controller that has not caught up is named instead of the pods', () => {
    const gate = { blocking: daemonPods, waitingForController: 'the DaemonSet controller has not observed generation 3 yet' };
    expect(awaitGate(state(), { timeoutMs: 60_000 }, gate, NOW, (waiting) => waiting))
      .toBe('timed out after 1m0s waiting for the DaemonSet controller has not observed generation 3 yet');
  });

  test('before the deadline it waits until the earlier of the next minReadySeconds boundary and the deadline', () => {
    const deadline = Date.parse(secondsAgo(120)) + 600_000;
    const timedOut = () => 'timed out';
    expect(awaitGate(state(), { timeoutMs: 600_000 }, { blocking: daemonPods, recheckAt: NOW + 5_000 }, NOW, timedOut))
      .toEqual({ type: 'wait-gate', step: 1, blocking: daemonPods, waitingForController: undefined, until: NOW + 5_000 });
    expect(awaitGate(state(), { timeoutMs: 600_000 }, { blocking: daemonPods, recheckAt: deadline + 1 }, NOW, timedOut))
      .toMatchObject({ type: 'wait-gate', until: deadline });
    expect(awaitGate(state(), {}, { blocking: daemonPods }, NOW, timedOut)).toMatchObject({ type: 'wait-gate', until: undefined });
  });

  test('a passed gate is recorded, then steps after the first soak and step 0 (or no soak) walks on', () => {
    const pods = [updated(2, { restarts: 2 })];
    const walkOn = (passed: PromotionState) => ({ walkedOnWith: passed.gates });
    const record = { step: 1, gate: 'built-in', passed: true, message: '1 node on revision h2, Ready and Available', at: new Date(NOW).toISOString() };
    expect(stepGatePassed(state(), { soakMs: 60_000 }, record.message, pods, NOW, walkOn)).toMatchObject({
      type: 'soak', step: 1, until: NOW + 60_000, state: { phase: 'soaking', gates: [record], soakBaseline: { 'web-2': { uid: 'uid-web-2', restarts: 2 } } },
    });
    expect(stepGatePassed(state(), { soakMs: 0 }, record.message, pods, NOW, walkOn)).toEqual({ walkedOnWith: [record] });
    expect(stepGatePassed(state({ step: 0 }), { soakMs: 60_000 }, 'no node to update', [], NOW, walkOn))
      .toEqual({ walkedOnWith: [{ ...record, step: 0, message: 'no node to update' }] });
  });

  describe('data-aware gates also run before the first step', () => {
    const request: StepWalkRequest = {
      where: 'statefulset/kafka', targetStep: 2, soakMs: 0, gates: ['kafka', 'http=http://x/healthz'], dataGates: ['kafka'], approveEach: false, autoRollback: true,
    };
    const advance = (next: PromotionState) => ({ type: 'advance' as const, step: next.step });
    const record = (step: number, gate: string, passed: boolean) => ({ step, gate, passed, message: `${gate}: ${passed ? 'healthy' : 'kafka-1 reports 2 under-replicated partitions'}`, at: new Date(NOW).toISOString() });

    test('at step 0 only the data-aware gates run, then the walk goes on', () => {
      expect(afterStepGate(state({ step: 0 }), request, 2, NOW, advance)).toEqual({ type: 'run-gates', step: 0, gates: ['kafka'] });
      expect(afterStepGate(state({ step: 0, gates: [record(0, 'kafka', true)] }), request, 2, NOW, advance)).toEqual({ type: 'advance', step: 1 });
      expect(afterStepGate(state({ step: 0 }), { ...request, dataGates: undefined }, 2, NOW, advance)).toEqual({ type: 'advance', step: 1 });
    });

    test('a failing one refuses the promotion without a rollback: nothing has moved', () => {
      const action = afterStepGate(state({ step: 0, gates: [record(0, 'kafka', false)] }), request, 2, NOW, advance);
      expect(action).toMatchObject({
        type: 'fail',
        kind: 'gate-failed',
        message: 'refused before step 1: statefulset/kafka is not healthy: kafka: kafka-1 reports 2 under-replicated partitions',
        state: { phase: 'failed' },
      });
    });

    test('after step 0 every gate runs after the soak, as before', () => {
      expect(afterStepGate(state({ step: 1 }), request, 2, NOW, advance)).toEqual({ type: 'run-gates', step: 1, gates: ['kafka', 'http=http://x/healthz'] });
    });
  });
});
