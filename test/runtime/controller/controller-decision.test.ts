// decideWorkload, the controller's pure decision: which workloads it promotes, resumes, stages, reports or leaves.
import { RolloutKeys } from '../../../src/keys';
import { PartitionPlan } from '../../../src/partition-plan';
import { decideWorkload } from '../../../src/runtime/controller/controller-decision';
import { ControllerMetrics } from '../../../src/runtime/controller/controller-metrics';
import { KubeDaemonSet, KubeStatefulSet } from '../../../src/runtime/kube/kube-types';

function sts(annotations: Record<string, string>, status: { current: string; update: string },
  partition = PartitionPlan.STAGED_PARTITION): KubeStatefulSet {
  return {
    metadata: { name: 'kafka', namespace: 'default', generation: 2, annotations },
    spec: { selector: { matchLabels: { app: 'kafka' } }, template: {}, updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition } } },
    status: { observedGeneration: 2, currentRevision: status.current, updateRevision: status.update },
  } as KubeStatefulSet;
}

const PLAN = { [RolloutKeys.PLAN_ANNOTATION]: 'canary' };
const state = (phase: string, updateRevision: string) => JSON.stringify({
  version: 1,
  kind: 'StatefulSet',
  plan: 'canary',
  step: 1,
  targetStep: 2,
  phase,
  paused: false,
  abortRequested: false,
  updateRevision,
  startedAt: '2024-01-01T00:00:00Z',
  stepStartedAt: '2024-01-01T00:00:00Z',
  gates: [],
});

describe('decideWorkload', () => {
  test('no plan annotation: not the controller\'s', () => {
    expect(decideWorkload('StatefulSet', sts({}, { current: 'a', update: 'b' }))).toEqual({ type: 'ignore', why: 'no staged-rollouts.io/plan annotation' });
  });

  test('a new update revision held by the pin is promoted with the declared policy', () => {
    expect(decideWorkload('StatefulSet', sts({ ...PLAN, [RolloutKeys.SOAK_ANNOTATION]: '5m', [RolloutKeys.APPROVAL_ANNOTATION]: 'each-step' }, { current: 'a', update: 'b' })))
      .toEqual({ type: 'promote', resume: false, revision: 'b', policy: { soakMs: 300_000, autoRollback: false, approveEach: true }, gates: [] });
  });

  test('a promotion in progress is resumed; an ended one is not started again for the same revision', () => {
    expect(decideWorkload('StatefulSet', sts({ ...PLAN, [RolloutKeys.STATE_ANNOTATION]: state('soaking', 'b') }, { current: 'a', update: 'b' })))
      .toMatchObject({ type: 'promote', resume: true, revision: 'b' });
    expect(decideWorkload('StatefulSet', sts({ ...PLAN, [RolloutKeys.STATE_ANNOTATION]: state('failed', 'b') }, { current: 'a', update: 'b' })))
      .toEqual({ type: 'ignore', why: 'the promotion of revision b ended (failed)' });
    expect(decideWorkload('StatefulSet', sts({ ...PLAN, [RolloutKeys.STATE_ANNOTATION]: state('failed', 'b') }, { current: 'a', update: 'c' })))
      .toMatchObject({ type: 'promote', resume: false, revision: 'c' });
  });

  test('every pod on one revision: staged when the partition is not pinned, left alone when it is', () => {
    expect(decideWorkload('StatefulSet', sts(PLAN, { current: 'a', update: 'a' }, 0))).toEqual({ type: 'stage' });
    expect(decideWorkload('StatefulSet', sts(PLAN, { current: 'a', update: 'a' }))).toMatchObject({ type: 'ignore' });
  });

  test('a spec the StatefulSet controller has not observed yet is waited for', () => {
    const workload = sts(PLAN, { current: 'a', update: 'b' });
    expect(decideWorkload('StatefulSet', { ...workload, status: { ...workload.status, observedGeneration: 1 } }))
      .toEqual({ type: 'ignore', why: 'the StatefulSet controller has not observed the latest spec yet' });
  });

  test('a staged DaemonSet with pods off its template is promoted; one rolling by itself is left alone', () => {
    const ds = (type: string, updated: number): KubeDaemonSet => ({
      metadata: { name: 'agent', namespace: 'default', generation: 4, annotations: PLAN },
      spec: { selector: {}, template: {}, updateStrategy: { type } },
      status: { observedGeneration: 4, desiredNumberScheduled: 3, updatedNumberScheduled: updated },
    });
    expect(decideWorkload('DaemonSet', ds('OnDelete', 1))).toMatchObject({ type: 'promote', revision: 'generation-4' });
    expect(decideWorkload('DaemonSet', ds('RollingUpdate', 1))).toEqual({ type: 'ignore', why: 'a rolling update is under way (not staged)' });
    expect(decideWorkload('DaemonSet', ds('RollingUpdate', 3))).toEqual({ type: 'stage' });
  });

  test('bad annotations are all reported at once', () => {
    const decision = decideWorkload('StatefulSet', sts({ ...PLAN, [RolloutKeys.AUTO_ROLLBACK_ANNOTATION]: 'yes', [RolloutKeys.STATE_ANNOTATION]: '{' }, { current: 'a', update: 'b' }));
    expect(decision.type).toBe('invalid');
    expect((decision as { problems: readonly string[] }).problems).toEqual([
      expect.stringContaining('annotation staged-rollouts.io/state on statefulset/kafka is not valid JSON'),
      'annotation staged-rollouts.io/auto-rollback has "yes": use true or false',
    ]);
  });
});

describe('ControllerMetrics', () => {
  test('the text format: HELP and TYPE per family, sorted and escaped labels, histogram buckets, sum and count', () => {
    const metrics = new ControllerMetrics();
    metrics.add('staged_rollouts_gate_results_total', { result: 'failed', gate: 'prom=up{job="a\\b"}\n' });
    metrics.observe('staged_rollouts_step_duration_seconds', 42.5, { kind: 'StatefulSet' });
    const lines = metrics.render().split('\n');
    expect(lines).toContain('staged_rollouts_gate_results_total{gate="prom=up{job=\\"a\\\\b\\"}\\n",result="failed"} 1');
    expect(lines).toEqual(expect.arrayContaining([
      '# HELP staged_rollouts_gate_results_total Gate evaluations, by gate and result.',
      '# TYPE staged_rollouts_gate_results_total counter',
      'staged_rollouts_step_duration_seconds_bucket{kind="StatefulSet",le="30"} 0',
      'staged_rollouts_step_duration_seconds_bucket{kind="StatefulSet",le="60"} 1',
      'staged_rollouts_step_duration_seconds_bucket{kind="StatefulSet",le="+Inf"} 1',
      'staged_rollouts_step_duration_seconds_sum{kind="StatefulSet"} 42.5',
      'staged_rollouts_step_duration_seconds_count{kind="StatefulSet"} 1',
    ]));
    expect(metrics.render().endsWith('\n')).toBe(true);
  });
});
