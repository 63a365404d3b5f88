// Metrics pages for the sandbox's simulated endpoints (PodMetrics): a Kafka broker's JMX exporter and a ZooKeeper
// server's Prometheus provider whose values follow the virtual clock, e.g. "a restarted broker leaves partitions
// under-replicated for 40 s", so the data-aware gates are tested end to end.
import { KubeObject } from '../../src/sandbox/api';
import { VirtualClock } from '../../src/sandbox/clock';
import { MetricsPage } from '../../src/sandbox/pod-metrics';

/** When the pod's first container started running, in epoch ms; undefined while it does not run. */
export function runningSince(pod: KubeObject): number | undefined {
  const startedAt: string | undefined = pod.status?.containerStatuses?.[0]?.state?.running?.startedAt;
  return startedAt === undefined ? undefined : Date.parse(startedAt);
}

/** How a simulated broker's partitions behave after it starts. */
export interface BrokerBehaviour {
  /** Under-replicated partitions the broker reports while it catches up. @default 2 */
  readonly partitions?: number;
  /** How long after it starts the broker catches up, in ms (Infinity: never). */
  readonly catchUpMs: number;
  /** Offline partitions the broker reports as controller. @default 0 */
  readonly offline?: number;
}

/**
 * A broker's JMX exporter page: `partitions` under-replicated partitions (named orders-0, orders-1, ...) until
 * `catchUpMs` after the pod started, none after; `behaviour` may depend on the pod (its image, its name).
 */
export function kafkaBrokerPage(clock: VirtualClock, behaviour: (pod: KubeObject) => BrokerBehaviour): MetricsPage {
  return (pod) => {
    const { partitions = 2, catchUpMs, offline = 0 } = behaviour(pod);
    const since = runningSince(pod) ?? clock.now();
    const catchingUp = clock.now() - since < catchUpMs;
    const count = catchingUp ? partitions : 0;
    const lines = [
      '# HELP kafka_server_replicamanager_underreplicatedpartitions Attribute exposed for management (kafka.server<type=ReplicaManager, name=UnderReplicatedPartitions><>Value)',
      '# TYPE kafka_server_replicamanager_underreplicatedpartitions untyped',
      `kafka_server_replicamanager_underreplicatedpartitions ${count}.0`,
      '# TYPE kafka_server_replicamanager_underminisrpartitioncount untyped',
      'kafka_server_replicamanager_underminisrpartitioncount 0.0',
      '# TYPE kafka_controller_kafkacontroller_offlinepartitionscount untyped',
      `kafka_controller_kafkacontroller_offlinepartitionscount ${offline}.0`,
      '# TYPE kafka_cluster_partition_underreplicated untyped',
      ...Array.from({ length: partitions }, (_, index) =>
        `kafka_cluster_partition_underreplicated{topic="orders",partition="${index}",} ${catchingUp ? 1 : 0}.0`),
    ];
    return `${lines.join('\n')}\n`;
  };
}

/**
 * A ZooKeeper server's Prometheus provider page in an ensemble of `pods()` led by `leader`: a server serves in the
 * quorum (`quorum_size`) from `syncMs` after it started; the leader (asked at every scrape when a function, so a test
 * can move leadership) reports the followers serving as synced.
 */
export function zookeeperServerPage(clock: VirtualClock, pods: () => readonly KubeObject[], leader: string | (() => string),
  syncMs: (pod: KubeObject) => number): MetricsPage {
  const leaderNow = typeof leader === 'string' ? () => leader : leader;
  const synced = (pod: KubeObject) => {
    const since = runningSince(pod);
    return since !== undefined && clock.now() - since >= syncMs(pod);
  };
  return (pod) => {
    const ensemble = pods();
    if (!synced(pod)) {
      return '# TYPE jvm_threads_current gauge\njvm_threads_current 40.0\n';
    }
    const lines = ['# TYPE quorum_size gauge', `quorum_size ${ensemble.length}.0`];
    if (pod.metadata.name === leaderNow()) {
      const followers = ensemble.filter((other) => other.metadata.name !== leaderNow() && synced(other)).length;
      lines.push('# TYPE synced_followers gauge', `synced_followers ${followers}.0`, '# TYPE learners gauge', `learners ${followers}.0`);
    }
    return `${lines.join('\n')}\n`;
  };
}

/**
 * A KRaft controller's JMX exporter page: `kafka_controller_kafkacontroller_activecontrollercount` 1 on the pod
 * `active()` names at the scrape, 0 on the others.
 */
export function kraftControllerPage(active: () => string): MetricsPage {
  return (pod) => [
    '# HELP kafka_controller_kafkacontroller_activecontrollercount Attribute exposed for management (kafka.controller<type=KafkaController, name=ActiveControllerCount><>Value)',
    '# TYPE kafka_controller_kafkacontroller_activecontrollercount gauge',
    `kafka_controller_kafkacontroller_activecontrollercount ${pod.metadata.name === active() ? 1 : 0}.0`,
    '',
  ].join('\n');
}
