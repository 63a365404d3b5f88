// A KRaft Kafka cluster as a team moving from the Bitnami chart or Strimzi would run it: TLS everywhere with
// certificates from cert-manager (mTLS between brokers and on the controller quorum), SCRAM-SHA-512 over TLS for
// clients, a few server.properties overrides, and the JMX exporter's metrics with a PodMonitor that a
// kube-prometheus-stack release named `kube-prometheus-stack` picks up. Its rollouts are staged, each step gated on
// the brokers' partition health as the JMX exporter reports it.
//
// Before applying: cert-manager with a ClusterIssuer `internal-ca` (a CA issuer; the listeners trust its ca.crt),
// and the Prometheus operator's CRDs. After the brokers are up, create the clients' SCRAM users through the
// REPLICATION listener (mTLS), e.g. `kafka-configs.sh --bootstrap-server <broker>:9094 --command-config admin.properties
// --alter --add-config 'SCRAM-SHA-512=[password=...]' --entity-type users --entity-name orders-service`.
import { App, Chart, Size } from 'cdk8s';
import {
  CertManagerIssuerKind, KafkaCluster, KafkaSaslMechanism, KafkaSecurityProtocol, KafkaTls, KafkaTlsClientAuth, MonitorKind, PartitionPlan,
  RolloutGate, StatefulSetRollout,
} from '../src';

/** Builds the app into `outdir` (call `synth()` on the result to write it). */
export function buildKafkaSecureApp(outdir: string): App {
  const app = new App({ outdir });
  const chart = new Chart(app, 'kafka-secure', { namespace: 'streaming' });
  const issuer = { issuerName: 'internal-ca', issuerKind: CertManagerIssuerKind.CLUSTER_ISSUER };
  new KafkaCluster(chart, 'kafka', {
    name: 'events',
    replicas: 3,
    storageSize: Size.gibibytes(100),
    listeners: [
      // Brokers replicate over mutual TLS: each presents its own certificate.
      { name: 'REPLICATION', port: 9094, protocol: KafkaSecurityProtocol.SSL, tls: KafkaTls.certManager(issuer), clientAuth: KafkaTlsClientAuth.REQUIRED },
      // Applications authenticate with SCRAM-SHA-512 over TLS.
      {
        name: 'CLIENT',
        port: 9092,
        protocol: KafkaSecurityProtocol.SASL_SSL,
        tls: KafkaTls.certManager(issuer),
        sasl: { mechanism: KafkaSaslMechanism.SCRAM_SHA_512 },
      },
    ],
    interBrokerListener: 'REPLICATION',
    controllerListener: {
      name: 'CONTROLLER', port: 9093, protocol: KafkaSecurityProtocol.SSL, tls: KafkaTls.certManager(issuer), clientAuth: KafkaTlsClientAuth.REQUIRED,
    },
    config: {
      'log.retention.hours': '168',
      'auto.create.topics.enable': 'false',
    },
    metrics: {
      monitor: { kind: MonitorKind.POD_MONITOR, labels: { release: 'kube-prometheus-stack' } },
    },
    // Each step waits until no partition is under-replicated, offline or under min.insync.replicas.
    rollout: StatefulSetRollout.staged(PartitionPlan.canary(), { gates: [RolloutGate.kafka({ minIsr: true })] }),
    changeCause: 'events: TLS, SCRAM and metrics',
  });
  return app;
}
