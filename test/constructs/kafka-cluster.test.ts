import { find, Manifest, selects, synthValid, testChart, validationErrors } from './manifest';
import { KafkaCluster, KafkaClusterProps } from '../../src/kafka-cluster';
import { RolloutKeys } from '../../src/keys';
import { PartitionPlan } from '../../src/partition-plan';
import { StatefulSetRollout } from '../../src/statefulset-rollout';
import { ZooKeeperEnsemble } from '../../src/zookeeper-ensemble';

function env(sts: Manifest): Record<string, string> {
  return Object.fromEntries(sts.spec.template.spec.containers[0].env.map((e: Manifest) => [e.name, e.value]));
}

function command(sts: Manifest): string {
  return sts.spec.template.spec.containers[0].command.join(' ');
}

describe('KafkaCluster in ZooKeeper mode', () => {
  function build(): { objects: Manifest[]; kafka: KafkaCluster } {
    const chart = testChart('blog');
    const zk = new ZooKeeperEnsemble(chart, 'zk', { name: 'zk' });
    const kafka = new KafkaCluster(chart, 'kafka', { name: 'kafka', zooKeeper: zk });
    return { objects: synthValid(chart), kafka };
  }

  test('broker.id from the ordinal, zookeeper.connect from the ensemble, listeners on the headless names', () => {
    const { objects, kafka } = build();
    const sts = find(objects, 'StatefulSet', 'kafka');
    expect(sts.spec.template.spec.containers[0].image).toBe('apache/kafka:3.9.1');
    expect(env(sts)).toMatchObject({
      KAFKA_ZOOKEEPER_CONNECT: 'zk-cs.blog.svc.cluster.local:2181',
      KAFKA_LISTENERS: 'PLAINTEXT://:9093',
      KAFKA_LOG_DIRS: '/var/lib/kafka/data',
      KAFKA_DEFAULT_REPLICATION_FACTOR: '3',
      KAFKA_MIN_INSYNC_REPLICAS: '2',
      KAFKA_UNCLEAN_LEADER_ELECTION_ENABLE: 'false',
    });
    expect(command(sts)).toContain('export KAFKA_BROKER_ID=${HOSTNAME##*-}');
    expect(command(sts)).toContain('KAFKA_ADVERTISED_LISTENERS=PLAINTEXT://${HOSTNAME}.kafka-hs.blog.svc.cluster.local:9093');
    expect(kafka.bootstrapServers).toBe([0, 1, 2].map((i) => `kafka-${i}.kafka-hs.blog.svc.cluster.local:9093`).join(','));
    const hs = find(objects, 'Service', 'kafka-hs');
    expect(hs.spec.ports).toEqual([{ name: 'client', port: 9093, targetPort: 9093 }]);
    expect(sts.spec.template.spec.containers[0].ports).toEqual([{ name: 'client', containerPort: 9093 }]);
    expect(find(objects, 'PodDisruptionBudget', 'kafka-pdb').spec.maxUnavailable).toBe(1);
  });

  test('selectors match, secure defaults hold and KAFKA_* service links are off', () => {
    const { objects } = build();
    const sts = find(objects, 'StatefulSet', 'kafka');
    const labels = sts.spec.template.metadata.labels;
    expect(sts.spec.serviceName).toBe('kafka-hs');
    expect(selects(find(objects, 'Service', 'kafka-hs').spec.selector, labels)).toBe(true);
    expect(selects(find(objects, 'PodDisruptionBudget', 'kafka-pdb').spec.selector.matchLabels, labels)).toBe(true);
    const antiAffinity = sts.spec.template.spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0];
    expect(selects(antiAffinity.labelSelector.matchLabels, labels)).toBe(true);
    // The ZooKeeper pods are not selected by Kafka's selectors.
    expect(selects(sts.spec.selector.matchLabels, find(objects, 'StatefulSet', 'zk').spec.template.metadata.labels)).toBe(false);
    const spec = sts.spec.template.spec;
    expect(spec.enableServiceLinks).toBe(false);
    expect(spec.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000, fsGroup: 1000 });
    expect(spec.terminationGracePeriodSeconds).toBe(300);
    expect(spec.containers[0].readinessProbe.tcpSocket).toEqual({ port: 'client' });
    expect(spec.containers[0].securityContext.readOnlyRootFilesystem).toBe(true);
    expect(spec.initContainers[0].securityContext.runAsNonRoot).toBe(true);
  });

  test('a chroot is appended to zookeeper.connect', () => {
    const chart = testChart();
    const zk = new ZooKeeperEnsemble(chart, 'zk');
    new KafkaCluster(chart, 'kafka', { zooKeeper: zk, zooKeeperChroot: '/kafka' });
    expect(env(find(synthValid(chart), 'StatefulSet', 'kafka')).KAFKA_ZOOKEEPER_CONNECT).toBe('zk-cs.default.svc.cluster.local:2181/kafka');
  });

  test('rejects controllers', () => {
    const chart = testChart();
    const zk = new ZooKeeperEnsemble(chart, 'zk');
    expect(() => new KafkaCluster(chart, 'kafka', { zooKeeper: zk, controllers: 3 }))
      .toThrow('test/kafka: controllers: 3 is not valid; controllers are a KRaft setting');
  });
});

