import { RolloutKeys } from '../../../src/keys';
import { parseNodeCanaryPlan } from '../../../src/runtime/daemonset/daemonset-canary-plan';
import { daemonPodNode, evaluateCanaryStep, isDaemonPodUpdated } from '../../../src/runtime/daemonset/daemonset-canary-step';
import {
  canaryFields, canaryUnavailableBudget, recordedOriginalStrategy, restoreStrategyCommand, restoreStrategyFields, switchToOnDeleteFields,
} from '../../../src/runtime/daemonset/daemonset-canary-strategy';
import { KubeDaemonSet, KubePod } from '../../../src/runtime/kube/kube-types';
import { daemonPod, daemonSet, observe } from '../daemonset-fixtures';
import { NOW } from '../kube-fixtures';

const allOld = () => [1, 2, 3, 4].map((n) => daemonPod(n, 'old'));

describe('evaluateCanaryStep', () => {
  test('the canary step deletes the first node\'s old pod, within a budget of one', () => {
    const result = evaluateCanaryStep({ observation: observe(allOld()), plan: parseNodeCanaryPlan('canary'), step: 1, maxUnavailable: 1, now: NOW });
    expect(result.revision).toEqual({ hash: 'new', number: 2, templateGeneration: '3' });
    expect(result.stepCount).toBe(3);
    expect(result.nodes).toEqual(['node-1']);
    expect(result.passed).toBe(false);
    expect(result.deletions).toEqual([{ pod: 'agent-old-1', uid: 'uid-agent-old-1', node: 'node-1' }]);
    expect(result.blocking).toEqual([
      { pod: 'agent-old-1', node: 'node-1', reason: 'on revision old, waiting to be replaced by new', problems: [] },
    ]);
  });

  test('a staged step covers no node and passes', () => {
    const result = evaluateCanaryStep({ observation: observe(allOld()), plan: parseNodeCanaryPlan('canary'), step: 0, maxUnavailable: 1, now: NOW });
    expect(result).toEqual(expect.objectContaining({ passed: true, nodes: [], deletions: [], blocking: [] }));
  });

  test('an updated pod that is not yet Available uses the budget, so nothing more is deleted', () => {
    const pods = [daemonPod(1, 'new', { readyForSeconds: undefined }), daemonPod(2, 'old'), daemonPod(3, 'old'), daemonPod(4, 'old')];
    const result = evaluateCanaryStep({ observation: observe(pods), plan: parseNodeCanaryPlan('nodes=zone=a'), step: 1, maxUnavailable: 1, now: NOW });
    expect(result.nodes).toEqual(['node-1', 'node-2']);
    expect(result.deletions).toEqual([]);
    expect(result.blocking.map((block) => [block.node, block.reason])).toEqual([
      ['node-1', 'not Ready'],
      ['node-2', 'on revision old, waiting to be replaced by new'],
    ]);
    const wider = evaluateCanaryStep({ observation: observe(pods), plan: parseNodeCanaryPlan('100%'), step: 1, maxUnavailable: 2, now: NOW });
    expect(wider.deletions.map((deletion) => deletion.node)).toEqual(['node-2']);
  });

  test('an old pod that is not Available is replaced at once, without using the budget', () => {
    const pods = [daemonPod(1, 'new', { readyForSeconds: undefined }), daemonPod(2, 'old', { readyForSeconds: undefined }), daemonPod(3, 'old'), daemonPod(4, 'old')];
    const result = evaluateCanaryStep({ observation: observe(pods), plan: parseNodeCanaryPlan('3'), step: 1, maxUnavailable: 1, now: NOW });
    expect(result.deletions.map((deletion) => deletion.pod)).toEqual(['agent-old-2']);
  });

  test('replacements, then deletions within the budget, go in the plan\'s node order whatever order the pods were listed in', () => {
    const pods = [
      daemonPod(4, 'old', { readyForSeconds: undefined }), daemonPod(3, 'old', { readyForSeconds: undefined }), daemonPod(2, 'old'), daemonPod(1, 'old'),
    ];
    const result = evaluateCanaryStep({ observation: observe(pods), plan: parseNodeCanaryPlan('100%'), step: 1, maxUnavailable: 1, now: NOW });
    expect(result.deletions.map((deletion) => deletion.node)).toEqual(['node-3', 'node-4', 'node-1']);
  });

  test('a terminating old pod (or a node without a pod) counts as unavailable', () => {
    const pods = [daemonPod(1, 'old', { terminating: true }), daemonPod(2, 'old'), daemonPod(3, 'old'), daemonPod(4, 'old')];
    const result = evaluateCanaryStep({ observation: observe(pods), plan: parseNodeCanaryPlan('2'), step: 1, maxUnavailable: 1, now: NOW });
    expect(result.deletions).toEqual([]);
    expect(result.blocking[0]).toEqual({ pod: 'agent-old-1', node: 'node-1', reason: 'terminating; the controller creates the new pod once it is gone', problems: [] });
  });

  test('passes when every covered node runs an updated Available pod, including nodes updated outside the plan', () => {
    const pods = [daemonPod(1, 'new'), daemonPod(2, 'old'), daemonPod(3, 'new', { readyForSeconds: undefined }), daemonPod(4, 'old')];
    const blocked = evaluateCanaryStep({ observation: observe(pods), plan: parseNodeCanaryPlan('canary'), step: 1, maxUnavailable: 1, now: NOW });
    expect(blocked.nodes).toEqual(['node-1', 'node-3']);
    expect(blocked.passed).toBe(false);
    expect(blocked.blocking.map((block) => block.node)).toEqual(['node-3']);
    const healthy = [daemonPod(1, 'new'), daemonPod(2, 'old'), daemonPod(3, 'new'), daemonPod(4, 'old')];
    expect(evaluateCanaryStep({ observation: observe(healthy), plan: parseNodeCanaryPlan('canary'), step: 1, maxUnavailable: 1, now: NOW }).passed).toBe(true);
  });

  test('waits for minReadySeconds and says when to look again', () => {
    const pods = [daemonPod(1, 'new', { readyForSeconds: 10 }), daemonPod(2, 'old'), daemonPod(3, 'old'), daemonPod(4, 'old')];
    const result = evaluateCanaryStep({ observation: observe(pods, daemonSet({ minReadySeconds: 30 })), plan: parseNodeCanaryPlan('canary'), step: 1, maxUnavailable: 1, now: NOW });
    expect(result.passed).toBe(false);
    expect(result.blocking[0].reason).toBe('Ready for 10s, not yet Available (minReadySeconds 30)');
    expect(result.recheckAt).toBe(NOW + 20_000 + 1);
  });

  test('an updated pod in ImagePullBackOff fails the step at once', () => {
    const pods = [daemonPod(1, 'new', { readyForSeconds: undefined, waiting: { reason: 'ImagePullBackOff', message: 'Back-off pulling image "agent:bad"' } }), daemonPod(2, 'old'), daemonPod(3, 'old'), daemonPod(4, 'old')];
    const result = evaluateCanaryStep({ observation: observe(pods), plan: parseNodeCanaryPlan('canary'), step: 1, maxUnavailable: 1, now: NOW });
    expect(result.failedStart).toEqual([{ pod: 'agent-new-1', reason: 'ImagePullBackOff', message: 'pod agent-new-1: ImagePullBackOff - Back-off pulling image "agent:bad"' }]);
  });

  test('neither deletes nor passes while the controller catches up', () => {
    const behind = evaluateCanaryStep({ observation: observe(allOld(), daemonSet({ generation: 4, observed: 3 })), plan: parseNodeCanaryPlan('canary'), step: 1, maxUnavailable: 1, now: NOW });
    expect(behind.waitingForController).toBe('the DaemonSet controller has not observed generation 4 yet (observedGeneration 3)');
    expect(behind.deletions).toEqual([]);
    const missing = evaluateCanaryStep({ observation: observe(allOld().slice(1)), plan: parseNodeCanaryPlan('3'), step: 1, maxUnavailable: 1, now: NOW });
    expect(missing.waitingForController).toBe('the DaemonSet controller has not yet created the pods of 1 of its 4 nodes');
    expect(missing.passed).toBe(false);
    expect(missing.deletions).toEqual([]);
    const unrecorded = evaluateCanaryStep({ observation: observe(allOld(), daemonSet({ image: 'agent:3' })), plan: parseNodeCanaryPlan('canary'), step: 1, maxUnavailable: 1, now: NOW });
    expect(unrecorded.waitingForController).toBe('the DaemonSet controller has not recorded a ControllerRevision for the current template yet');
  });
});

