// A three-broker KRaft Kafka cluster written with cdk8s-plus-28 and L1 objects, the way a user without
// cdk8s-staged-rollouts would write it: the same objects and pod spec as `KafkaCluster` with its defaults.
import { createHash } from 'crypto';
import { Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { appLabels, disruptionBudget, hardenedContainer, hardenedPod, headlessService, ObjectPlacement, patchStatefulPod, probeTiming, selectPods } from './plus-parts';

const BROKERS = 3;
const IMAGE = 'apache/kafka:4.1.0';
const UID = 1000;

/** Adds Kafka cluster `name` in `namespace` to `scope`: a headless Service, a PodDisruptionBudget and a StatefulSet. */
export function addKafkaBaseline(scope: Construct, id: string, name: string, namespace: string): void {
  const cluster = new Construct(scope, id);
  const placement: ObjectPlacement = { name, namespace, labels: appLabels('kafka', name, 'broker') };
  const domain = `${name}-hs.${namespace}.svc.cluster.local`;
  const voters = Array.from({ length: BROKERS }, (_, i) => `${i}@${name}-${i}.${domain}:9093`).join(',');
  const clusterId = createHash('sha256').update(`${namespace}/${name}`).digest().subarray(0, 16).toString('base64url');

  const service = headlessService(cluster, placement, [
    { name: 'client', port: 9092, targetPort: 9092 },
    { name: 'controller', port: 9093, targetPort: 9093 },
  ]);
  disruptionBudget(cluster, placement, 1);

  const config = kplus.Volume.fromEmptyDir(cluster, 'Config', 'config');
  const statefulSet = new kplus.StatefulSet(cluster, 'Brokers', {
    metadata: { name, namespace, labels: placement.labels.all },
    select: false,
    service,
    replicas: BROKERS,
    podManagementPolicy: kplus.PodManagementPolicy.PARALLEL,
    automountServiceAccountToken: false,
    securityContext: hardenedPod(UID),
    terminationGracePeriod: Duration.minutes(5),
    initContainers: [{
      name: 'config',
      image: IMAGE,
      command: ['sh', '-c', 'cp -r /opt/kafka/config/. /mnt/config/'],
      securityContext: hardenedContainer(UID),
      resources: {},
      volumeMounts: [{ path: '/mnt/config', volume: config }],
    }],
    containers: [{
      name: 'kafka',
      image: IMAGE,
      command: ['sh', '-c', [
        'export KAFKA_NODE_ID=$((${HOSTNAME##*-} + 0))',
        `export KAFKA_ADVERTISED_LISTENERS=PLAINTEXT://\${HOSTNAME}.${domain}:9092`,
        'exec /etc/kafka/docker/run',
      ].join(' && ')],
      envVariables: Object.fromEntries(Object.entries({
        KAFKA_LOG_DIRS: '/var/lib/kafka/data',
        KAFKA_HEAP_OPTS: '-Xms1024m -Xmx1024m',
        KAFKA_DEFAULT_REPLICATION_FACTOR: '3',
        KAFKA_MIN_INSYNC_REPLICAS: '2',
        KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '3',
        KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: '3',
        KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: '2',
        KAFKA_UNCLEAN_LEADER_ELECTION_ENABLE: 'false',
        CLUSTER_ID: clusterId,
        KAFKA_PROCESS_ROLES: 'broker,controller',
        KAFKA_CONTROLLER_QUORUM_VOTERS: voters,
        KAFKA_CONTROLLER_LISTENER_NAMES: 'CONTROLLER',
        KAFKA_LISTENERS: 'PLAINTEXT://:9092,CONTROLLER://:9093',
        KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
        KAFKA_INTER_BROKER_LISTENER_NAME: 'PLAINTEXT',
      }).map(([key, value]) => [key, kplus.EnvValue.fromValue(value)])),
      ports: [{ name: 'client', number: 9092 }, { name: 'controller', number: 9093 }],
      resources: {
        cpu: { request: kplus.Cpu.millis(500) },
        memory: { request: Size.gibibytes(2), limit: Size.gibibytes(2) },
      },
      readiness: kplus.Probe.fromTcpSocket({ port: 9092, ...probeTiming(5) }),
      liveness: kplus.Probe.fromTcpSocket({ port: 9092, ...probeTiming(60) }),
      securityContext: hardenedContainer(UID),
      volumeMounts: [
        { path: '/opt/kafka/config', volume: config },
        { path: '/opt/kafka/logs', volume: kplus.Volume.fromEmptyDir(cluster, 'Logs', 'logs') },
        { path: '/tmp', volume: kplus.Volume.fromEmptyDir(cluster, 'Tmp', 'tmp') },
      ],
    }],
  });
  selectPods(statefulSet, placement.labels, [service]);
  statefulSet.scheduling.separate(statefulSet, { topology: kplus.Topology.HOSTNAME });
  patchStatefulPod(statefulSet, 'datadir', '10Gi', '/var/lib/kafka');
}
