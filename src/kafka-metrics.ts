// The options of Kafka's Prometheus endpoint; kafka-jmx-exporter.ts builds the pod's pieces from them.
import { MonitorOptions } from './prometheus-monitor';

/** The Prometheus endpoint of a {@link KafkaCluster}. */
export interface KafkaMetrics {
  /**
   * Port of the exporter's HTTP endpoint (container port and Service port `metrics`); not a listener's port.
   * @default 9404
   */
  readonly port?: number;
  /**
   * Image the init container copies the JMX exporter's Java agent jar from; it needs `sh` and `cp`. Strimzi's
   * Kafka image ships the agent in `/opt/kafka/libs`.
   * @default 'quay.io/strimzi/kafka:0.45.0-kafka-3.9.0'
   */
  readonly agentImage?: string;
  /**
   * Path of the agent jar in `agentImage`; a shell glob must match exactly one file.
   * @default '/opt/kafka/libs/jmx_prometheus_javaagent-*.jar'
   */
  readonly agentJar?: string;
  /**
   * The exporter's configuration (YAML: `rules`, `includeObjectNames`...), in place of the built-in one. The `kafka`
   * rollout gate reads `kafka_server_replicamanager_underreplicatedpartitions`,
   * `kafka_controller_kafkacontroller_offlinepartitionscount` and `kafka_server_replicamanager_underminisrpartitioncount`:
   * keep rules that produce them. A change rolls the pods (the agent reads it at start).
   * @default - rules for partition health, ISR shrinks and expands, leader elections and request latency
   */
  readonly config?: string;
  /**
   * A PodMonitor or ServiceMonitor (`monitoring.coreos.com/v1`) named like the cluster, scraping `/metrics` of
   * every broker and controller.
   * @default - no monitor object
   */
  readonly monitor?: MonitorOptions;
}
