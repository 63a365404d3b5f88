import { StepRecorder, stepProblem, withoutUids } from '../../src/rehearsal/step-recorder';
import { PromotionOutcome } from '../../src/runtime/promotion/promotion-contract';

const T0 = 1_000_000;
const outcome = (phase: PromotionOutcome['phase'], message = ''): PromotionOutcome => ({ phase, message, step: 0, apiRequests: 0 });
const budgets = (currentHealthy: number, desiredHealthy = 2) => new Map([['web-pdb', { currentHealthy, desiredHealthy }]]);

describe('StepRecorder', () => {
  test('a StatefulSet step moves the ordinals earlier steps did not; times are relative to the start', () => {
    const recorder = new StepRecorder('StatefulSet', 'web', T0);
    recorder.onEvent({ type: 'started', at: T0, plan: 'canary', partitions: [3, 2, 0], step: 0, targetStep: 2, resumed: false });
    recorder.onEvent({ type: 'step-started', at: T0, step: 0, partition: 3, ordinals: [] });
    recorder.onEvent({ type: 'step-started', at: T0 + 1000, step: 1, partition: 2, ordinals: [2] });
    recorder.onEvent({ type: 'step-started', at: T0 + 5000, step: 2, partition: 0, ordinals: [2, 1, 0] });
    recorder.onEvent({ type: 'finished', at: T0 + 9000, phase: 'complete', message: 'done' });
    const recorded = recorder.result(outcome('complete'), T0 + 9000);
    expect(recorded.plan).toBe('canary');
    expect(recorded.durationMs).toBe(9000);
    expect(recorded.steps.map((step) => [step.pods, step.startMs, step.durationMs, step.result])).toEqual([
      [[], 0, 1000, 'passed'], [['web-2'], 1000, 4000, 'passed'], [['web-1', 'web-0'], 5000, 4000, 'passed'],
    ]);
  });

  test('a failed step keeps its message; the steps after it are not reached, with the pods they would have moved', () => {
    const recorder = new StepRecorder('StatefulSet', 'web', T0);
    recorder.onEvent({ type: 'started', at: T0, plan: 'canary', partitions: [3, 2, 0], step: 0, targetStep: 2, resumed: false });
    recorder.onEvent({ type: 'step-started', at: T0, step: 0, partition: 3, ordinals: [] });
    recorder.onEvent({ type: 'step-started', at: T0, step: 1, partition: 2, ordinals: [2] });
    recorder.onEvent({ type: 'failed', at: T0 + 3000, step: 1, kind: 'gate-failed', message: 'step 1 failed: pod web-2 crashed' });
    recorder.onEvent({ type: 'finished', at: T0 + 8000, phase: 'rolled-back', message: 'rolled back' });
    const recorded = recorder.result(outcome('rolled-back', 'rolled back'), T0 + 8000);
    expect(recorded.steps.map((step) => [step.step, step.result, step.message, step.pods, step.durationMs])).toEqual([
      [0, 'passed', undefined, [], 0],
      [1, 'failed', 'pod web-2 crashed', ['web-2'], 3000],
      [2, 'not-reached', undefined, ['web-1', 'web-0'], 0],
    ]);
    expect(recorded.durationMs).toBe(8000);
  });

  test('a promotion stopped from outside fails its open step with the outcome\'s message', () => {
    const recorder = new StepRecorder('StatefulSet', 'web', T0);
    recorder.onEvent({ type: 'started', at: T0, plan: 'canary', partitions: [3, 2, 0], step: 0, targetStep: 2, resumed: false });
    recorder.onEvent({ type: 'step-started', at: T0, step: 1, partition: 2, ordinals: [2] });
    const recorded = recorder.result(outcome('interrupted', 'interrupted at step 1'), T0 + 2000);
    expect(recorded.steps[1]).toMatchObject({ result: 'failed', message: 'interrupted at step 1', durationMs: 2000 });
  });

  test('a DaemonSet step moves the nodes earlier steps did not; a rollback\'s deletions count for no step', () => {
    const recorder = new StepRecorder('DaemonSet', 'agent', T0);
    recorder.onEvent({ type: 'started', at: T0, plan: '1,100%', partitions: [0, 1, 3], step: 0, targetStep: 2, resumed: false });
    recorder.onEvent({ type: 'canary-step-started', at: T0, step: 0, nodes: [] });
    recorder.onEvent({ type: 'canary-step-started', at: T0, step: 1, nodes: ['node-1'] });
    recorder.onEvent({ type: 'pods-deleted', at: T0, step: 1, pods: [{ pod: 'agent-a', node: 'node-1' }] });
    recorder.onEvent({ type: 'canary-step-started', at: T0 + 1000, step: 2, nodes: ['node-1', 'node-2', 'node-3'] });
    recorder.onEvent({ type: 'pods-deleted', at: T0 + 1000, step: 2, pods: [{ pod: 'agent-b', node: 'node-2' }] });
    recorder.onEvent({ type: 'failed', at: T0 + 2000, step: 2, kind: 'gate-failed', message: 'step 2 failed' });
    recorder.onEvent({ type: 'pods-deleted', at: T0 + 2000, step: 2, pods: [{ pod: 'agent-c', node: 'node-2' }] });
    const recorded = recorder.result(outcome('rolled-back', 'rolled back'), T0 + 4000);
    expect(recorded.steps.map((step) => [step.nodes, step.pods, step.result])).toEqual([
      [[], [], 'passed'], [['node-1'], ['agent-a'], 'passed'], [['node-2', 'node-3'], ['agent-b'], 'failed'],
    ]);
  });

  test('samples give each step its most unavailable pods and its tightest budget; below the budget is a violation', () => {
    const recorder = new StepRecorder('StatefulSet', 'web', T0);
    recorder.sample({ unavailable: 0, budgets: budgets(3) });
    recorder.onEvent({ type: 'started', at: T0, plan: 'canary', partitions: [3, 2, 0], step: 0, targetStep: 2, resumed: false });
    recorder.onEvent({ type: 'step-started', at: T0, step: 0, partition: 3, ordinals: [] });
    recorder.onEvent({ type: 'step-started', at: T0, step: 1, partition: 2, ordinals: [2] });
    recorder.sample({ unavailable: 1, budgets: budgets(2) });
    recorder.sample({ unavailable: 0, budgets: budgets(3) });
    recorder.onEvent({ type: 'step-started', at: T0, step: 2, partition: 0, ordinals: [2, 1, 0] });
    recorder.sample({ unavailable: 2, budgets: budgets(1) });
    recorder.sample({ unavailable: 0, budgets: budgets(3) });
    const recorded = recorder.result(outcome('complete'), T0 + 1);
    expect(recorded.steps.map((step) => [step.maxUnavailable, step.budgets])).toEqual([
      [0, [{ budget: 'web-pdb', minHealthy: 3, desiredHealthy: 2, violated: false }]],
      [1, [{ budget: 'web-pdb', minHealthy: 2, desiredHealthy: 2, violated: false }]],
      [2, [{ budget: 'web-pdb', minHealthy: 1, desiredHealthy: 2, violated: true }]],
    ]);
    expect(recorded.maxUnavailable).toBe(2);
  });
});

describe('withoutUids', () => {
  test('drops the uid the kubelet quotes after a pod', () => {
    expect(withoutUids('back-off 10s restarting failed container=kafka pod=kafka-2_default(00000000-0000-4000-8000-0000000000a0)'))
      .toBe('back-off 10s restarting failed container=kafka pod=kafka-2_default');
  });
});

describe('stepProblem', () => {
  test('drops the step the row already names, keeping what failed', () => {
    expect(stepProblem('step 1 failed: pod kafka-2: ImagePullBackOff', 1)).toBe('pod kafka-2: ImagePullBackOff');
    expect(stepProblem('step 2 timed out after 5m0s waiting for web-2 not Ready', 2)).toBe('timed out after 5m0s waiting for web-2 not Ready');
    expect(stepProblem('step 1 failed gate http=http://svc/healthz: 503', 1)).toBe('failed gate http=http://svc/healthz: 503');
    expect(stepProblem('infant mortality during the soak of step 1: web-2 restarted', 1)).toBe('infant mortality during the soak of step 1: web-2 restarted');
    expect(stepProblem('step 12 failed: x', 1)).toBe('step 12 failed: x');
  });
});
