// The blog app as a team would run it in production: the same `zk` ensemble, `kafka` brokers in ZooKeeper mode and
// node-exporter as blog-app.ts, plus
// - ZooKeeper serving its clients over mutual TLS only (clientTls), and the brokers connecting to it with their own
//   certificate (zooKeeperTls);
// - brokers replicating over mutual TLS with certificates from cert-manager, and applications authenticating with
//   SCRAM-SHA-512 over TLS;
// - metrics: the JMX exporter as a Java agent in the brokers, ZooKeeper's own Prometheus provider, and a PodMonitor
//   for each that a kube-prometheus-stack release named `kube-prometheus-stack` picks up;
// - staged rollouts gated on the data: Kafka steps wait for no under-replicated, offline or under-min-ISR partitions;
//   ZooKeeper steps wait for a leader synced with every follower, and restart the leader last;
// - a few config overrides.
//
// Before applying: cert-manager with a ClusterIssuer `internal-ca`, the Prometheus operator's CRDs, and two Secrets:
// `zk-tls` (keystore.p12, keystore.password, truststore.p12, truststore.password: ZooKeeper's certificate and the CA
// of its clients) and `kafka-zk-tls` (the brokers' client certificate for ZooKeeper, keystore.p12 and truststore.p12,
// both with the password under the key `password`).
import { App } from 'cdk8s';
import { BlogRelease, buildBlogApp } from './blog-app';
import {
  CertManagerIssuerKind, KafkaSaslMechanism, KafkaSecurityProtocol, KafkaTls, KafkaTlsClientAuth, MonitorKind, PartitionPlan, RestartOrder,
  RolloutGate, StatefulSetRollout,
} from '../src';

/** Builds the app into `outdir` (call `synth()` on the result to write it). */
export function buildSecureBlogApp(outdir: string, release: BlogRelease = {}): App {
  const issuer = { issuerName: 'internal-ca', issuerKind: CertManagerIssuerKind.CLUSTER_ISSUER };
  const monitor = { kind: MonitorKind.POD_MONITOR, labels: { release: 'kube-prometheus-stack' } };
  return buildBlogApp(outdir, release, {
    zooKeeper: {
      clientTls: { secretName: 'zk-tls' },
      config: { maxSessionTimeout: '60000' },
      metrics: { monitor },
      rollout: StatefulSetRollout.staged(PartitionPlan.linear(1), { gates: [RolloutGate.zookeeper()], order: RestartOrder.ZOOKEEPER_LEADER_LAST }),
    },
    kafka: {
      zooKeeperTls: { secretName: 'kafka-zk-tls', keystoreKey: 'keystore.p12', password: { secretName: 'kafka-zk-tls', key: 'password' } },
      listeners: [
        // Brokers replicate over mutual TLS: each presents its own certificate.
        { name: 'REPLICATION', port: 9094, protocol: KafkaSecurityProtocol.SSL, tls: KafkaTls.certManager(issuer), clientAuth: KafkaTlsClientAuth.REQUIRED },
        // Applications authenticate with SCRAM-SHA-512 over TLS.
        { name: 'CLIENT', port: 9092, protocol: KafkaSecurityProtocol.SASL_SSL, tls: KafkaTls.certManager(issuer), sasl: { mechanism: KafkaSaslMechanism.SCRAM_SHA_512 } },
      ],
      interBrokerListener: 'REPLICATION',
      config: { 'log.retention.hours': '168', 'auto.create.topics.enable': 'false' },
      metrics: { monitor },
      rollout: StatefulSetRollout.staged(PartitionPlan.canary(), { gates: [RolloutGate.kafka({ minIsr: true })] }),
    },
  });
}
