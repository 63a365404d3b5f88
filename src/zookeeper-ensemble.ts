import { Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { MonitorOptions, PrometheusMonitor } from './prometheus-monitor';
import { NameRule, positiveMillis, requireImage, requireLabels, requireNames, requirePort, requireWholeNumber, wholeMebibytes } from './prop-validation';
import { RestartOrder, restartOrderProblems } from './restart-order';
import { StatefulService } from './stateful-service';
import { ValidationError } from './validation-error';
import { WarningId, Warnings } from './warnings';
import {
  annotateWorkload, memoryLimitMebibytes, namespaceOf, requireReplicas, requireStatefulOptions, resourceRequirements,
  secureContainerSecurityContext, securePodSpec, statefulServiceNames, volumeClaimTemplate, workloadLabels,
} from './workload-defaults';
import { PodAntiAffinity, StatefulWorkloadOptions } from './workload-options';
import { ZooKeeperClientTls } from './zookeeper-client-tls';
import { ClientTlsSettings, clientTlsSettings, isClientTlsConfigKey } from './zookeeper-tls-settings';

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
  /**
   * Extra `zoo.cfg` entries, written after the ones the construct manages (e.g. `{ maxSessionTimeout: '60000' }`).
   * A key a prop manages (`tickTime`, `initLimit`, `syncLimit`, `autopurge.*`, `metricsProvider.*`), or the
   * construct itself (`server.<n>`, `dataDir`, `clientPort`, `4lw.commands.whitelist`...), is refused, naming
   * the prop. Values are single lines without backslashes (zoo.cfg is read as Java properties); the kubelet
   * expands `$(VAR)` in them as in any environment variable (write `$$(` for a literal `$(`).
   * @default - none
   */
  readonly config?: { [key: string]: string };
  /**
   * Serve Prometheus metrics with ZooKeeper's built-in provider (ZooKeeper 3.6 or later): a container port and a
   * ClusterIP Service `<name>-metrics`, both named `metrics`, and, when `metrics.monitor` is set, a PodMonitor or
   * ServiceMonitor for the Prometheus operator.
   * @default - no metrics endpoint
   */
  readonly metrics?: ZooKeeperMetrics;
  /**
   * TLS on the client port (`secureClientPort`, ZooKeeper 3.8 or later), mutual by default. The client Service and
   * `connectString` then use the TLS port, and the plaintext port listens on the pod's loopback only (for the
   * probes) unless `allowPlaintextClients` is set.
   * @default - plaintext clients on 2181
   */
  readonly clientTls?: ZooKeeperClientTls;
}

/** The Prometheus endpoint of a {@link ZooKeeperEnsemble}. */
export interface ZooKeeperMetrics {
  /**
   * Port of the metrics endpoint (`metricsProvider.httpPort`); not one of ZooKeeper's own ports.
   * @default 7000
   */
  readonly port?: number;
  /**
   * A PodMonitor or ServiceMonitor (`monitoring.coreos.com/v1`) named like the ensemble, scraping `/metrics`.
   * @default - no monitor object
   */
  readonly monitor?: MonitorOptions;
}

/** The ZooKeeper ports, shared by the container, the Services and the configuration. */
enum ZooKeeperPort {
  CLIENT = 2181,
  SERVER = 2888,
  LEADER_ELECTION = 3888,
}

