// StatefulSetRollout.staged(plan, { order }): the restart order the promoter reads, written as an annotation; the
// manifest keeps its staged RollingUpdate strategy (the promoter switches to OnDelete only while it promotes).
import { KafkaCluster } from '../../src/kafka-cluster';
import { PartitionPlan } from '../../src/partition-plan';
import { RestartOrder } from '../../src/restart-order';
import { StatefulSetRollout } from '../../src/statefulset-rollout';
import { ZooKeeperEnsemble } from '../../src/zookeeper-ensemble';
import { synthValid, testChart, validationErrors } from '../constructs/manifest';

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
    new ZooKeeperEnsemble(chart, 'zk', { metrics: {}, rollout: StatefulSetRollout.staged(PartitionPlan.linear(1), { order: RestartOrder.ZOOKEEPER_LEADER_LAST }) });
    const sts = synthValid(chart).find((object) => object.kind === 'StatefulSet')!;
    expect(sts.metadata.annotations['staged-rollouts.io/restart-order']).toBe('zookeeper-leader-last');
    expect(sts.spec.updateStrategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { partition: PartitionPlan.STAGED_PARTITION } });
  });
});

describe('the order fits the workload', () => {
  const staged = (order: RestartOrder) => StatefulSetRollout.staged(PartitionPlan.canary(), { order });

  test('an ensemble restarts its leader last, found from the metrics it must serve', () => {
    const errors = (metrics: object | undefined, order: RestartOrder) => {
      const chart = testChart();
      new ZooKeeperEnsemble(chart, 'zk', { metrics, rollout: staged(order) });
      return validationErrors(chart);
    };
    expect(errors({}, RestartOrder.ZOOKEEPER_LEADER_LAST)).toEqual([]);
    expect(errors(undefined, RestartOrder.ZOOKEEPER_LEADER_LAST)).toEqual(['test/zk: rollout.order: "zookeeper-leader-last" is not valid; the promoter '
      + 'finds the pod to restart last from each pod\'s container port named "metrics", which only `metrics` adds: set metrics, or leave the order out']);
    expect(errors({}, RestartOrder.KRAFT_CONTROLLER_LAST)).toEqual(['test/zk: rollout.order: "kraft-controller-last" is not valid; '
      + 'an ensemble restarts its leader last: use RestartOrder.ZOOKEEPER_LEADER_LAST']);
  });

  test('a KRaft cluster of combined brokers restarts its active controller last; other shapes are named', () => {
    const errors = (props: object, order: RestartOrder) => {
      const chart = testChart();
      new KafkaCluster(chart, 'kafka', { replicas: 3, metrics: {}, rollout: staged(order), ...props });
      return validationErrors(chart);
    };
    expect(errors({}, RestartOrder.KRAFT_CONTROLLER_LAST)).toEqual([]);
    expect(errors({ metrics: undefined }, RestartOrder.KRAFT_CONTROLLER_LAST)).toEqual([expect.stringContaining('test/kafka: rollout.order: '
      + '"kraft-controller-last" is not valid; the promoter finds the pod to restart last from each pod\'s container port named "metrics"')]);
    expect(errors({}, RestartOrder.ZOOKEEPER_LEADER_LAST)).toEqual(['test/kafka: rollout.order: "zookeeper-leader-last" is not valid; '
      + 'a KRaft cluster restarts its active controller last: use RestartOrder.KRAFT_CONTROLLER_LAST']);
    expect(errors({ controllers: 3 }, RestartOrder.KRAFT_CONTROLLER_LAST)).toEqual([expect.stringContaining('with separate controllers the rollout '
      + 'also restarts the brokers, none of which is the active controller: leave the order out')]);
  });
});
