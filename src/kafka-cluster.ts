import { createHash } from 'crypto';
import { Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { certManagerCertificate } from './cert-manager-certificate';
import { decodeGatesAnnotation, isGateProblem, parseGateText } from './gate-grammar';
import { STATEFULSET_POD_NAME_LABEL } from './internal/well-known-labels';
import { kafkaConfigEnvironment } from './kafka-config';
import { DEFAULT_AGENT_IMAGE, DEFAULT_AGENT_JAR, DEFAULT_METRICS_PORT, jmxExporterPod, KAFKA_JMX_EXPORTER_RULES, JmxExporterPod } from './kafka-jmx-exporter';
import { CertManagerIssuerKind, KafkaListener, KafkaZooKeeperTls } from './kafka-listener';
import {
  advertisedListenersLines, advertisedListenersVariables, bindAddresses, certManagerSecretName, isIpv4, listenerPodConfig, ListenerSetup,
  mergeSecurityConfigs, needsHostIp, protocolMap, resolveListeners, ResolvedListener, SecurityPodConfig,
} from './kafka-listener-config';
import { KafkaMetrics } from './kafka-metrics';
import { zooKeeperTlsPodConfig } from './kafka-zookeeper-tls';
import { RolloutKeys } from './keys';
import { MonitorKind, MonitorOptions, PrometheusMonitor } from './prometheus-monitor';
import { NameRule, nameProblems, requireImage, requireLabels, requireNames, requirePort, requireWholeNumber, wholeMebibytes, wholeSeconds } from './prop-validation';
import { RestartOrder, restartOrderProblems } from './restart-order';
import { StatefulService } from './stateful-service';
import { ValidationError } from './validation-error';
import {
  annotateWorkload, invalidProp, memoryLimitMebibytes, namespaceOf, requireReplicas, requireStatefulOptions, resourceRequirements,
  secureContainerSecurityContext, securePodSpec, statefulServiceNames, volumeClaimTemplate, workloadLabels, WorkloadLabels,
} from './workload-defaults';
import { PodAntiAffinity, StatefulWorkloadOptions } from './workload-options';
import { ZooKeeperEnsemble } from './zookeeper-ensemble';

/** Props of {@link KafkaCluster}. */
export interface KafkaClusterProps extends StatefulWorkloadOptions {
  /**
   * Name of the broker StatefulSet (at most 52 characters, 41 with `controllers`); its headless Service is
   * `<name>-hs`, its budget `<name>-pdb`, and a separate controller pool is `<name>-controller`. The namespace is
   * the Chart's.
   * @default 'kafka'
   */
  readonly name?: string;
  /**
   * Container image. ZooKeeper mode needs Kafka 3.x (Kafka 4 removed it): a 4.x tag, or `apache/kafka` without a
   * tag or with `latest`, is rejected in ZooKeeper mode.
   * @default - 'apache/kafka:4.1.0' in KRaft mode, 'apache/kafka:3.9.1' in ZooKeeper mode
   */
  readonly image?: string;
  /**
   * Run in ZooKeeper mode against this ensemble (`zookeeper.connect` is its client Service).
   * @default - KRaft mode
   */
  readonly zooKeeper?: ZooKeeperEnsemble;
  /**
   * ZooKeeper chroot path for this cluster, e.g. `/kafka`: an absolute ZooKeeper path (ZooKeeper mode only).
   * @default - the root
   */
  readonly zooKeeperChroot?: string;
  /**
   * ZooKeeper mode: connect to the ensemble with TLS (`zookeeper.ssl.client.enable`, the Netty client socket), and
   * with a client certificate when `keystoreKey` is set. Set it when the ensemble serves TLS on its client port
   * (its `connectString` then names the TLS port).
   * @default - plaintext to ZooKeeper
   */
  readonly zooKeeperTls?: KafkaZooKeeperTls;
  /**
   * KRaft only: run this many dedicated controllers (at most 100, below the brokers' node ids) in a separate
   * StatefulSet (3 or 5 recommended) instead of giving every broker the controller role too.
   * @default - combined broker and controller roles
   */
  readonly controllers?: number;
  /**
   * KRaft cluster id (22 characters of base64url, as `kafka-storage.sh random-uuid` prints); KRaft mode only.
   * @default - derived from the namespace and name, so it is stable across synths
   */
  readonly clusterId?: string;
  /**
   * `default.replication.factor`.
   * @default - 3, or the broker count when smaller
   */
  readonly replicationFactor?: number;
  /**
   * `min.insync.replicas`; must be below the replication factor so one replica may be down.
   * @default - 2, or 1 when the replication factor is below 3
   */
  readonly minInsyncReplicas?: number;
  /**
   * `offsets.topic.replication.factor`.
   * @default - the replication factor
   */
  readonly offsetsTopicReplicationFactor?: number;
  /**
   * `transaction.state.log.replication.factor`.
   * @default - the replication factor
   */
  readonly transactionStateLogReplicationFactor?: number;
  /**
   * JVM heap (`-Xms` and `-Xmx`), whole mebibytes below the memory limit.
   * @default Size.gibibytes(1)
   */
  readonly heap?: Size;
  /**
   * Time a broker gets for a controlled shutdown, in whole seconds.
   * @default Duration.minutes(5)
   */
  readonly terminationGracePeriod?: Duration;
  /**
   * Brokers the PodDisruptionBudget lets be down at once.
   * @default - 1 (0 for a single broker); the quorum tolerance for KRaft voters (combined brokers, or the controllers)
   */
  readonly maxUnavailable?: number;
  /**
   * The broker listeners. The first listener without `external` is the one `bootstrapServers` and the probes use.
   * @default - one PLAINTEXT listener named PLAINTEXT: port 9092 in KRaft mode, 9093 in ZooKeeper mode
   */
  readonly listeners?: KafkaListener[];
  /**
   * Name of the listener brokers replicate over (`inter.broker.listener.name`); SCRAM cannot be used there.
   * @default - the first listener
   */
  readonly interBrokerListener?: string;
  /**
   * KRaft only: the listener of the controller quorum (`controller.listener.names`), on every controller.
   * @default - { name: 'CONTROLLER', port: 9093 } (PLAINTEXT)
   */
  readonly controllerListener?: KafkaListener;
  /**
   * Broker properties (server.properties entries) for every node, e.g. `{ 'log.retention.hours': '168' }`. They
   * reach the broker as the apache/kafka image's `KAFKA_*` variables; a property the construct sets itself (say
   * `min.insync.replicas`) is rejected in favour of its prop (`minInsyncReplicas`).
   * @default - none
   */
  readonly config?: { [key: string]: string };
  /**
   * Serve Prometheus metrics with the JMX exporter's Java agent in every broker and controller: a container port
   * and a ClusterIP Service `<name>-metrics`, both named `metrics`, the rules in a ConfigMap `<name>-metrics`, and,
   * when `metrics.monitor` is set, a PodMonitor or ServiceMonitor for the Prometheus operator.
   * @default - no metrics endpoint
   */
  readonly metrics?: KafkaMetrics;
}

/** In KRaft mode the default client listener is on 9092 (the controller listener's default is 9093). */
const KRAFT_CLIENT_PORT = 9092;

/** In ZooKeeper mode the seed serves its single listener on 9093. */
const ZOOKEEPER_MODE_CLIENT_PORT = 9093;
/** Node ids of brokers in a cluster with separate controllers start here, after the controllers' ids. */
const BROKER_ID_OFFSET = 100;
/** A ZooKeeper-mode `broker.id` may not exceed `reserved.broker.max.id` (KafkaConfig), 1000 by default. */
const MAX_ZOOKEEPER_BROKER_ID = 1000;
/** A KRaft `node.id` is an int32. */
const MAX_NODE_ID = 2147483647;
const DATA_DIR = '/var/lib/kafka';
const CONFIG_DIR = '/opt/kafka/config';

/** One StatefulSet of the cluster: its role and how its pods are named and numbered. */
interface KafkaPool {
  readonly name: string;
  readonly component: string;
  readonly replicas: number;
  readonly roles?: string;
  readonly nodeIdOffset: number;
  readonly quorum: boolean;
}

/**
 * A Kafka cluster on the official `apache/kafka` image: a StatefulSet of brokers with per-broker storage,
 * a headless Service (`publishNotReadyAddresses`) giving each broker a stable advertised address, and a
 * PodDisruptionBudget.
 *
 * KRaft mode (default, `apache/kafka:4.1.0`): every broker is also a controller, or `controllers` adds a
 * separate controller StatefulSet; `node.id` is the pod ordinal (plus 100 for brokers next to separate
 * controllers); `controller.quorum.voters` is computed from the DNS names; the cluster id is stable.
 * ZooKeeper mode (`zooKeeper`, `apache/kafka:3.9.1`): `broker.id` is the ordinal and `zookeeper.connect`
 * the ensemble's client Service. Replication settings are validated against the broker count.
 *
 * @example
 * const zk = new ZooKeeperEnsemble(chart, 'zk', { name: 'zk' });
 * const kafka = new KafkaCluster(chart, 'kafka', { name: 'kafka', replicas: 3, zooKeeper: zk });
 * kafka.bootstrapServers; // kafka-0.kafka-hs.default.svc.cluster.local:9093,...
 */
export class KafkaCluster extends Construct {
  /** Name of the broker StatefulSet. */
  public readonly name: string;
  /** Namespace of the cluster. */
  public readonly namespace: string;
  /** Number of brokers. */
  public readonly brokers: number;
  /** The port clients connect to. */
  public readonly clientPort: number;
  /** `host:port` of every broker, comma-separated, for clients' `bootstrap.servers`. */
  public readonly bootstrapServers: string;
  /** The KRaft cluster id (undefined in ZooKeeper mode). */
  public readonly clusterId?: string;
  /** KRaft `controller.quorum.voters` (undefined in ZooKeeper mode). */
  public readonly quorumVoters?: string;
  /** The brokers' StatefulSet, headless Service and budget. */
  public readonly brokerService: StatefulService;
  /** The separate controllers' StatefulSet, headless Service and budget, when `controllers` is set. */
  public readonly controllerService?: StatefulService;
  /** Port of the metrics endpoint (undefined without `metrics`). */
  public readonly metricsPort?: number;
  /** The ClusterIP Service `<name>-metrics` over every broker and controller (undefined without `metrics`). */
  public readonly metricsService?: kplus.k8s.KubeService;
  /** The PodMonitor or ServiceMonitor, when `metrics.monitor` is set. */
  public readonly monitor?: PrometheusMonitor;

  private readonly props: KafkaClusterProps;
  private readonly clusterDomain: string;
  private readonly image: string;
  private readonly listeners: ListenerSetup;
  private readonly configEnv: Record<string, string>;
  private readonly zooKeeperTls?: SecurityPodConfig;

  constructor(scope: Construct, id: string, props: KafkaClusterProps = {}) {
    super(scope, id);
    this.props = props;
    this.clusterDomain = requireStatefulOptions(this, props);
    this.name = requireNames(this, 'name', props.name ?? 'kafka', (name) => [
      ...statefulServiceNames(name),
      ...props.controllers === undefined ? [] : statefulServiceNames(`${name}-controller`),
      ...props.metrics === undefined ? [] : [
        { kind: 'Service', name: `${name}-metrics`, rule: NameRule.DNS1035 },
        { kind: 'ConfigMap', name: `${name}-metrics`, rule: NameRule.SUBDOMAIN },
      ],
    ]);
    this.namespace = namespaceOf(this);
    this.brokers = requireReplicas(this, 'replicas', props.replicas ?? 3);
    const zooKeeperMode = props.zooKeeper !== undefined;
    this.image = requireImage(this, 'image', props.image ?? (zooKeeperMode ? 'apache/kafka:3.9.1' : 'apache/kafka:4.1.0'));
    if (zooKeeperMode) {
      this.requireZooKeeperMode(props);
    } else if (props.zooKeeperChroot !== undefined) {
      throw new ValidationError(this, 'zooKeeperChroot', props.zooKeeperChroot, 'a chroot is a ZooKeeper-mode setting; drop it or set zooKeeper');
    } else if (props.zooKeeperTls !== undefined) {
      throw new ValidationError(this, 'zooKeeperTls', props.zooKeeperTls.secretName, 'TLS to ZooKeeper is a ZooKeeper-mode setting; drop it or set zooKeeper');
    }
    this.zooKeeperTls = props.zooKeeperTls === undefined ? undefined : zooKeeperTlsPodConfig(this, props.zooKeeperTls);
    requireWholeNumber(this, 'replicas', this.brokers, 1,
      zooKeeperMode ? MAX_ZOOKEEPER_BROKER_ID + 1 : MAX_NODE_ID - (props.controllers === undefined ? 0 : BROKER_ID_OFFSET));
    if (props.controllers !== undefined) {
      requireWholeNumber(this, 'controllers', props.controllers, 1, BROKER_ID_OFFSET);
    }
    this.listeners = resolveListeners(this, {
      listeners: props.listeners,
      interBrokerListener: props.interBrokerListener,
      controllerListener: props.controllerListener,
      zooKeeperMode,
      defaultClientPort: zooKeeperMode ? ZOOKEEPER_MODE_CLIENT_PORT : KRAFT_CLIENT_PORT,
      brokers: this.brokers,
    });
    this.configEnv = kafkaConfigEnvironment(this, props.config);
    for (const listener of this.listeners.brokers.filter((candidate) => candidate.external !== undefined)) {
      const longest = externalServiceName(this.name, this.brokers - 1, listener);
      const problems = nameProblems(longest, NameRule.DNS1035);
      if (problems.length > 0) {
        throw new ValidationError(this, `${listener.property}.name`, listener.name, `the per-broker Service name "${longest}" derived from it and name: ${problems.join('; ')}`);
      }
    }
    this.metricsPort = props.metrics === undefined ? undefined : this.requireMetrics(props.metrics);
    const clientListener = this.listeners.brokers.find((listener) => listener.external === undefined) ?? this.listeners.brokers[0];
    this.clientPort = clientListener.port;

    const brokerPool: KafkaPool = props.controllers === undefined
      ? { name: this.name, component: 'broker', replicas: this.brokers, roles: zooKeeperMode ? undefined : 'broker,controller', nodeIdOffset: 0, quorum: !zooKeeperMode }
      : { name: this.name, component: 'broker', replicas: this.brokers, roles: 'broker', nodeIdOffset: BROKER_ID_OFFSET, quorum: false };
    const controllerPool: KafkaPool | undefined = props.controllers === undefined ? undefined
      : { name: `${this.name}-controller`, component: 'controller', replicas: requireReplicas(this, 'controllers', props.controllers), roles: 'controller', nodeIdOffset: 0, quorum: true };

    if (!zooKeeperMode) {
      this.clusterId = props.clusterId ?? stableClusterId(`${this.namespace}/${this.name}`);
      if (typeof this.clusterId !== 'string' || !/^[A-Za-z0-9_-]{22}$/.test(this.clusterId)) {
        throw new ValidationError(this, 'clusterId', this.clusterId, 'use 22 base64url characters, as `kafka-storage.sh random-uuid` prints');
      }
      const voters = controllerPool ?? brokerPool;
      this.quorumVoters = Array.from({ length: voters.replicas }, (_, ordinal) =>
        `${voters.nodeIdOffset + ordinal}@${this.podHost(voters.name, ordinal)}:${this.listeners.controller!.port}`).join(',');
    }
    this.bootstrapServers = Array.from({ length: this.brokers }, (_, ordinal) => `${this.podHost(this.name, ordinal)}:${this.clientPort}`).join(',');
    this.node.addValidation({ validate: () => this.validateReplication() });
    this.node.addValidation({ validate: () => this.validateGates() });
    this.node.addValidation({
      validate: () => restartOrderProblems(this, props.rollout?.order, {
        order: zooKeeperMode || props.controllers !== undefined ? undefined : RestartOrder.KRAFT_CONTROLLER_LAST,
        metrics: this.metricsPort !== undefined,
        otherwise: zooKeeperMode ? 'in ZooKeeper mode the leader to restart last is the ensemble\'s: declare the order on the ZooKeeperEnsemble\'s rollout'
          : props.controllers !== undefined ? 'with separate controllers the rollout also restarts the brokers, none of which is the active controller: leave the order out'
            : 'a KRaft cluster restarts its active controller last: use RestartOrder.KRAFT_CONTROLLER_LAST',
      }),
    });

    if (controllerPool) {
      this.controllerService = this.statefulService('Controllers', controllerPool);
    }
    this.brokerService = this.statefulService('Brokers', brokerPool);
    const pools = [brokerPool, ...controllerPool ? [controllerPool] : []];
    if (this.metricsPort !== undefined) {
      this.metricsService = this.metricsServiceOf(this.metricsPort);
      this.monitor = props.metrics!.monitor === undefined ? undefined : this.monitorOf(props.metrics!.monitor);
    }
    for (const listener of [...this.listeners.brokers, ...this.listeners.controller ? [this.listeners.controller] : []]) {
      this.certificate(listener, pools);
      this.externalServices(listener);
    }
  }

  private requireMetrics(metrics: KafkaMetrics): number {
    const port = requirePort(this, 'metrics.port', metrics.port ?? DEFAULT_METRICS_PORT);
    const listeners = [...this.listeners.brokers, ...this.listeners.controller ? [this.listeners.controller] : []];
    const listener = listeners.find((candidate) => candidate.port === port);
    if (listener) {
      throw new ValidationError(this, 'metrics.port', port, `the listener ${listener.name} (${listener.property}) uses ${port}: pick another port, e.g. ${DEFAULT_METRICS_PORT}`);
    }
    requireImage(this, 'metrics.agentImage', metrics.agentImage ?? DEFAULT_AGENT_IMAGE);
    const jar = metrics.agentJar ?? DEFAULT_AGENT_JAR;
    if (typeof jar !== 'string' || !/^\/[A-Za-z0-9._/*?[\]-]+\.jar$/.test(jar)) {
      throw new ValidationError(this, 'metrics.agentJar', jar, 'use an absolute path of a .jar (letters, digits, "._-/", and the glob characters "*?[]"), e.g. "/opt/kafka/libs/jmx_prometheus_javaagent-*.jar"');
    }
    requireLabels(this, 'metrics.monitor.labels', metrics.monitor?.labels);
    const config = metrics.config;
    if (config !== undefined && (typeof config !== 'string' || config.trim() === '' || /^\t/m.test(config))) {
      throw new ValidationError(this, 'metrics.config', config,
        'give the exporter\'s YAML configuration, e.g. "rules:\\n- pattern: ...", indented with spaces (YAML forbids tabs)');
    }
    return port;
  }

  /** The labels of the metrics objects, and the selector of every pod of the cluster (brokers and controllers). */
  private get metricsLabels(): { labels: WorkloadLabels; pods: Record<string, string> } {
    return {
      labels: workloadLabels('kafka', this.name, 'metrics', this.props.labels),
      // Brokers and controllers share name and instance, and differ by component.
      pods: { [RolloutKeys.NAME_LABEL]: 'kafka', [RolloutKeys.INSTANCE_LABEL]: this.name },
    };
  }

  /** The rules ConfigMap and the metrics Service over every pool. */
  private metricsServiceOf(port: number): kplus.k8s.KubeService {
    const { labels, pods } = this.metricsLabels;
    new kplus.k8s.KubeConfigMap(this, 'MetricsRules', {
      metadata: { name: `${this.name}-metrics`, namespace: this.namespace, labels: labels.all },
      data: { 'config.yaml': this.props.metrics?.config ?? KAFKA_JMX_EXPORTER_RULES },
    });
    return new kplus.k8s.KubeService(this, 'MetricsService', {
      metadata: { name: `${this.name}-metrics`, namespace: this.namespace, labels: labels.all },
      spec: {
        type: 'ClusterIP',
        selector: pods,
        ports: [{ name: 'metrics', port, targetPort: kplus.k8s.IntOrString.fromString('metrics') }],
      },
    });
  }

  /** A PodMonitor over every pod of the cluster, or a ServiceMonitor over the metrics Service. */
  private monitorOf(options: MonitorOptions): PrometheusMonitor {
    const { labels, pods } = this.metricsLabels;
    return new PrometheusMonitor(this, 'Monitor', {
      ...options,
      name: this.name,
      selector: options.kind === MonitorKind.SERVICE_MONITOR ? labels.selector : pods,
      labels: { ...options.labels, ...labels.all },
      port: 'metrics',
    });
  }

  /** The cert-manager Certificate of a listener whose TLS material the cluster creates. */
  private certificate(listener: ResolvedListener, pools: KafkaPool[]): void {
    const options = listener.tls?.certManagerOptions;
    if (options === undefined) {
      return;
    }
    const hosts = [
      ...listener.external?.loadBalancerOptions?.advertisedHosts ?? [],
      ...listener.external?.nodePortOptions?.advertisedHost === undefined ? [] : [listener.external.nodePortOptions.advertisedHost],
    ];
    const dnsNames = [
      ...pools.flatMap((pool) => [
        `${pool.name}-hs.${this.namespace}.svc.${this.clusterDomain}`,
        ...Array.from({ length: pool.replicas }, (_, ordinal) => this.podHost(pool.name, ordinal)),
      ]),
      ...hosts.filter((host) => !isIpv4(host)),
      ...options.extraDnsNames ?? [],
    ];
    const secretName = certManagerSecretName(this.name, listener);
    certManagerCertificate(this, `Certificate${listener.name}`, {
      name: secretName,
      namespace: this.namespace,
      labels: workloadLabels('kafka', this.name, 'broker', this.props.labels).all,
      secretName,
      issuerName: options.issuerName,
      issuerKind: options.issuerKind ?? CertManagerIssuerKind.ISSUER,
      dnsNames: [...new Set(dnsNames)],
      ipAddresses: hosts.filter(isIpv4),
    });
  }

  /** A Service per broker for an external listener, selecting the one pod by its StatefulSet pod-name label. */
  private externalServices(listener: ResolvedListener): void {
    const external = listener.external;
    if (external === undefined) {
      return;
    }
    const labels = workloadLabels('kafka', this.name, 'broker', this.props.labels);
    for (let ordinal = 0; ordinal < this.brokers; ordinal++) {
      const pod = `${this.name}-${ordinal}`;
      const nodePort = external.nodePortOptions === undefined ? undefined : external.nodePortOptions.basePort + ordinal;
      new kplus.k8s.KubeService(this, `External${listener.name}${ordinal}`, {
        metadata: {
          name: externalServiceName(this.name, ordinal, listener),
          namespace: this.namespace,
          labels: labels.all,
          annotations: external.loadBalancerOptions?.annotations === undefined ? undefined : { ...external.loadBalancerOptions.annotations },
        },
        spec: {
          type: external.serviceType,
          selector: { ...labels.selector, [STATEFULSET_POD_NAME_LABEL]: pod },
          ports: [{ name: listener.portName, port: listener.port, targetPort: kplus.k8s.IntOrString.fromNumber(listener.port), nodePort }],
        },
      });
    }
  }

  private requireZooKeeperMode(props: KafkaClusterProps): void {
    if (props.controllers !== undefined) {
      throw new ValidationError(this, 'controllers', props.controllers, 'controllers are a KRaft setting; drop it or drop zooKeeper');
    }
    if (props.clusterId !== undefined) {
      throw new ValidationError(this, 'clusterId', props.clusterId, 'a cluster id is a KRaft setting (ZooKeeper assigns one); drop it or drop zooKeeper');
    }
    if (!supportsZooKeeperMode(this.image)) {
      throw new ValidationError(this, 'image', this.image, 'Kafka 4 removed ZooKeeper mode: use a 3.x image such as "apache/kafka:3.9.1", or drop zooKeeper for KRaft');
    }
    // The ensemble's connectString names its TLS port when it serves TLS: both ends must agree.
    if (props.zooKeeper!.clientTlsEnabled && props.zooKeeperTls === undefined) {
      throw new ValidationError(this, 'zooKeeperTls', undefined,
        `the ensemble ${props.zooKeeper!.node.path} serves its clients over TLS (clientTls): set zooKeeperTls with a truststore of its CA`);
    }
    if (!props.zooKeeper!.clientTlsEnabled && props.zooKeeperTls !== undefined) {
      throw new ValidationError(this, 'zooKeeperTls', props.zooKeeperTls.secretName,
        `the ensemble ${props.zooKeeper!.node.path} serves plaintext only: drop zooKeeperTls, or set the ensemble's clientTls`);
    }
    const chroot = props.zooKeeperChroot;
    if (chroot !== undefined && (typeof chroot !== 'string' || !isZooKeeperPath(chroot))) {
      throw new ValidationError(this, 'zooKeeperChroot', chroot,
        'use an absolute ZooKeeper path such as "/kafka": starting with "/", no empty, "." or ".." segments, no trailing "/", no commas or white space');
    }
  }

  private get replicationFactor(): number {
    return this.props.replicationFactor ?? Math.min(3, this.brokers);
  }

  private validateReplication(): string[] {
    const errors: string[] = [];
    // The internal topics' factors default to the replication factor: only report them when set.
    const factors: Array<[string, number | undefined]> = [
      ['replicationFactor', this.replicationFactor],
      ['offsetsTopicReplicationFactor', this.props.offsetsTopicReplicationFactor],
      ['transactionStateLogReplicationFactor', this.props.transactionStateLogReplicationFactor],
    ];
    for (const [property, factor] of factors) {
      if (factor !== undefined && (!Number.isInteger(factor) || factor < 1 || factor > this.brokers)) {
        errors.push(invalidProp(this, property, factor, `use 1 to ${this.brokers} (the broker count)`));
      }
    }
    const minIsr = this.minInsyncReplicas;
    if (!Number.isInteger(minIsr) || minIsr < 1 || (minIsr >= this.replicationFactor && this.replicationFactor > 1)) {
      errors.push(invalidProp(this, 'minInsyncReplicas', minIsr,
        `use 1 to ${Math.max(1, this.replicationFactor - 1)}, below the replication factor ${this.replicationFactor} so a replica may be down`));
    }
    return errors;
  }

  /** A data-aware gate of the rollout must be able to read this cluster's metrics. */
  private validateGates(): string[] {
    const annotation = this.props.rollout?._annotations()[RolloutKeys.GATES_ANNOTATION];
    const texts = annotation === undefined ? [] : decodeGatesAnnotation(annotation);
    if (isGateProblem(texts)) {
      return [];
    }
    return texts.flatMap((text) => {
      const gate = parseGateText(text);
      if (isGateProblem(gate)) {
        return [];
      }
      if (gate.type === 'zookeeper') {
        return [invalidProp(this, 'rollout.gates', text, 'the zookeeper gate reads ZooKeeper\'s metrics: declare it on the ZooKeeperEnsemble\'s rollout, and RolloutGate.kafka here')];
      }
      if (gate.type === 'kafka' && gate.port === undefined && this.metricsPort === undefined) {
        return [invalidProp(this, 'rollout.gates', text,
          'the kafka gate reads each broker\'s container port named "metrics", which only `metrics` adds: set metrics (the JMX exporter), or give the gate the metricsPort of your own exporter')];
      }
      return [];
    });
  }

  private get minInsyncReplicas(): number {
    return this.props.minInsyncReplicas ?? (this.replicationFactor >= 3 ? 2 : 1);
  }

  private podHost(statefulSet: string, ordinal: number): string {
    return `${statefulSet}-${ordinal}.${statefulSet}-hs.${this.namespace}.svc.${this.clusterDomain}`;
  }

  private statefulService(id: string, pool: KafkaPool): StatefulService {
    const props = this.props;
    const labels = workloadLabels('kafka', this.name, pool.component, props.labels);
    const isBroker = pool.roles !== 'controller';
    const listeners: ResolvedListener[] = [
      ...isBroker ? this.listeners.brokers : [],
      ...pool.roles?.includes('controller') ? [this.listeners.controller!] : [],
    ];
    const ports: kplus.ServicePort[] = listeners.map((listener) => ({ name: listener.portName, port: listener.port }));
    const image = this.image;
    const uid = 1000;
    const security = mergeSecurityConfigs([listenerPodConfig(this.listeners, this.name), ...this.zooKeeperTls ? [this.zooKeeperTls] : []]);
    const exporter = this.metricsPort === undefined ? undefined : jmxExporterPod({
      image: props.metrics!.agentImage ?? DEFAULT_AGENT_IMAGE,
      jar: props.metrics!.agentJar ?? DEFAULT_AGENT_JAR,
      port: this.metricsPort,
      configMapName: `${this.name}-metrics`,
      config: props.metrics!.config ?? KAFKA_JMX_EXPORTER_RULES,
      securityContext: secureContainerSecurityContext(uid),
      resources: this.copyResources(),
    });
    const service = new StatefulService(this, id, {
      name: pool.name,
      replicas: pool.replicas,
      selector: labels.selector,
      labels: labels.all,
      clusterDomain: this.clusterDomain,
      rollout: props.rollout,
      quorum: pool.quorum,
      maxUnavailable: props.maxUnavailable,
      peerPorts: ports,
      volumeClaimTemplates: [volumeClaimTemplate(this, 'datadir', props.storageSize ?? Size.gibibytes(10), props.storageClassName)],
      podSpec: {
        ...securePodSpec({
          uid,
          selector: labels.selector,
          options: props,
          antiAffinity: props.antiAffinity ?? PodAntiAffinity.REQUIRED,
          topologySpreadKey: props.topologySpreadKey,
          terminationGracePeriodSeconds: wholeSeconds(this, 'terminationGracePeriod', props.terminationGracePeriod ?? Duration.minutes(5)),
          containers: [this.container(pool, image, ports, uid, security, exporter)],
          scriptEnv: [
            this.props.zooKeeper ? 'KAFKA_BROKER_ID' : 'KAFKA_NODE_ID',
            ...isBroker ? advertisedListenersVariables(this.listeners.brokers) : [],
            ...security.scriptVariables,
          ],
          volumes: [
            { name: 'config', emptyDir: {} }, { name: 'logs', emptyDir: {} }, { name: 'tmp', emptyDir: {} }, ...security.volumes, ...exporter?.volumes ?? [],
          ],
        }),
        // The image writes server.properties into its config dir at start; a non-root init container copies
        // the image's defaults (log4j configuration) into the writable emptyDir that replaces it.
        initContainers: [{
          name: 'config',
          image,
          command: ['sh', '-c', `cp -r ${CONFIG_DIR}/. /mnt/config/`],
          resources: this.copyResources(),
          securityContext: secureContainerSecurityContext(uid),
          volumeMounts: [{ name: 'config', mountPath: '/mnt/config' }],
        }, ...exporter ? [exporter.initContainer] : []],
      },
    });
    annotateWorkload(service.apiObject, props);
    return service;
  }

  /** Resources of an init container that copies a few files: small requests so the scheduler and quotas count it, limits against a runaway. */
  private copyResources(): kplus.k8s.ResourceRequirements {
    return resourceRequirements(this, {
      cpu: { request: kplus.Cpu.millis(50), limit: kplus.Cpu.millis(200) },
      memory: { request: Size.mebibytes(32), limit: Size.mebibytes(64) },
    });
  }

  private container(
    pool: KafkaPool, image: string, ports: kplus.ServicePort[], uid: number, security: SecurityPodConfig, exporter: JmxExporterPod | undefined,
  ): kplus.k8s.Container {
    const props = this.props;
    const resources = props.resources ?? {
      cpu: { request: kplus.Cpu.millis(500) },
      memory: { request: Size.gibibytes(2), limit: Size.gibibytes(2) },
    };
    const heapMebibytes = wholeMebibytes(this, 'heap', props.heap ?? Size.gibibytes(1));
    const limit = memoryLimitMebibytes(resources);
    if (limit !== undefined && heapMebibytes >= limit) {
      // Name the prop the user changed: the heap, or (with the default heap) the memory limit.
      throw new ValidationError(this, props.heap === undefined ? 'resources.memory.limit' : 'heap', `${heapMebibytes}Mi`,
        `the JVM needs memory beyond its heap: keep the heap below the memory limit of ${limit}Mi (about half of it; Kafka also needs the page cache)`);
    }
    const heap = `${heapMebibytes}m`;
    const domain = `${pool.name}-hs.${this.namespace}.svc.${this.clusterDomain}`;
    const isBroker = pool.roles !== 'controller';
    const env: Record<string, string> = {
      KAFKA_LOG_DIRS: `${DATA_DIR}/data`,
      KAFKA_HEAP_OPTS: `-Xms${heap} -Xmx${heap}`,
    };
    if (isBroker) {
      const transactionStateLogFactor = props.transactionStateLogReplicationFactor ?? this.replicationFactor;
      Object.assign(env, {
        KAFKA_DEFAULT_REPLICATION_FACTOR: `${this.replicationFactor}`,
        KAFKA_MIN_INSYNC_REPLICAS: `${this.minInsyncReplicas}`,
        KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: `${props.offsetsTopicReplicationFactor ?? this.replicationFactor}`,
        KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: `${transactionStateLogFactor}`,
        KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: `${Math.min(this.minInsyncReplicas, transactionStateLogFactor)}`,
        KAFKA_UNCLEAN_LEADER_ELECTION_ENABLE: 'false',
      });
    }
    // Per-pod values come from the host name (<statefulset>-<ordinal>) in a small wrapper around the image's run script.
    const perPod: string[] = [];
    const brokerListeners = this.listeners.brokers;
    const controller = this.listeners.controller;
    if (props.zooKeeper) {
      Object.assign(env, {
        KAFKA_ZOOKEEPER_CONNECT: `${props.zooKeeper.connectString}${props.zooKeeperChroot ?? ''}`,
        KAFKA_LISTENERS: bindAddresses(brokerListeners),
      });
      if (this.listeners.custom) {
        env.KAFKA_LISTENER_SECURITY_PROTOCOL_MAP = protocolMap(brokerListeners);
        env.KAFKA_INTER_BROKER_LISTENER_NAME = this.listeners.interBroker.name;
      }
      perPod.push('export KAFKA_BROKER_ID=${HOSTNAME##*-}');
    } else {
      Object.assign(env, {
        CLUSTER_ID: this.clusterId!,
        KAFKA_PROCESS_ROLES: pool.roles!,
        KAFKA_CONTROLLER_QUORUM_VOTERS: this.quorumVoters!,
        KAFKA_CONTROLLER_LISTENER_NAMES: controller!.name,
        KAFKA_LISTENERS: bindAddresses([...isBroker ? brokerListeners : [], ...pool.roles!.includes('controller') ? [controller!] : []]),
        KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: protocolMap([controller!, ...brokerListeners]),
      });
      if (isBroker) {
        env.KAFKA_INTER_BROKER_LISTENER_NAME = this.listeners.interBroker.name;
      }
      perPod.push(`export KAFKA_NODE_ID=$((\${HOSTNAME##*-} + ${pool.nodeIdOffset}))`);
    }
    if (isBroker) {
      // Controller-only nodes must not advertise listeners (the image rejects it).
      perPod.push(...advertisedListenersLines(brokerListeners, domain));
    }
    Object.assign(env, security.env, this.configEnv);
    const hostIp: kplus.k8s.EnvVar[] = isBroker && needsHostIp(brokerListeners) ? [{ name: 'HOST_IP', valueFrom: { fieldRef: { fieldPath: 'status.hostIP' } } }] : [];
    const probeListener = isBroker ? brokerListeners.find((listener) => listener.port === this.clientPort)! : controller!;
    const probePort = kplus.k8s.IntOrString.fromString(probeListener.portName);
    return {
      name: 'kafka',
      image,
      command: ['sh', '-c', [...perPod, ...security.startup, ...exporter ? [exporter.startup] : [], 'exec /etc/kafka/docker/run'].join(' && ')],
      env: [...Object.entries(env).map(([name, value]) => ({ name, value })), ...security.secretEnv, ...hostIp],
      ports: [...ports.map((port) => ({ name: port.name, containerPort: port.port })), ...exporter ? [exporter.port] : []],
      resources: resourceRequirements(this, resources),
      readinessProbe: { tcpSocket: { port: probePort }, initialDelaySeconds: 5, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 6 },
      livenessProbe: { tcpSocket: { port: probePort }, initialDelaySeconds: 60, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 6 },
      securityContext: secureContainerSecurityContext(uid),
      volumeMounts: [
        { name: 'datadir', mountPath: DATA_DIR },
        { name: 'config', mountPath: CONFIG_DIR },
        { name: 'logs', mountPath: '/opt/kafka/logs' },
        { name: 'tmp', mountPath: '/tmp' },
        ...security.mounts,
        ...exporter?.mounts ?? [],
      ],
    };
  }
}

/**
 * Whether `image` can run in ZooKeeper mode: not a 4.x (or later) tag, and not the official image's untagged or
 * `latest` form, which is 4.x now.
 */
function supportsZooKeeperMode(image: string): boolean {
  const withoutDigest = image.split('@')[0];
  const lastSlash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.indexOf(':', lastSlash + 1);
  const repository = colon < 0 ? withoutDigest : withoutDigest.slice(0, colon);
  const tag = colon < 0 ? undefined : withoutDigest.slice(colon + 1);
  const major = /^v?(\d+)\./.exec(tag ?? '')?.[1];
  if (major !== undefined) {
    return Number(major) < 4;
  }
  const official = /^((docker\.io|registry-1\.docker\.io)\/)?apache\/kafka$/.test(repository);
  return !(official && (tag === undefined || tag === 'latest') && !image.includes('@'));
}

/** ZooKeeper's path rules (PathUtils.validatePath), minus what a connect string cannot carry (commas, white space). */
function isZooKeeperPath(path: string): boolean {
  if (path === '/') {
    return true;
  }
  if (!path.startsWith('/') || path.endsWith('/') || /[\s,\u0000-\u001f\u007f-\u009f\ud800-\uf8ff\ufff0-\uffff]/.test(path)) {
    return false;
  }
  return path.slice(1).split('/').every((segment) => segment !== '' && segment !== '.' && segment !== '..');
}

/** The Service of broker `ordinal` for an external listener: `<name>-<ordinal>-<listener in lower case>`. */
function externalServiceName(name: string, ordinal: number, listener: ResolvedListener): string {
  return `${name}-${ordinal}-${listener.name.toLowerCase()}`;
}

/** A KRaft cluster id (16 bytes, base64url) derived from `seed`, so every synth produces the same one. */
function stableClusterId(seed: string): string {
  return createHash('sha256').update(seed).digest().subarray(0, 16).toString('base64url');
}
