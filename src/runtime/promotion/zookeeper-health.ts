// Whether a ZooKeeper ensemble may lose a server now: the decision of the `zookeeper` gate over what each server's
// Prometheus metrics provider reports (`metricsProvider.className=...PrometheusMetricsProvider`, port 7000). The gauge
// names are ZooKeeper's own (3.6 and later): QuorumZooKeeperServer registers `quorum_size` (the voting members) while it
// serves in a quorum, and only the leader's LeaderZooKeeperServer registers `synced_followers` (followers forwarding,
// i.e. synced) and `learners`. Pure: the readings in, the verdict and its message out.
import { HealthVerdict, PodReading } from './pod-reading';

/** The voting members of the ensemble, reported by every server serving in a quorum. */
export const QUORUM_SIZE = 'quorum_size';
/** The followers synced with the leader, reported by the leader only. */
export const SYNCED_FOLLOWERS = 'synced_followers';

/**
 * The `zookeeper` gate's verdict: every server's metrics readable and serving in a quorum, exactly one leader, and the
 * leader synced with every voting follower (`synced_followers` = `quorum_size` - 1), so restarting any one server keeps
 * a quorum.
 */
export function zookeeperHealth(servers: readonly PodReading[]): HealthVerdict {
  if (servers.length === 0) {
    return { passed: false, message: 'no server pods to read metrics from' };
  }
  const problems: string[] = [];
  const leaders: { pod: string; synced: number; quorumSize: number }[] = [];
  for (const server of servers) {
    if (server.error !== undefined || !server.samples) {
      problems.push(`${server.pod}: ${server.error ?? 'no metrics'}`);
      continue;
    }
    const value = (name: string) => server.samples!.find((sample) => sample.name === name)?.value;
    const quorumSize = value(QUORUM_SIZE);
    if (quorumSize === undefined) {
      problems.push(`${server.pod} serves in no quorum (no ${QUORUM_SIZE}: it is looking for a leader or syncing)`);
      continue;
    }
    const synced = value(SYNCED_FOLLOWERS);
    if (synced !== undefined) {
      leaders.push({ pod: server.pod, synced, quorumSize });
    }
  }
  if (leaders.length > 1) {
    problems.push(`${leaders.length} servers report being leader (${leaders.map((leader) => leader.pod).join(', ')})`);
  } else if (leaders.length === 0) {
    problems.push('no server reports being leader');
  } else {
    const [leader] = leaders;
    const followers = leader.quorumSize - 1;
    if (!(leader.synced >= followers)) {
      problems.push(`leader ${leader.pod} has ${leader.synced} of ${followers} followers synced`);
    }
  }
  if (problems.length > 0) {
    return { passed: false, message: problems.join('; ') };
  }
  const leader = leaders[0];
  return { passed: true, message: `leader ${leader.pod} with ${leader.synced} of ${leader.quorumSize - 1} followers synced (quorum size ${leader.quorumSize})` };
}
