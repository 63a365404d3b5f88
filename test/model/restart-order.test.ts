// StatefulSetRollout.staged(plan, { order }): the restart order the promoter reads, written as an annotation; the
// manifest keeps its staged RollingUpdate strategy (the promoter switches to OnDelete only while it promotes).
import { PartitionPlan } from '../../src/partition-plan';
import { RestartOrder } from '../../src/restart-order';
import { StatefulSetRollout } from '../../src/statefulset-rollout';
import { ZooKeeperEnsemble } from '../../src/zookeeper-ensemble';
import { synthValid, testChart } from '../constructs/manifest';

describe('StatefulSetRollout order', () => {
  test('writes the restart-order annotation beside the plan and keeps the staged strategy', () => {
    const rollout = StatefulSetRollout.staged(PartitionPlan.canary(), { order: RestartOrder.ZOOKEEPER_LEADER_LAST });
    expect(rollout._annotations()).toEqual({
      'staged-rollouts.io/plan': PartitionPlan.canary().toString(),
      'staged-rollouts.io/restart-order': 'zookeeper-leader-last',
    });
    expect(rollout._toSpec(3)).toEqual({ updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: PartitionPlan.STAGED_PARTITION } } });
    expect(StatefulSetRollout.staged(PartitionPlan.linear(1), { order: RestartOrder.KRAFT_CONTROLLER_LAST })._annotations())
      .toMatchObject({ 'staged-rollouts.io/restart-order': 'kraft-controller-last' });
  });

  test('without an order no annotation is written', () => {
    expect(Object.keys(StatefulSetRollout.staged(PartitionPlan.canary())._annotations())).toEqual(['staged-rollouts.io/plan']);
  });

  test('an order needs a staged rollout (a promoter to restart pods), and unknown orders are named', () => {
    expect(() => StatefulSetRollout.rollingUpdate({ order: RestartOrder.ZOOKEEPER_LEADER_LAST }))
      .toThrow('StatefulSetRollout: order: "zookeeper-leader-last" is not valid; only a staged rollout is restarted by the promoter '
        + 'in an order: use StatefulSetRollout.staged(plan, { order })');
    expect(() => StatefulSetRollout.onDelete({ order: RestartOrder.KRAFT_CONTROLLER_LAST })).toThrow(/only a staged rollout is restarted/);
    expect(() => StatefulSetRollout.staged(PartitionPlan.canary(), { order: 'leader-first' as RestartOrder }))
      .toThrow('StatefulSetRollout: order: "leader-first" is not valid; use RestartOrder.ZOOKEEPER_LEADER_LAST or RestartOrder.KRAFT_CONTROLLER_LAST');
  });

  test('a ZooKeeperEnsemble carries the annotation on its StatefulSet, which stays schema-valid', () => {
    const chart = testChart();
    new ZooKeeperEnsemble(chart, 'zk', { rollout: StatefulSetRollout.staged(PartitionPlan.linear(1), { order: RestartOrder.ZOOKEEPER_LEADER_LAST }) });
    const sts = synthValid(chart).find((object) => object.kind === 'StatefulSet')!;
    expect(sts.metadata.annotations['staged-rollouts.io/restart-order']).toBe('zookeeper-leader-last');
    expect(sts.spec.updateStrategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { partition: PartitionPlan.STAGED_PARTITION } });
  });
});
