// A three-server ZooKeeper ensemble written with cdk8s-plus-28 and L1 objects, the way a user without
// cdk8s-staged-rollouts would write it: the same objects and pod spec as `ZooKeeperEnsemble` with its defaults.
import { Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { appLabels, disruptionBudget, hardenedContainer, hardenedPod, headlessService, ObjectPlacement, patchStatefulPod, probeTiming, selectPods } from './plus-parts';

const SERVERS = 3;
const UID = 1000;

/** Adds ensemble `name` in `namespace` to `scope`: headless and client Services, a PodDisruptionBudget and a StatefulSet. */
export function addZooKeeperBaseline(scope: Construct, id: string, name: string, namespace: string): void {
  const ensemble = new Construct(scope, id);
  const placement: ObjectPlacement = { name, namespace, labels: appLabels('zookeeper', name, 'ensemble') };
  const servers = Array.from({ length: SERVERS },
    (_, i) => `server.${i + 1}=${name}-${i}.${name}-hs.${namespace}.svc.cluster.local:2888:3888;2181`).join(' ');

  const peers = headlessService(ensemble, placement, [
    { name: 'server', port: 2888, targetPort: 2888 },
    { name: 'leader-election', port: 3888, targetPort: 3888 },
  ]);
  disruptionBudget(ensemble, placement, 1);
  const clients = new kplus.Service(ensemble, 'Client', {
    metadata: { name: `${name}-cs`, namespace, labels: placement.labels.all },
    type: kplus.ServiceType.CLUSTER_IP,
    ports: [{ name: 'client', port: 2181, targetPort: 2181 }],
  });

  const fourLetterWord = (word: string, expect: string) => ['bash', '-c', `exec 3<>/dev/tcp/127.0.0.1/2181 && printf ${word} >&3 && grep -q '${expect}' <&3`];
  const statefulSet = new kplus.StatefulSet(ensemble, 'Servers', {
    metadata: { name, namespace, labels: placement.labels.all },
    select: false,
    service: peers,
    replicas: SERVERS,
    podManagementPolicy: kplus.PodManagementPolicy.PARALLEL,
    automountServiceAccountToken: false,
    securityContext: hardenedPod(UID),
    containers: [{
      name: 'zookeeper',
      image: 'zookeeper:3.9.5',
      command: ['bash', '-c',
        '{ cp -r /conf/. /zookeeper-conf/ 2>/dev/null || true; } && export ZOO_MY_ID=$((${HOSTNAME##*-} + 1)) && exec /docker-entrypoint.sh zkServer.sh start-foreground'],
      envVariables: Object.fromEntries(Object.entries({
        ZOO_SERVERS: servers,
        ZOO_4LW_COMMANDS_WHITELIST: 'ruok, srvr, mntr',
        ZOO_TICK_TIME: '2000',
        ZOO_INIT_LIMIT: '10',
        ZOO_SYNC_LIMIT: '5',
        ZOO_AUTOPURGE_PURGEINTERVAL: '12',
        ZOO_AUTOPURGE_SNAPRETAINCOUNT: '3',
        ZOO_STANDALONE_ENABLED: 'false',
        ZOO_ADMINSERVER_ENABLED: 'false',
        ZOO_DATA_DIR: '/data/data',
        ZOO_DATA_LOG_DIR: '/data/log',
        ZOO_CONF_DIR: '/zookeeper-conf',
        ZOOCFGDIR: '/zookeeper-conf',
        JVMFLAGS: '-Xms512m -Xmx512m',
      }).map(([key, value]) => [key, kplus.EnvValue.fromValue(value)])),
      ports: [{ name: 'client', number: 2181 }, { name: 'server', number: 2888 }, { name: 'leader-election', number: 3888 }],
      resources: {
        cpu: { request: kplus.Cpu.millis(500) },
        memory: { request: Size.gibibytes(1), limit: Size.gibibytes(1) },
      },
      readiness: kplus.Probe.fromCommand(fourLetterWord('srvr', '^Mode: '), probeTiming(5)),
      liveness: kplus.Probe.fromCommand(fourLetterWord('ruok', 'imok'), probeTiming(30)),
      securityContext: hardenedContainer(UID),
      volumeMounts: [
        { path: '/zookeeper-conf', volume: kplus.Volume.fromEmptyDir(ensemble, 'Conf', 'conf') },
        { path: '/logs', volume: kplus.Volume.fromEmptyDir(ensemble, 'Logs', 'logs') },
        { path: '/tmp', volume: kplus.Volume.fromEmptyDir(ensemble, 'Tmp', 'tmp') },
      ],
    }],
  });
  selectPods(statefulSet, placement.labels, [peers, clients]);
  statefulSet.scheduling.separate(statefulSet, { topology: kplus.Topology.HOSTNAME });
  patchStatefulPod(statefulSet, 'datadir', '10Gi', '/data');
}