describe('KafkaCluster in KRaft mode', () => {
  test('combined roles: voters from the headless names, node.id from the ordinal, stable cluster id', () => {
    const chart = testChart();
    const kafka = new KafkaCluster(chart, 'kafka', { replicas: 3 });
    const objects = synthValid(chart);
    expect(objects).toMatchSnapshot();
    const sts = find(objects, 'StatefulSet', 'kafka');
    const voters = [0, 1, 2].map((i) => `${i}@kafka-${i}.kafka-hs.default.svc.cluster.local:9093`).join(',');
    expect(env(sts)).toMatchObject({
      KAFKA_PROCESS_ROLES: 'broker,controller',
      KAFKA_CONTROLLER_QUORUM_VOTERS: voters,
      KAFKA_LISTENERS: 'PLAINTEXT://:9092,CONTROLLER://:9093',
      KAFKA_LOG_DIRS: '/var/lib/kafka/data',
      CLUSTER_ID: kafka.clusterId,
    });
    expect(kafka.clusterId).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(new KafkaCluster(testChart(), 'kafka', { replicas: 3 }).clusterId).toBe(kafka.clusterId);
    expect(command(sts)).toContain('export KAFKA_NODE_ID=$((${HOSTNAME##*-} + 0))');
    const hsPorts = find(objects, 'Service', 'kafka-hs').spec.ports.map((p: Manifest) => p.port);
    expect(hsPorts).toEqual([9092, 9093]);
    expect(find(objects, 'PodDisruptionBudget', 'kafka-pdb').spec.maxUnavailable).toBe(1);
  });

  test('separate controllers: a controller StatefulSet, brokers numbered from 100, no advertised listeners on controllers', () => {
    const chart = testChart();
    const kafka = new KafkaCluster(chart, 'kafka', { replicas: 4, controllers: 3 });
    const objects = synthValid(chart);
    const controllers = find(objects, 'StatefulSet', 'kafka-controller');
    const brokers = find(objects, 'StatefulSet', 'kafka');
    expect(controllers.spec.serviceName).toBe('kafka-controller-hs');
    expect(env(controllers)).toMatchObject({ KAFKA_PROCESS_ROLES: 'controller', KAFKA_LISTENERS: 'CONTROLLER://:9093' });
    expect(command(controllers)).not.toContain('KAFKA_ADVERTISED_LISTENERS');
    expect(env(brokers)).toMatchObject({ KAFKA_PROCESS_ROLES: 'broker', KAFKA_CONTROLLER_QUORUM_VOTERS: kafka.quorumVoters });
    expect(kafka.quorumVoters).toBe([0, 1, 2].map((i) => `${i}@kafka-controller-${i}.kafka-controller-hs.default.svc.cluster.local:9093`).join(','));
    expect(command(brokers)).toContain('+ 100');
    expect(selects(controllers.spec.selector.matchLabels, brokers.spec.template.metadata.labels)).toBe(false);
    expect(find(objects, 'PodDisruptionBudget', 'kafka-controller-pdb').spec.maxUnavailable).toBe(1);
  });
});

describe('KafkaCluster validation', () => {
  test.each<[KafkaClusterProps, string]>([
    [{ replicas: 3, replicationFactor: 4 }, 'test/kafka: replicationFactor: 4 is not valid; use 1 to 3 (the broker count)'],
    [{ replicas: 3, offsetsTopicReplicationFactor: 5 }, 'test/kafka: offsetsTopicReplicationFactor: 5 is not valid; use 1 to 3 (the broker count)'],
    [{ replicas: 3, transactionStateLogReplicationFactor: 4 }, 'test/kafka: transactionStateLogReplicationFactor: 4 is not valid; use 1 to 3 (the broker count)'],
    [{ replicas: 3, minInsyncReplicas: 3 }, 'test/kafka: minInsyncReplicas: 3 is not valid; use 1 to 2, below the replication factor 3 so a replica may be down'],
  ])('%j', (props, message) => {
    const chart = testChart();
    new KafkaCluster(chart, 'kafka', props);
    expect(validationErrors(chart)).toEqual([message]);
  });

  test('rejects a malformed cluster id and zero brokers', () => {
    expect(() => new KafkaCluster(testChart(), 'kafka', { clusterId: 'abc' })).toThrow('test/kafka: clusterId: "abc" is not valid');
    expect(() => new KafkaCluster(testChart(), 'kafka', { replicas: 0 })).toThrow('test/kafka: replicas: 0 is not valid');
  });
});

describe('KafkaCluster rollouts', () => {
  test('a staged rollout applies to every pool and is validated per pool', () => {
    const chart = testChart();
    const plan = PartitionPlan.linear(1);
    new KafkaCluster(chart, 'kafka', { replicas: 3, controllers: 3, rollout: StatefulSetRollout.staged(plan) });
    const objects = synthValid(chart);
    for (const name of ['kafka', 'kafka-controller']) {
      const sts = find(objects, 'StatefulSet', name);
      expect(sts.metadata.annotations[RolloutKeys.PLAN_ANNOTATION]).toBe(plan.toString());
      expect(sts.spec.updateStrategy.rollingUpdate.partition).toBe(PartitionPlan.STAGED_PARTITION);
    }
  });
});
