import { RolloutKeys } from '../../../src/keys';
import { KubeDaemonSet, KubeStatefulSet } from '../../../src/runtime/kube/kube-types';
import { encodePromotionState, PromotionPhase } from '../../../src/runtime/promotion/promotion-state';
import { decideStage, decideStageOf } from '../../../src/runtime/rollout/stage';
import { daemonSet, promotionState, statefulSet } from '../kube-fixtures';

function withState<T extends KubeStatefulSet | KubeDaemonSet>(sts: T, phase: PromotionPhase): T {
  const state = promotionState({ phase });
  return { ...sts, metadata: { ...sts.metadata, annotations: { [RolloutKeys.STATE_ANNOTATION]: encodePromotionState(state) } } };
}

describe('decideStage', () => {
  test('pins the partition with the read resourceVersion as precondition', () => {
    const sts = statefulSet({ currentRevision: 'web-new', updateRevision: 'web-new' });
    const decision = decideStage({ ...sts, metadata: { ...sts.metadata, resourceVersion: '42' } });
    expect(decision).toEqual({
      action: 'patch',
      patch: { metadata: { resourceVersion: '42' }, spec: { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 32767 } } } },
      patchType: 'apply',
      message: 'staged (partition 32767): template changes roll no pod until promoted',
    });
  });

  test('says when it freezes a rollout in progress', () => {
    expect(decideStage(statefulSet({ updatedReplicas: 1 })).message)
      .toBe('staged (partition 32767): template changes roll no pod until promoted; the rollout in progress stops where it is (1 pods on revision web-new)');
  });

  test('does nothing when already pinned', () => {
    expect(decideStage(statefulSet({ partition: 32767 }))).toEqual({ action: 'already-staged', message: 'already staged (partition 32767)' });
  });

  test('refuses OnDelete and a promotion in progress, but not a finished one', () => {
    expect(() => decideStage(statefulSet({ strategy: 'OnDelete' }))).toThrow('statefulset/web uses the OnDelete update strategy, '
      + 'which has no partition to pin: set spec.updateStrategy.type to RollingUpdate (StatefulSetRollout.staged() does) to stage updates');
    expect(() => decideStage(withState(statefulSet(), 'soaking'))).toThrow('a promotion of statefulset/web is in progress (phase soaking, step 1): '
      + 'staging now would fight it; pause it with "kubectl-stage pause sts/web" or end it with "kubectl-stage abort sts/web"');
    expect(decideStage(withState(statefulSet(), 'complete')).action).toBe('patch');
  });

  test('a DaemonSet is staged by switching to OnDelete, refused while its promotion is in progress', () => {
    const ds = daemonSet();
    expect(decideStageOf('DaemonSet', ds).action).toBe('patch');
    expect(() => decideStageOf('DaemonSet', withState(ds, 'progressing'))).toThrow('a promotion of daemonset/agent is in progress '
      + '(phase progressing, step 1): staging now would fight it; pause it with "kubectl-stage pause ds/agent" or end it with "kubectl-stage abort ds/agent"');
    expect(decideStageOf('StatefulSet', statefulSet({ partition: 32767 })).action).toBe('already-staged');
  });
});
