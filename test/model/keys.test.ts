import { RolloutKeys } from '../../src/keys';

describe('RolloutKeys', () => {
  test('project keys live under the staged-rollouts.io prefix', () => {
    expect(RolloutKeys.PLAN_ANNOTATION).toBe('staged-rollouts.io/plan');
    expect(RolloutKeys.STATE_ANNOTATION).toBe('staged-rollouts.io/state');
    expect(RolloutKeys.ORIGINAL_STRATEGY_ANNOTATION).toBe('staged-rollouts.io/original-strategy');
  });

  test('upstream keys match Kubernetes spelling', () => {
    expect(RolloutKeys.CHANGE_CAUSE_ANNOTATION).toBe('kubernetes.io/change-cause');
    expect(RolloutKeys.CONTROLLER_REVISION_HASH_LABEL).toBe('controller-revision-hash');
    expect(RolloutKeys.STATEFULSET_POD_NAME_LABEL).toBe('statefulset.kubernetes.io/pod-name');
    expect(RolloutKeys.POD_INDEX_LABEL).toBe('apps.kubernetes.io/pod-index');
    expect(RolloutKeys.POD_TEMPLATE_GENERATION_LABEL).toBe('pod-template-generation');
    expect(RolloutKeys.NAME_LABEL).toBe('app.kubernetes.io/name');
    expect(RolloutKeys.MANAGED_BY_LABEL).toBe('app.kubernetes.io/managed-by');
  });
});
