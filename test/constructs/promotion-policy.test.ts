// The promotion policy declared with a staged StatefulSet (soak, step timeout, auto-rollback, approval): validated at
// synth time, written as annotations, and read back by the one parser the runtime shares with the duration flags.
import { Duration, Testing } from 'cdk8s';
import { find, Manifest, testChart } from './manifest';
import { DaemonSetRollout } from '../../src/daemonset-rollout';
import { RolloutKeys } from '../../src/keys';
import { NodeAgent } from '../../src/node-agent';
import { PartitionPlan } from '../../src/partition-plan';
import { readPromotionPolicy } from '../../src/promotion-policy';
import { ApprovalPolicy } from '../../src/promotion-policy-options';
import { RolloutGate } from '../../src/rollout-gate';
import { parseDuration } from '../../src/runtime/duration';
import { gatesOfAnnotation } from '../../src/runtime/promotion/gate-spec';
import { StatefulSetRollout } from '../../src/statefulset-rollout';
import { ValidationError } from '../../src/validation-error';

function annotationsOf(rollout: StatefulSetRollout): Record<string, string> {
  return rollout._annotations();
}

describe('promotion policy', () => {
  test('a staged rollout writes soak, step timeout, auto-rollback and approval, which read back to the promote options', () => {
    const annotations = annotationsOf(StatefulSetRollout.staged(PartitionPlan.canary(), {
      soak: Duration.minutes(5), stepTimeout: Duration.millis(1500), autoRollback: true, approval: ApprovalPolicy.EACH_STEP,
    }));
    expect(annotations).toMatchObject({
      [RolloutKeys.SOAK_ANNOTATION]: '300s',
      [RolloutKeys.STEP_TIMEOUT_ANNOTATION]: '1500ms',
      [RolloutKeys.AUTO_ROLLBACK_ANNOTATION]: 'true',
      [RolloutKeys.APPROVAL_ANNOTATION]: 'each-step',
    });
    expect(readPromotionPolicy(annotations)).toEqual({ policy: { soakMs: 300_000, timeoutMs: 1500, autoRollback: true, approveEach: true } });
    // The annotation's text is the text --soak takes.
    expect(parseDuration(annotations[RolloutKeys.SOAK_ANNOTATION], '--soak')).toBe(300_000);
  });

  test('no policy declared: no annotation, and the defaults of the promote flags', () => {
    const annotations = annotationsOf(StatefulSetRollout.staged(PartitionPlan.canary()));
    expect(Object.keys(annotations)).toEqual([RolloutKeys.PLAN_ANNOTATION]);
    expect(readPromotionPolicy(annotations)).toEqual({ policy: { soakMs: 0, autoRollback: false, approveEach: false } });
  });

  test('hand-written annotations in the --soak grammar parse; bad values are each named with the key and what is valid', () => {
    expect(readPromotionPolicy({ [RolloutKeys.SOAK_ANNOTATION]: '1h30m', [RolloutKeys.APPROVAL_ANNOTATION]: 'none' }).policy)
      .toEqual({ soakMs: 5_400_000, autoRollback: false, approveEach: false });
    expect(readPromotionPolicy({
      [RolloutKeys.SOAK_ANNOTATION]: '5 minutes',
      [RolloutKeys.AUTO_ROLLBACK_ANNOTATION]: 'yes',
      [RolloutKeys.APPROVAL_ANNOTATION]: 'always',
    }).problems).toEqual([
      'annotation staged-rollouts.io/soak has "5 minutes": use a number with a unit (ms, s, m, h), for example 30s, 5m or 1h30m',
      'annotation staged-rollouts.io/auto-rollback has "yes": use true or false',
      'annotation staged-rollouts.io/approval has "always": use each-step or none',
    ]);
  });

  test.each([
    [() => StatefulSetRollout.rollingUpdate({ soak: Duration.minutes(1) }), 'soak', 'use StatefulSetRollout.staged(plan, { soak })'],
    [() => StatefulSetRollout.onDelete({ autoRollback: true }), 'autoRollback', 'use StatefulSetRollout.staged(plan, { autoRollback })'],
    [() => StatefulSetRollout.staged(PartitionPlan.canary(), { approval: 'sometimes' as ApprovalPolicy }), 'approval',
      'use ApprovalPolicy.EACH_STEP or ApprovalPolicy.NONE'],
    [() => StatefulSetRollout.staged(PartitionPlan.canary(), { stepTimeout: Duration.days(200_000) }), 'stepTimeout',
      'up to the longest duration kubectl accepts'],
  ])('refuses a policy it cannot write, naming the prop and what is valid (%#)', (make, prop, fix) => {
    let caught: unknown;
    try {
      make();
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ValidationError);
    expect((caught as ValidationError).property).toBe(prop);
    expect((caught as Error).message).toContain(fix);
  });

  test('DaemonSetRollout.canary: OnDelete, the node canary plan and the policy on a NodeAgent\'s DaemonSet', () => {
    const chart = testChart();
    new NodeAgent(chart, 'agent', {
      name: 'agent',
      image: 'registry.example.com/agent:1',
      rollout: DaemonSetRollout.canary('1,25%,100%', { soak: Duration.minutes(2), autoRollback: true }),
    });
    const ds = find(Testing.synth(chart) as Manifest[], 'DaemonSet', 'agent');
    expect(ds.spec.updateStrategy).toEqual({ type: 'OnDelete' });
    expect(ds.metadata.annotations).toEqual({
      [RolloutKeys.PLAN_ANNOTATION]: '1,25%,100%', [RolloutKeys.SOAK_ANNOTATION]: '120s', [RolloutKeys.AUTO_ROLLBACK_ANNOTATION]: 'true',
    });
    expect(readPromotionPolicy(ds.metadata.annotations).policy).toEqual({ soakMs: 120_000, autoRollback: true, approveEach: false });
  });

  test('DaemonSetRollout.canary: its gates are written as the runtime reads them back', () => {
    const chart = testChart();
    const gates = [RolloutGate.http('http://agent-check.monitoring:8080/healthz'), RolloutGate.prometheus('sum(up{job="agent"})', '>= 3')];
    new NodeAgent(chart, 'agent', { name: 'agent', image: 'registry.example.com/agent:1', rollout: DaemonSetRollout.canary('canary', { gates }) });
    const ds = find(Testing.synth(chart) as Manifest[], 'DaemonSet', 'agent');
    const read = gatesOfAnnotation(ds.metadata.annotations[RolloutKeys.GATES_ANNOTATION], 'ds/agent', { prometheusUrl: 'http://prometheus:9090' });
    expect(read.map((gate) => [gate.type, gate.text])).toEqual([
      ['http', 'http=http://agent-check.monitoring:8080/healthz'],
      ['prom', 'prom=sum(up{job="agent"})>= 3'],
    ]);
  });

  test.each([
    [() => DaemonSetRollout.canary('canary', { gates: [RolloutGate.kafka()] }), 'gates', 'not a DaemonSet\'s pods: use RolloutGate.http or RolloutGate.prometheus'],
    [() => DaemonSetRollout.onDelete({ gates: [RolloutGate.http('http://x/healthz')] } as object), 'gates', 'use DaemonSetRollout.canary(plan, { gates })'],
    [() => DaemonSetRollout.canary('0%'), 'plan', 'use a node canary plan'],
    [() => DaemonSetRollout.onDelete({ soak: Duration.minutes(1) } as object), 'soak', 'use DaemonSetRollout.canary(plan, { soak })'],
    [() => DaemonSetRollout.canary('canary', { approval: 'later' as ApprovalPolicy }), 'approval', 'use ApprovalPolicy.EACH_STEP or ApprovalPolicy.NONE'],
  ])('DaemonSetRollout refuses what it cannot write (%#)', (make, prop, fix) => {
    let caught: unknown;
    try {
      make();
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ValidationError);
    expect((caught as ValidationError).property).toBe(prop);
    expect((caught as Error).message).toContain(fix);
  });
});
