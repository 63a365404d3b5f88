// Kafka's Prometheus metrics: the JMX exporter as a Java agent inside the broker JVM (prometheus/jmx_exporter, the
// way Strimzi runs it), its jar copied by an init container from an image that ships it, its rules in a ConfigMap.
// Not part of the jsii API (KafkaMetrics in kafka-metrics.ts is).
import { createHash } from 'crypto';
import * as kplus from 'cdk8s-plus-28';

export const DEFAULT_METRICS_PORT = 9404;
export const DEFAULT_AGENT_IMAGE = 'quay.io/strimzi/kafka:0.45.0-kafka-3.9.0';
export const DEFAULT_AGENT_JAR = '/opt/kafka/libs/jmx_prometheus_javaagent-*.jar';
const AGENT_DIR = '/opt/jmx-exporter';
const RULES_DIR = '/etc/jmx-exporter';
const AGENT = `${AGENT_DIR}/jmx_prometheus_javaagent.jar`;

/**
 * The exporter's rules: the generic rules of prometheus/jmx_exporter's example_configs/kafka-2_0_0.yml (metric
 * `kafka_<domain>_<type>_<name>`, lower case, with an MBean's extra keys as labels), limited by
 * includeObjectNames to the MBeans a rollout is judged by: under-replicated, under-min-ISR and offline partitions
 * (the names the `kafka` promotion gate reads), ISR shrinks and expands, leader elections, and request latency.
 */
export const KAFKA_JMX_EXPORTER_RULES = `lowercaseOutputName: true
cacheRules: true
includeObjectNames:
- "kafka.server:type=ReplicaManager,*"
- "kafka.controller:type=KafkaController,*"
- "kafka.controller:type=ControllerStats,*"
- "kafka.cluster:type=Partition,*"
- "kafka.network:type=RequestMetrics,name=TotalTimeMs,*"
- "kafka.server:type=BrokerTopicMetrics,*"
rules:
# Per-second meters (IsrShrinksPerSec, IsrExpandsPerSec, MessagesInPerSec...) as counters.
- pattern: kafka.(\\w+)<type=(.+), name=(.+)PerSec\\w*, (.+)=(.+)><>Count
  name: kafka_$1_$2_$3_total
  type: COUNTER
  labels:
    "$4": "$5"
- pattern: kafka.(\\w+)<type=(.+), name=(.+)PerSec\\w*><>Count
  name: kafka_$1_$2_$3_total
  type: COUNTER
# Gauges: UnderReplicatedPartitions, UnderMinIsrPartitionCount, OfflinePartitionsCount, ActiveControllerCount, and
# per partition (topic, partition) UnderReplicated and UnderMinIsr.
- pattern: kafka.(\\w+)<type=(.+), name=(.+), (.+)=(.+), (.+)=(.+)><>Value
  name: kafka_$1_$2_$3
  type: GAUGE
  labels:
    "$4": "$5"
    "$6": "$7"
- pattern: kafka.(\\w+)<type=(.+), name=(.+), (.+)=(.+)><>Value
  name: kafka_$1_$2_$3
  type: GAUGE
  labels:
    "$4": "$5"
- pattern: kafka.(\\w+)<type=(.+), name=(.+)><>Value
  name: kafka_$1_$2_$3
  type: GAUGE
# Request latency histograms (TotalTimeMs by request) as summaries: quantiles and a count.
- pattern: kafka.(\\w+)<type=(.+), name=(.+), (.+)=(.+)><>Count
  name: kafka_$1_$2_$3_count
  type: COUNTER
  labels:
    "$4": "$5"
- pattern: kafka.(\\w+)<type=(.+), name=(.+), (.+)=(.*)><>(\\d+)thPercentile
  name: kafka_$1_$2_$3
  type: GAUGE
  labels:
    "$4": "$5"
    quantile: "0.$6"
- pattern: kafka.(\\w+)<type=(.+), name=(.+)><>Count
  name: kafka_$1_$2_$3_count
  type: COUNTER
`;

/** What the exporter adds to a Kafka pod. */
export interface JmxExporterPod {
  readonly initContainer: kplus.k8s.Container;
  readonly volumes: kplus.k8s.Volume[];
  readonly mounts: kplus.k8s.VolumeMount[];
  /** The start-up line that loads the agent into the broker JVM. */
  readonly startup: string;
  readonly port: kplus.k8s.ContainerPort;
}

/**
 * The exporter's pieces of a Kafka pod. The agent goes into KAFKA_OPTS in the start-up script rather than the
 * container's environment: every Kafka tool reads KAFKA_OPTS, and a `kafka-topics.sh` run with `kubectl exec` would
 * otherwise start a second agent on the taken port and fail.
 */
export function jmxExporterPod(input: {
  readonly image: string;
  readonly jar: string;
  readonly port: number;
  readonly configMapName: string;
  /** The exporter's configuration, to roll the pods when it changes. */
  readonly config: string;
  readonly securityContext: kplus.k8s.SecurityContext;
  readonly resources: kplus.k8s.ResourceRequirements;
}): JmxExporterPod {
  return {
    initContainer: {
      name: 'jmx-exporter',
      image: input.image,
      // The glob must name exactly one jar; copying it under a fixed name keeps KAFKA_OPTS independent of its version.
      command: ['sh', '-c', `set -- ${input.jar} && [ "$#" -eq 1 ] && [ -f "$1" ] && cp "$1" ${AGENT}`],
      // A change of the rules must reach the brokers: the ConfigMap is read at start only.
      env: [{ name: 'JMX_EXPORTER_RULES_SHA256', value: createHash('sha256').update(input.config).digest('hex') }],
      resources: input.resources,
      securityContext: input.securityContext,
      volumeMounts: [{ name: 'jmx-exporter', mountPath: AGENT_DIR }],
    },
    volumes: [
      { name: 'jmx-exporter', emptyDir: {} },
      { name: 'jmx-exporter-rules', configMap: { name: input.configMapName } },
    ],
    mounts: [
      { name: 'jmx-exporter', mountPath: AGENT_DIR, readOnly: true },
      { name: 'jmx-exporter-rules', mountPath: RULES_DIR, readOnly: true },
    ],
    startup: `export KAFKA_OPTS="\${KAFKA_OPTS:-} -javaagent:${AGENT}=${input.port}:${RULES_DIR}/config.yaml"`,
    port: { name: 'metrics', containerPort: input.port },
  };
}
