// The pure verdicts of the kafka and zookeeper gates over pods' metric readings.
import {
  kafkaHealth, OFFLINE_PARTITIONS, PARTITION_UNDER_REPLICATED, UNDER_MIN_ISR, UNDER_REPLICATED,
} from '../../../src/runtime/promotion/kafka-health';
import { PodReading } from '../../../src/runtime/promotion/pod-reading';
import { MetricSample } from '../../../src/runtime/promotion/prometheus-text';
import { zookeeperHealth } from '../../../src/runtime/promotion/zookeeper-health';

const sample = (name: string, value: number, labels: Record<string, string> = {}): MetricSample => ({ name, labels, value });
const broker = (pod: string, urp: number, extra: MetricSample[] = []): PodReading =>
  ({ pod, samples: [sample(UNDER_REPLICATED, urp), sample(UNDER_MIN_ISR, 0), ...extra] });

describe('kafkaHealth', () => {
  test('passes with no under-replicated and no offline partitions', () => {
    const brokers = [broker('kafka-0', 0, [sample(OFFLINE_PARTITIONS, 0)]), broker('kafka-1', 0), broker('kafka-2', 0)];
    expect(kafkaHealth(brokers, true)).toEqual({ passed: true, message: '3 brokers: no under-replicated, offline or under-min-ISR partitions' });
  });

  test('names each broker with under-replicated partitions, and the partitions when the exporter keeps them', () => {
    const brokers = [
      broker('kafka-0', 0, [sample(OFFLINE_PARTITIONS, 0)]),
      broker('kafka-1', 2, [
        sample(PARTITION_UNDER_REPLICATED, 1, { topic: 'orders', partition: '0' }),
        sample(PARTITION_UNDER_REPLICATED, 0, { topic: 'orders', partition: '1' }),
        sample(PARTITION_UNDER_REPLICATED, 1, { topic: 'payments', partition: '4' }),
      ]),
      broker('kafka-2', 1),
    ];
    expect(kafkaHealth(brokers, false)).toEqual({
      passed: false,
      message: 'kafka-1 reports 2 under-replicated partitions (orders-0, payments-4); kafka-2 reports 1 under-replicated partition',
    });
  });

  test('offline partitions, partitions under min ISR (only when asked), unreadable brokers and missing metrics fail', () => {
    const brokers: PodReading[] = [
      { pod: 'kafka-0', samples: [sample(UNDER_REPLICATED, 0), sample(UNDER_MIN_ISR, 3), sample(OFFLINE_PARTITIONS, 2)] },
      { pod: 'kafka-1', error: 'metrics unreachable on port 9404 (connection refused)' },
      { pod: 'kafka-2', samples: [sample('jvm_threads', 3)] },
    ];
    expect(kafkaHealth(brokers, true).message).toBe('kafka-0 reports 3 partitions under min.insync.replicas; '
      + 'kafka-0 (controller) reports 2 offline partitions; kafka-1: metrics unreachable on port 9404 (connection refused); '
      + `kafka-2 does not report ${UNDER_REPLICATED} (is the JMX exporter's Kafka rule set loaded?); `
      + `kafka-2 does not report ${UNDER_MIN_ISR} (is the JMX exporter's Kafka rule set loaded?)`);
    expect(kafkaHealth([brokers[0]], false)).toEqual({ passed: false, message: 'kafka-0 (controller) reports 2 offline partitions' });
  });

  test('says so when no broker reports offline partitions (a KRaft controller quorum of its own)', () => {
    expect(kafkaHealth([broker('kafka-0', 0)], false)).toEqual({
      passed: true,
      message: `1 broker: no under-replicated or offline partitions (no broker reports ${OFFLINE_PARTITIONS}: `
        + 'offline partitions of a KRaft controller quorum are not checked)',
    });
  });

  test('no brokers is no evidence', () => {
    expect(kafkaHealth([], false)).toEqual({ passed: false, message: 'no broker pods to read metrics from' });
  });
});

describe('zookeeperHealth', () => {
  const follower = (pod: string): PodReading => ({ pod, samples: [sample('quorum_size', 3)] });
  const leader = (pod: string, synced: number): PodReading => ({ pod, samples: [sample('quorum_size', 3), sample('synced_followers', synced), sample('learners', 2)] });

  test('passes with one leader synced with every follower', () => {
    expect(zookeeperHealth([follower('zk-0'), leader('zk-1', 2), follower('zk-2')]))
      .toEqual({ passed: true, message: 'leader zk-1 with 2 of 2 followers synced (quorum size 3)' });
  });

  test('names the leader short of synced followers and the server serving in no quorum', () => {
    const servers: PodReading[] = [follower('zk-0'), leader('zk-1', 1), { pod: 'zk-2', samples: [sample('jvm_threads', 9)] }];
    expect(zookeeperHealth(servers)).toEqual({
      passed: false,
      message: 'zk-2 serves in no quorum (no quorum_size: it is looking for a leader or syncing); leader zk-1 has 1 of 2 followers synced',
    });
  });

  test('no leader, two leaders, unreachable servers', () => {
    expect(zookeeperHealth([follower('zk-0'), { pod: 'zk-1', error: 'metrics unreachable on port 7000 (refused)' }]).message)
      .toBe('zk-1: metrics unreachable on port 7000 (refused); no server reports being leader');
    expect(zookeeperHealth([leader('zk-0', 2), leader('zk-1', 2)]).message).toBe('2 servers report being leader (zk-0, zk-1)');
  });
});
