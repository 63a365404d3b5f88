import { Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { NameRule, positiveMillis, requireImage, requireNames, requireWholeNumber, wholeMebibytes } from './prop-validation';
import { StatefulService } from './stateful-service';
import { ValidationError } from './validation-error';
import { WarningId, Warnings } from './warnings';
import {
  annotateWorkload, memoryLimitMebibytes, namespaceOf, requireReplicas, requireStatefulOptions, resourceRequirements,
  secureContainerSecurityContext, securePodSpec, statefulServiceNames, volumeClaimTemplate, workloadLabels,
} from './workload-defaults';
import { PodAntiAffinity, StatefulWorkloadOptions } from './workload-options';

/** Props of {@link ZooKeeperEnsemble}. */
export interface ZooKeeperEnsembleProps extends StatefulWorkloadOptions {
  /**
   * Name of the StatefulSet (at most 52 characters); the Services are `<name>-hs` and `<name>-cs`, the budget
   * `<name>-pdb`. The namespace is the Chart's.
   * @default 'zk'
   */
  readonly name?: string;
  /**
   * Container image, an official `zookeeper` image of 3.5 or later.
   * @default 'zookeeper:3.9.5'
   */
  readonly image?: string;
  /**
   * JVM heap (`-Xms` and `-Xmx`), whole mebibytes below the memory limit; keep it at 50-75% of the limit.
   * @default Size.mebibytes(512)
   */
  readonly heap?: Size;
  /**
   * ZooKeeper's `tickTime`, the unit of its other timeouts.
   * @default Duration.seconds(2)
   */
  readonly tickTime?: Duration;
  /**
   * `initLimit`: ticks a follower may take to connect and sync with the leader.
   * @default 10
   */
  readonly initLimit?: number;
  /**
   * `syncLimit`: ticks a follower may lag behind the leader.
   * @default 5
   */
  readonly syncLimit?: number;
  /**
   * `autopurge.purgeInterval` in hours; 0 disables purging (the image's default, which fills the disk).
   * @default 12
   */
  readonly autopurgeIntervalHours?: number;
  /**
   * `autopurge.snapRetainCount`: snapshots kept by the purge, at least 3 (ZooKeeper raises lower values to 3).
   * @default 3
   */
  readonly autopurgeSnapRetainCount?: number;
  /**
   * Servers the PodDisruptionBudget lets be down at once; rejected when it would break the quorum.
   * @default - the quorum tolerance, replicas - (floor(replicas/2) + 1)
   */
  readonly maxUnavailable?: number;
}

/** The ZooKeeper ports, shared by the container, the Services and the configuration. */
enum ZooKeeperPort {
  CLIENT = 2181,
  SERVER = 2888,
  LEADER_ELECTION = 3888,
}

const DATA_DIR = '/data';
// A writable copy of the image's /conf (which holds logback.xml), on an emptyDir under the read-only root.
const CONF_DIR = '/zookeeper-conf';

/**
 * A ZooKeeper ensemble on the official `zookeeper` image (default `zookeeper:3.9.5`): a StatefulSet
 * (Parallel pod management, required anti-affinity, per-server storage), a headless Service for the
 * ensemble (`publishNotReadyAddresses`), a client Service and a quorum-keeping PodDisruptionBudget.
 *
 * Each server's `myid` is its ordinal + 1, taken from the pod's host name at start; the server list is
 * computed at synth time from `replicas` and the headless Service's DNS names. Readiness asks `srvr`
 * whether the server is serving (in a quorum); liveness asks `ruok`; both commands are whitelisted.
 *
 * @example
 * const zk = new ZooKeeperEnsemble(chart, 'zk', { name: 'zk', replicas: 3 });
 * zk.connectString; // zk-cs.<the Chart's namespace>.svc.cluster.local:2181
 */
export class ZooKeeperEnsemble extends Construct {
  /** Name of the StatefulSet. */
  public readonly name: string;
  /** Namespace of the ensemble: the Chart's, or `default`. */
  public readonly namespace: string;
  /** Number of servers. */
  public readonly replicas: number;
  /** The `server.<myid>=<host>:2888:3888;2181` entries, one per server. */
  public readonly servers: string[];
  /** Name of the client Service. */
  public readonly clientServiceName: string;
  /** The client port. */
  public readonly clientPort: number = ZooKeeperPort.CLIENT;
  /** `host:port` of the client Service, for `zookeeper.connect`. */
  public readonly connectString: string;
  /** The StatefulSet, headless Service and budget. */
  public readonly statefulService: StatefulService;
  /** The client Service (L1), as an escape hatch. */
  public readonly clientService: kplus.k8s.KubeService;

  constructor(scope: Construct, id: string, props: ZooKeeperEnsembleProps = {}) {
    super(scope, id);
    const clusterDomain = requireStatefulOptions(this, props);
    this.name = requireNames(this, 'name', props.name ?? 'zk', (name) => [
      ...statefulServiceNames(name),
      { kind: 'Service', name: `${name}-cs`, rule: NameRule.DNS1035 },
    ]);
    this.namespace = namespaceOf(this);
    this.replicas = requireReplicas(this, 'replicas', props.replicas ?? 3);
    if (this.replicas > 255) {
      throw new ValidationError(this, 'replicas', this.replicas, 'ZooKeeper server ids run from 1 to 255; use at most 255 servers');
    }
    if (this.replicas % 2 === 0) {
      Warnings.of(this)._add(WarningId.ZOOKEEPER_EVEN_ENSEMBLE,
        `replicas: ${this.replicas} servers tolerate no more failures than ${this.replicas - 1}; use an odd number`);
    }
    const labels = workloadLabels('zookeeper', this.name, 'ensemble', props.labels);
    const domain = `${this.name}-hs.${this.namespace}.svc.${clusterDomain}`;
    this.servers = Array.from({ length: this.replicas }, (_, ordinal) =>
      `server.${ordinal + 1}=${this.name}-${ordinal}.${domain}:${ZooKeeperPort.SERVER}:${ZooKeeperPort.LEADER_ELECTION};${ZooKeeperPort.CLIENT}`);
    this.clientServiceName = `${this.name}-cs`;
    this.connectString = `${this.clientServiceName}.${this.namespace}.svc.${clusterDomain}:${ZooKeeperPort.CLIENT}`;

    this.statefulService = new StatefulService(this, 'Servers', {
      name: this.name,
      replicas: this.replicas,
      selector: labels.selector,
      labels: labels.all,
      clusterDomain,
      rollout: props.rollout,
      quorum: true,
      maxUnavailable: props.maxUnavailable,
      peerPorts: [
        { name: 'server', port: ZooKeeperPort.SERVER },
        { name: 'leader-election', port: ZooKeeperPort.LEADER_ELECTION },
      ],
      volumeClaimTemplates: [volumeClaimTemplate(this, 'datadir', props.storageSize ?? Size.gibibytes(10), props.storageClassName)],
      podSpec: securePodSpec({
        uid: 1000,
        selector: labels.selector,
        options: props,
        antiAffinity: props.antiAffinity ?? PodAntiAffinity.REQUIRED,
        topologySpreadKey: props.topologySpreadKey,
        containers: [this.container(props)],
        volumes: [
          { name: 'conf', emptyDir: {} },
          { name: 'logs', emptyDir: {} },
          { name: 'tmp', emptyDir: {} },
        ],
      }),
    });

    annotateWorkload(this.statefulService.apiObject, props);

    this.clientService = new kplus.k8s.KubeService(this, 'ClientService', {
      metadata: { name: this.clientServiceName, namespace: this.namespace, labels: labels.all },
      spec: {
        type: 'ClusterIP',
        selector: { ...labels.selector },
        ports: [{ name: 'client', port: ZooKeeperPort.CLIENT, targetPort: kplus.k8s.IntOrString.fromString('client') }],
      },
    });
  }

  private container(props: ZooKeeperEnsembleProps): kplus.k8s.Container {
    const resources = props.resources ?? {
      cpu: { request: kplus.Cpu.millis(500) },
      memory: { request: Size.gibibytes(1), limit: Size.gibibytes(1) },
    };
    const heapMebibytes = wholeMebibytes(this, 'heap', props.heap ?? Size.mebibytes(512));
    const limit = memoryLimitMebibytes(resources);
    if (limit !== undefined && heapMebibytes >= limit) {
      // Name the prop the user changed: the heap, or (with the default heap) the memory limit.
      throw new ValidationError(this, props.heap === undefined ? 'resources.memory.limit' : 'heap', `${heapMebibytes}Mi`,
        `the JVM needs memory beyond its heap: keep the heap below the memory limit of ${limit}Mi (50-75% of it)`);
    }
    const heap = `${heapMebibytes}m`;
    const tickMillis = positiveMillis(this, 'tickTime', props.tickTime ?? Duration.seconds(2));
    // ZooKeeper multiplies the limits by the tick in a Java int.
    const maxTicks = Math.floor(2147483647 / tickMillis);
    const env: Record<string, string> = {
      ZOO_SERVERS: this.servers.join(' '),
      ZOO_4LW_COMMANDS_WHITELIST: 'ruok, srvr, mntr',
      ZOO_TICK_TIME: `${tickMillis}`,
      ZOO_INIT_LIMIT: `${requireWholeNumber(this, 'initLimit', props.initLimit ?? 10, 1, maxTicks)}`,
      ZOO_SYNC_LIMIT: `${requireWholeNumber(this, 'syncLimit', props.syncLimit ?? 5, 1, maxTicks)}`,
      ZOO_AUTOPURGE_PURGEINTERVAL: `${requireWholeNumber(this, 'autopurgeIntervalHours', props.autopurgeIntervalHours ?? 12, 0)}`,
      ZOO_AUTOPURGE_SNAPRETAINCOUNT: `${requireWholeNumber(this, 'autopurgeSnapRetainCount', props.autopurgeSnapRetainCount ?? 3, 3)}`,
      ZOO_STANDALONE_ENABLED: `${this.replicas === 1}`,
      ZOO_ADMINSERVER_ENABLED: 'false',
      ZOO_DATA_DIR: `${DATA_DIR}/data`,
      ZOO_DATA_LOG_DIR: `${DATA_DIR}/log`,
      ZOO_CONF_DIR: CONF_DIR,
      ZOOCFGDIR: CONF_DIR,
      JVMFLAGS: `-Xms${heap} -Xmx${heap}`,
    };
    return {
      name: 'zookeeper',
      image: requireImage(this, 'image', props.image ?? 'zookeeper:3.9.5'),
      // The image writes zoo.cfg and myid only when absent; the conf emptyDir is fresh per pod, the myid
      // follows the ordinal (zk-0 -> 1), so both always match the synthesized ensemble.
      command: ['bash', '-c', [
        // Copying the image's logging configuration is best effort: without it ZooKeeper still logs to the console.
        `{ cp -r /conf/. ${CONF_DIR}/ 2>/dev/null || true; }`,
        'export ZOO_MY_ID=$((${HOSTNAME##*-} + 1))',
        'exec /docker-entrypoint.sh zkServer.sh start-foreground',
      ].join(' && ')],
      env: Object.entries(env).map(([name, value]) => ({ name, value })),
      ports: [
        { name: 'client', containerPort: ZooKeeperPort.CLIENT },
        { name: 'server', containerPort: ZooKeeperPort.SERVER },
        { name: 'leader-election', containerPort: ZooKeeperPort.LEADER_ELECTION },
      ],
      resources: resourceRequirements(this, resources),
      // bash's /dev/tcp avoids depending on nc in the image. srvr answers "Mode: ..." only while serving.
      readinessProbe: {
        exec: { command: ['bash', '-c', fourLetterWord('srvr', '^Mode: ')] },
        initialDelaySeconds: 5,
        periodSeconds: 10,
        timeoutSeconds: 5,
        failureThreshold: 6,
      },
      livenessProbe: {
        exec: { command: ['bash', '-c', fourLetterWord('ruok', 'imok')] },
        initialDelaySeconds: 30,
        periodSeconds: 10,
        timeoutSeconds: 5,
        failureThreshold: 6,
      },
      securityContext: secureContainerSecurityContext(1000),
      volumeMounts: [
        { name: 'datadir', mountPath: DATA_DIR },
        { name: 'conf', mountPath: CONF_DIR },
        { name: 'logs', mountPath: '/logs' },
        { name: 'tmp', mountPath: '/tmp' },
      ],
    };
  }
}

function fourLetterWord(command: string, expected: string): string {
  return `exec 3<>/dev/tcp/127.0.0.1/${ZooKeeperPort.CLIENT} && printf ${command} >&3 && grep -q '${expected}' <&3`;
}