const DATA_DIR = '/data';
// The variable the start script appends to zoo.cfg, after the image's entrypoint has written it.
const CONFIG_OVERRIDES_ENV = 'ZOOKEEPER_CONFIG_OVERRIDES';
const PROMETHEUS_PROVIDER = 'org.apache.zookeeper.metrics.prometheus.PrometheusMetricsProvider';
// zoo.cfg keys the construct writes, with the prop a user changes them through.
const MANAGED_CONFIG: Record<string, string> = {
  'tickTime': 'tickTime',
  'initLimit': 'initLimit',
  'syncLimit': 'syncLimit',
  'autopurge.purgeInterval': 'autopurgeIntervalHours',
  'autopurge.snapRetainCount': 'autopurgeSnapRetainCount',
  'standaloneEnabled': 'replicas',
  'dynamicConfigFile': 'replicas (the server list is static)',
  'dataDir': 'storageSize (the data volume)',
  'dataLogDir': 'storageSize (the data volume)',
  'clientPort': 'the construct (the client port is in the server list)',
  'clientPortAddress': 'the construct (the client port is in the server list)',
  '4lw.commands.whitelist': 'the construct (its probes need srvr and ruok)',
  'admin.enableServer': 'the construct (the AdminServer has no authentication and stays off)',
};
const CONFIG_KEY = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
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
  /** The `server.<myid>=<host>:2888:3888;2181` entries, one per server (`;127.0.0.1:2181` with client TLS only). */
  public readonly servers: string[];
  /** Name of the client Service. */
  public readonly clientServiceName: string;
  /** The port clients connect to: the TLS port with `clientTls`, else 2181. */
  public readonly clientPort: number;
  /** Whether clients connect with TLS (`clientTls` is set). */
  public readonly clientTlsEnabled: boolean;
  /** `host:port` of the client Service on `clientPort`, for `zookeeper.connect`. */
  public readonly connectString: string;
  /** The StatefulSet, headless Service and budget. */
  public readonly statefulService: StatefulService;
  /** The client Service (L1), as an escape hatch. */
  public readonly clientService: kplus.k8s.KubeService;
  /** The metrics port, when `metrics` is set. */
  public readonly metricsPort?: number;
  /** The metrics Service `<name>-metrics` (L1), when `metrics` is set. */
  public readonly metricsService?: kplus.k8s.KubeService;
  /** The PodMonitor or ServiceMonitor, when `metrics.monitor` is set. */
  public readonly monitor?: PrometheusMonitor;
  private readonly tls?: ClientTlsSettings;

  constructor(scope: Construct, id: string, props: ZooKeeperEnsembleProps = {}) {
    super(scope, id);
    const clusterDomain = requireStatefulOptions(this, props);
    this.name = requireNames(this, 'name', props.name ?? 'zk', (name) => [
      ...statefulServiceNames(name),
      { kind: 'Service', name: `${name}-cs`, rule: NameRule.DNS1035 },
      ...props.metrics ? [{ kind: 'Service', name: `${name}-metrics`, rule: NameRule.DNS1035 }] : [],
    ]);
    this.metricsPort = props.metrics === undefined ? undefined : this.requireMetricsPort(props.metrics.port ?? 7000);
    this.tls = props.clientTls === undefined ? undefined
      : clientTlsSettings(this, 'clientTls', props.clientTls, [ZooKeeperPort.CLIENT, ZooKeeperPort.SERVER, ZooKeeperPort.LEADER_ELECTION,
        ...this.metricsPort === undefined ? [] : [this.metricsPort]]);
    for (const [prop, minor, what] of [['metrics', 6, 'the Prometheus metrics provider'], ['clientTls', 8, 'reading TLS store passwords from files']] as const) {
      const match = /^(docker\.io\/)?(library\/)?zookeeper:3\.(\d+)(\.|$|-)/.exec(props.image ?? '');
      if (props[prop] !== undefined && match !== null && Number(match[3]) < minor) {
        throw new ValidationError(this, prop, props[prop], `${what} needs ZooKeeper 3.${minor} or later, not ${props.image}`);
      }
    }
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
    // With TLS only, the plaintext client port binds the loopback address, which the probes use.
    const plaintextAddress = this.tls !== undefined && !this.tls.allowPlaintextClients ? '127.0.0.1:' : '';
    this.servers = Array.from({ length: this.replicas }, (_, ordinal) =>
      `server.${ordinal + 1}=${this.name}-${ordinal}.${domain}:${ZooKeeperPort.SERVER}:${ZooKeeperPort.LEADER_ELECTION};${plaintextAddress}${ZooKeeperPort.CLIENT}`);
    this.clientServiceName = `${this.name}-cs`;
    this.clientTlsEnabled = this.tls !== undefined;
    this.clientPort = this.tls?.port ?? ZooKeeperPort.CLIENT;
    this.connectString = `${this.clientServiceName}.${this.namespace}.svc.${clusterDomain}:${this.clientPort}`;

    this.node.addValidation({
      validate: () => restartOrderProblems(this, props.rollout?.order, {
        order: RestartOrder.ZOOKEEPER_LEADER_LAST,
        metrics: this.metricsPort !== undefined,
        otherwise: 'an ensemble restarts its leader last: use RestartOrder.ZOOKEEPER_LEADER_LAST',
      }),
    });
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
        scriptEnv: ['ZOO_MY_ID', 'ZOO_CFG_EXTRA', 'ZOO_MAX_CLIENT_CNXNS', CONFIG_OVERRIDES_ENV],
        volumes: [
          { name: 'conf', emptyDir: {} },
          { name: 'logs', emptyDir: {} },
          { name: 'tmp', emptyDir: {} },
          ...this.tls === undefined ? [] : [this.tls.volume],
        ],
      }),
    });

    annotateWorkload(this.statefulService.apiObject, props);

    this.clientService = new kplus.k8s.KubeService(this, 'ClientService', {
      metadata: { name: this.clientServiceName, namespace: this.namespace, labels: labels.all },
      spec: {
        type: 'ClusterIP',
        selector: { ...labels.selector },
        ports: [
          ...this.tls === undefined || this.tls.allowPlaintextClients
            ? [{ name: 'client', port: ZooKeeperPort.CLIENT, targetPort: kplus.k8s.IntOrString.fromString('client') }] : [],
          ...this.tls === undefined ? [] : [{ name: 'client-tls', port: this.tls.port, targetPort: kplus.k8s.IntOrString.fromString('client-tls') }],
        ],
      },
    });

    if (this.metricsPort !== undefined) {
      this.metricsService = new kplus.k8s.KubeService(this, 'MetricsService', {
        metadata: { name: `${this.name}-metrics`, namespace: this.namespace, labels: labels.all },
        spec: {
          type: 'ClusterIP',
          selector: { ...labels.selector },
          ports: [{ name: 'metrics', port: this.metricsPort, targetPort: kplus.k8s.IntOrString.fromString('metrics') }],
        },
      });
    }
    const monitor = props.metrics?.monitor;
    if (monitor !== undefined) {
      requireLabels(this, 'metrics.monitor.labels', monitor.labels);
      // A ServiceMonitor selects the Services by these labels too; the operator keeps the endpoints of the port named `metrics`.
      this.monitor = new PrometheusMonitor(this, 'Monitor', {
        ...monitor,
        name: this.name,
        selector: labels.selector,
        labels: { ...monitor.labels, ...labels.all },
        port: 'metrics',
      });
    }
  }

  private requireMetricsPort(port: number): number {
    requirePort(this, 'metrics.port', port);
    if (Object.values(ZooKeeperPort).includes(port)) {
      throw new ValidationError(this, 'metrics.port', port, `ZooKeeper itself listens on ${port}: pick another port, e.g. 7000`);
    }
    return port;
  }

  /** The zoo.cfg lines appended to the image's: the user's `config`, then client TLS, then the metrics provider. */
  private configOverrides(props: ZooKeeperEnsembleProps): { lines: string[]; maxClientCnxns?: string } {
    const config = props.config ?? {};
    if (config === null || typeof config !== 'object') {
      throw new ValidationError(this, 'config', config, 'use an object of zoo.cfg keys to string values');
    }
    const lines: string[] = [];
    let maxClientCnxns: string | undefined;
    for (const [key, value] of Object.entries(config)) {
      if (!CONFIG_KEY.test(key)) {
        throw new ValidationError(this, 'config key', key, 'a zoo.cfg key is letters, digits, ".", "_" and "-", e.g. "maxSessionTimeout"');
      }
      const owner = MANAGED_CONFIG[key]
        ?? (/^server\.\d+$/.test(key) ? 'replicas (the server list)' : undefined)
        ?? (key.startsWith('metricsProvider.') ? 'metrics' : undefined)
        ?? (isClientTlsConfigKey(key) ? 'clientTls' : undefined);
      if (owner !== undefined) {
        throw new ValidationError(this, `config[${JSON.stringify(key)}]`, value, `${key} is managed by ${owner}: set it there`);
      }
      if (typeof value !== 'string' || /[\u0000-\u001f\u007f\\]/.test(value)) {
        throw new ValidationError(this, `config[${JSON.stringify(key)}]`, value,
          'use a single-line string without control characters or backslashes (zoo.cfg is read as Java properties)');
      }
      // The image's entrypoint writes maxClientCnxns itself, from this variable: set it there, not twice.
      if (key === 'maxClientCnxns') {
        maxClientCnxns = value;
      } else {
        lines.push(`${key}=${value}`);
      }
    }
    lines.push(...this.tls?.configLines ?? []);
    if (this.metricsPort !== undefined) {
      lines.push(`metricsProvider.className=${PROMETHEUS_PROVIDER}`, `metricsProvider.httpPort=${this.metricsPort}`);
    }
    return { lines, maxClientCnxns };
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
    const overrides = this.configOverrides(props);
    if (overrides.maxClientCnxns !== undefined) {
      env.ZOO_MAX_CLIENT_CNXNS = overrides.maxClientCnxns;
    }
    if (overrides.lines.length > 0) {
      env[CONFIG_OVERRIDES_ENV] = overrides.lines.join('\n');
    }
    // With overrides, the entrypoint only writes zoo.cfg and myid (running `true`) and the script appends the
    // overrides, once: a restarted container finds the file in its emptyDir. Without, the command stays as it
    // was, so an upgrade of the library rolls no pod.
    const start = overrides.lines.length > 0
      ? [
        `{ [ -f ${CONF_DIR}/zoo.cfg ] || { /docker-entrypoint.sh true && printf '%s\\n' "$${CONFIG_OVERRIDES_ENV}" >> ${CONF_DIR}/zoo.cfg; }; }`,
        'exec zkServer.sh start-foreground',
      ]
      : ['exec /docker-entrypoint.sh zkServer.sh start-foreground'];
    return {
      name: 'zookeeper',
      image: requireImage(this, 'image', props.image ?? 'zookeeper:3.9.5'),
      // The image writes zoo.cfg and myid only when absent; the conf emptyDir is fresh per pod, the myid
      // follows the ordinal (zk-0 -> 1), so both always match the synthesized ensemble.
      command: ['bash', '-c', [
        // Copying the image's logging configuration is best effort: without it ZooKeeper still logs to the console.
        `{ cp -r /conf/. ${CONF_DIR}/ 2>/dev/null || true; }`,
        'export ZOO_MY_ID=$((${HOSTNAME##*-} + 1))',
        ...start,
      ].join(' && ')],
      env: Object.entries(env).map(([name, value]) => ({ name, value })),
      ports: [
        { name: 'client', containerPort: ZooKeeperPort.CLIENT },
        { name: 'server', containerPort: ZooKeeperPort.SERVER },
        { name: 'leader-election', containerPort: ZooKeeperPort.LEADER_ELECTION },
        ...this.tls === undefined ? [] : [{ name: 'client-tls', containerPort: this.tls.port }],
        ...this.metricsPort === undefined ? [] : [{ name: 'metrics', containerPort: this.metricsPort }],
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
        ...this.tls === undefined ? [] : [this.tls.mount],
      ],
    };
  }
}

function fourLetterWord(command: string, expected: string): string {
  return `exec 3<>/dev/tcp/127.0.0.1/${ZooKeeperPort.CLIENT} && printf ${command} >&3 && grep -q '${expected}' <&3`;
}
