// kubectl-stage plan and promote on a StatefulSet with a restart order, over HTTP against the sandbox: the plan says
// the order, and promote prints each restart and why that pod now.
import { RolloutKeys } from '../../src/keys';
import { allOn, CliKit, startCliKit } from '../support/cli-kit';
import { zookeeperServerPage } from '../support/simulated-metrics';

jest.setTimeout(60_000);

describe('a restart order on the command line', () => {
  let cli: CliKit;
  afterEach(() => cli?.sandbox.stop());

  test('plan says the order; promote restarts the followers, then the leader', async () => {
    cli = await startCliKit();
    await cli.createStatefulSet('zk', { replicas: 3, image: 'zk:1', updateStrategy: 'staged', ports: [{ name: 'metrics', containerPort: 7000 }] });
    await cli.cluster.patch('StatefulSet', 'default', 'zk', {
      metadata: { annotations: { [RolloutKeys.RESTART_ORDER_ANNOTATION]: 'zookeeper-leader-last', [RolloutKeys.PLAN_ANNOTATION]: 'canary' } },
    }, 'merge');
    for (const pod of cli.pods('zk')) {
      cli.podMetrics.set('default', pod.metadata.name!, 7000, zookeeperServerPage(cli.clock, () => cli.pods('zk'), 'zk-2', () => 0));
    }

    const plan = await cli.stage(['plan', 'sts/zk']);
    expect(plan.stdout).toBe([
      'statefulset/zk: plan canary (from annotation staged-rollouts.io/plan), 3 replicas',
      'STEP  PARTITION         UPDATED  MOVES',
      '0     3 (pinned 32767)  0/3      staged: no pod moves',
      '1     2                 1/3      1 in order',
      '2     0                 3/3      2 in order',
      'pods restart one pod at a time: the others by descending ordinal, then the leader, found from the pods\' metrics at promotion time '
        + '(zookeeper-leader-last; the StatefulSet is OnDelete while it is promoted)',
      '',
    ].join('\n'));

    cli.setImage('zk', 'zk:2');
    const promote = await cli.stage(['promote', 'sts/zk']);
    expect(promote.code).toBe(0);
    const lines = promote.stdout.split('\n').filter((line) => !line.includes('waiting'));
    expect(lines).toEqual([
      'promoting sts/zk with plan canary (partitions 3, 2, 0): step 0 -> 2',
      'step 0: staged (OnDelete while promoting, pods restarted in order)',
      'step 1: 1 pod to the new revision, one at a time in order',
      'step 1: restarting zk-1 (zk-2 is the leader, restarted last)',
      'step 2: 2 pods to the new revision, one at a time in order',
      'step 2: restarting zk-0 (zk-2 is the leader, restarted last)',
      'step 2: restarting zk-2 (the leader, last)',
      expect.stringMatching(/^promotion complete: every pod of statefulset\/zk is on revision zk-\w+$/),
      '',
    ]);
    expect(allOn(cli, 'zk', 'zk:2', 3)).toBe(true);
  });
});
