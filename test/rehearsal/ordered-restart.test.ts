// rehearse() of a StatefulSet with a restart order: the rehearsal's pods serve simulated leadership (the highest
// ordinal leads, as ZooKeeper's election settles servers with equal zxids), so the rehearsal shows the followers
// restarted first and the leader last, step by step.
import { App, Chart } from 'cdk8s';
import { PartitionPlan, RestartOrder, StatefulSetRollout, ZooKeeperEnsemble } from '../../src';
import { rehearse, synthYaml } from '../../src/rehearsal';

function ensemble(image: string): string {
  const app = new App();
  const chart = new Chart(app, 'release');
  new ZooKeeperEnsemble(chart, 'zk', {
    name: 'zk',
    replicas: 3,
    image,
    metrics: {},
    rollout: StatefulSetRollout.staged(PartitionPlan.linear(1), { order: RestartOrder.ZOOKEEPER_LEADER_LAST }),
  });
  return synthYaml(app);
}

describe('rehearse an ordered restart', () => {
  test('the followers restart by descending ordinal, the simulated leader (the highest ordinal) last', async () => {
    const report = await rehearse({ from: ensemble('zookeeper:3.9.3'), to: ensemble('zookeeper:3.9.4') });
    expect(report.workloads).toHaveLength(1);
    const [zk] = report.workloads;
    expect(zk).toMatchObject({ kind: 'StatefulSet', name: 'zk', plan: 'linear:1', outcome: 'complete' });
    expect(zk.steps.map((step) => step.pods)).toEqual([[], ['zk-1'], ['zk-0'], ['zk-2']]);
    expect(zk.steps.map((step) => step.result)).toEqual(['passed', 'passed', 'passed', 'passed']);
    expect(zk.maxUnavailable).toBe(1);
    expect(report.succeeded).toBe(true);
  });
});
