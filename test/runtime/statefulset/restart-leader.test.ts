// Which pod an ordered restart keeps for last, from the pods' metrics as read: pure decisions, no cluster.
import { RestartOrder } from '../../../src/restart-order';
import { PodReading } from '../../../src/runtime/promotion/pod-reading';
import { ACTIVE_CONTROLLER_COUNT, findLeader, nextToRestart, restartReadiness } from '../../../src/runtime/statefulset/restart-leader';

function server(pod: string, ...metrics: [string, number][]): PodReading {
  return { pod, samples: metrics.map(([name, value]) => ({ name, labels: {}, value })) };
}

describe('findLeader', () => {
  test('the ZooKeeper leader is the one server reporting synced_followers, whatever its value', () => {
    expect(findLeader(RestartOrder.ZOOKEEPER_LEADER_LAST, [
      server('zk-0', ['quorum_size', 3]), server('zk-1', ['quorum_size', 3], ['synced_followers', 0]), server('zk-2', ['quorum_size', 3]),
    ])).toEqual({ leader: 'zk-1' });
  });

  test('the active KRaft controller is the one pod whose active controller count is 1', () => {
    expect(findLeader(RestartOrder.KRAFT_CONTROLLER_LAST, [
      server('ctl-0', [ACTIVE_CONTROLLER_COUNT, 0]), server('ctl-1', [ACTIVE_CONTROLLER_COUNT, 0]), server('ctl-2', [ACTIVE_CONTROLLER_COUNT, 1]),
    ])).toEqual({ leader: 'ctl-2' });
  });

  test('no leader, two leaders and unreadable pods are problems, never a guess', () => {
    expect(findLeader(RestartOrder.ZOOKEEPER_LEADER_LAST, [server('zk-0', ['quorum_size', 3]), server('zk-1')]))
      .toEqual({ problem: 'no pod reports being leader (synced_followers)' });
    expect(findLeader(RestartOrder.KRAFT_CONTROLLER_LAST, [server('ctl-0', [ACTIVE_CONTROLLER_COUNT, 1]), server('ctl-1', [ACTIVE_CONTROLLER_COUNT, 1])]))
      .toEqual({ problem: '2 pods report being active controller (ctl-0, ctl-1)' });
    expect(findLeader(RestartOrder.KRAFT_CONTROLLER_LAST, [server('ctl-0', [ACTIVE_CONTROLLER_COUNT, 0])]))
      .toEqual({ problem: `no pod reports being active controller (${ACTIVE_CONTROLLER_COUNT} = 1)` });
    // The unreadable pod might be the leader, even though another pod reports leadership.
    expect(findLeader(RestartOrder.ZOOKEEPER_LEADER_LAST, [server('zk-0', ['synced_followers', 1]), { pod: 'zk-1', error: 'metrics unreachable on port 7000' }]))
      .toEqual({ problem: 'zk-1: metrics unreachable on port 7000' });
  });
});

describe('restartReadiness', () => {
  test('a ZooKeeper ensemble must also be whole: a server still syncing holds the next restart', () => {
    const whole = [server('zk-0', ['quorum_size', 3]), server('zk-1', ['quorum_size', 3], ['synced_followers', 2]), server('zk-2', ['quorum_size', 3])];
    expect(restartReadiness(RestartOrder.ZOOKEEPER_LEADER_LAST, whole)).toEqual({ leader: 'zk-1' });
    const syncing = [server('zk-0'), server('zk-1', ['quorum_size', 3], ['synced_followers', 1]), server('zk-2', ['quorum_size', 3])];
    expect(restartReadiness(RestartOrder.ZOOKEEPER_LEADER_LAST, syncing)).toEqual({
      problem: 'the ensemble is not ready for the next restart: zk-0 serves in no quorum (no quorum_size: it is looking for a leader or syncing); '
        + 'leader zk-1 has 1 of 2 followers synced',
    });
    expect(restartReadiness(RestartOrder.KRAFT_CONTROLLER_LAST, [server('ctl-0', [ACTIVE_CONTROLLER_COUNT, 0])]))
      .toEqual({ problem: `cannot tell which pod is the active controller: no pod reports being active controller (${ACTIVE_CONTROLLER_COUNT} = 1)` });
  });
});

describe('nextToRestart', () => {
  const candidates = [{ pod: 'zk-2' }, { pod: 'zk-1' }, { pod: 'zk-0' }];
  test('the first candidate that is not the leader', () => {
    expect(nextToRestart(candidates, 'zk-2')).toEqual({ pod: 'zk-1' });
    expect(nextToRestart(candidates, 'zk-0')).toEqual({ pod: 'zk-2' });
    // A leader already restarted (on the new revision) is no candidate.
    expect(nextToRestart(candidates, 'zk-9')).toEqual({ pod: 'zk-2' });
  });
  test('the leader once it is the only one left', () => {
    expect(nextToRestart([{ pod: 'zk-2' }], 'zk-2')).toEqual({ pod: 'zk-2' });
    expect(nextToRestart([], 'zk-2')).toBeUndefined();
  });
});