describe('daemon pod facts', () => {
  test('a pod is updated by revision hash or by template generation', () => {
    const update = { hash: 'new', templateGeneration: '3' };
    expect(isDaemonPodUpdated(daemonPod(1, 'new'), update)).toBe(true);
    expect(isDaemonPodUpdated(daemonPod(1, 'old'), update)).toBe(false);
    const byGeneration = daemonPod(1, 'old');
    expect(isDaemonPodUpdated({ ...byGeneration, metadata: { ...byGeneration.metadata, labels: { [RolloutKeys.POD_TEMPLATE_GENERATION_LABEL]: '3' } } }, update)).toBe(true);
  });

  test('an unbound daemon pod belongs to the node its affinity pins it to', () => {
    const unbound: KubePod = {
      metadata: { name: 'agent-x' },
      spec: { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['node-9'] }] }] } } } },
    };
    expect(daemonPodNode(unbound)).toBe('node-9');
    expect(daemonPodNode({ metadata: {} })).toBeUndefined();
  });
});

describe('strategy hand-over', () => {
  const rolling: KubeDaemonSet = { ...daemonSet(), spec: { ...daemonSet().spec, updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: 0 } } } };

  test('switching applies OnDelete with the original strategy recorded once, and every field the promoter owns', () => {
    expect(switchToOnDeleteFields(rolling)).toEqual({
      metadata: {
        annotations: {
          [RolloutKeys.ORIGINAL_STRATEGY_ANNOTATION]: '{"type":"RollingUpdate","rollingUpdate":{"maxUnavailable":"25%","maxSurge":0}}',
        },
      },
      spec: { updateStrategy: { type: 'OnDelete' } },
    });
    const switched: KubeDaemonSet = {
      ...daemonSet(),
      metadata: { ...daemonSet().metadata, annotations: { [RolloutKeys.ORIGINAL_STRATEGY_ANNOTATION]: '{"type":"RollingUpdate"}', [RolloutKeys.STATE_ANNOTATION]: '{}', other: 'x' } },
    };
    // An apply is the whole intent: the state it does not change is stated as it stands, so it is not removed.
    expect(switchToOnDeleteFields(switched)).toEqual({
      metadata: { annotations: { [RolloutKeys.ORIGINAL_STRATEGY_ANNOTATION]: '{"type":"RollingUpdate"}', [RolloutKeys.STATE_ANNOTATION]: '{}' } },
      spec: { updateStrategy: { type: 'OnDelete' } },
    });
  });

  test('the promoter\'s fields: its annotations, and OnDelete without the rollingUpdate another manager left beside it', () => {
    const leftover: KubeDaemonSet = {
      ...rolling,
      metadata: { ...rolling.metadata, annotations: { [RolloutKeys.ORIGINAL_STRATEGY_ANNOTATION]: '{"type":"RollingUpdate"}', other: 'x' } },
      spec: { ...rolling.spec, updateStrategy: { type: 'OnDelete', rollingUpdate: { maxUnavailable: '25%', maxSurge: 0 } } },
    };
    expect(canaryFields(leftover)).toEqual({
      metadata: { annotations: { [RolloutKeys.ORIGINAL_STRATEGY_ANNOTATION]: '{"type":"RollingUpdate"}' } },
      spec: { updateStrategy: { type: 'OnDelete' } },
    });
    expect(canaryFields(rolling)).toEqual({ spec: { updateStrategy: rolling.spec.updateStrategy } });
  });

  test('restoring applies the recorded strategy and leaves the record out, which removes it', () => {
    const switched: KubeDaemonSet = {
      ...daemonSet(),
      metadata: {
        ...daemonSet().metadata,
        annotations: { [RolloutKeys.ORIGINAL_STRATEGY_ANNOTATION]: '{"type":"RollingUpdate","rollingUpdate":{"maxUnavailable":1}}', [RolloutKeys.STATE_ANNOTATION]: '{}' },
      },
    };
    expect(restoreStrategyFields(switched, 'daemonset/agent')).toEqual({
      metadata: { annotations: { [RolloutKeys.STATE_ANNOTATION]: '{}' } },
      spec: { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1 } } },
    });
    expect(() => restoreStrategyFields(daemonSet(), 'daemonset/agent'))
      .toThrow('daemonset/agent has no annotation staged-rollouts.io/original-strategy: no strategy to restore');
    expect(restoreStrategyCommand('daemonset/agent', { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1 } })).toBe(
      'kubectl patch daemonset/agent --type merge -p \'{"metadata":{"annotations":{"staged-rollouts.io/original-strategy":null}},"spec":{"updateStrategy":{"type":"RollingUpdate","rollingUpdate":{"maxUnavailable":1}}}}\'');
  });

  test('a record that is not a strategy is bad input naming the annotation', () => {
    const broken: KubeDaemonSet = { ...daemonSet(), metadata: { ...daemonSet().metadata, annotations: { [RolloutKeys.ORIGINAL_STRATEGY_ANNOTATION]: '{"type":"Sometimes"}' } } };
    expect(() => recordedOriginalStrategy(broken, 'daemonset/agent')).toThrow(
      'annotation staged-rollouts.io/original-strategy on daemonset/agent is not an update strategy (expected JSON such as {"type":"RollingUpdate","rollingUpdate":{"maxUnavailable":1}}, got "{\\"type\\":\\"Sometimes\\"}"); fix it, or remove it with "kubectl annotate daemonset/agent staged-rollouts.io/original-strategy-"');
  });

  test('the unavailability budget is the original maxUnavailable, rounded up, at least 1', () => {
    expect(canaryUnavailableBudget({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%' } }, 10)).toBe(3);
    expect(canaryUnavailableBudget({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } }, 10)).toBe(1);
    expect(canaryUnavailableBudget({ type: 'RollingUpdate' }, 10)).toBe(1);
    expect(canaryUnavailableBudget({ type: 'OnDelete' }, 10)).toBe(1);
  });
});
