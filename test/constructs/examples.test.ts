import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Testing } from 'cdk8s';
import { find, Manifest, validateAll } from './manifest';
import { EXAMPLE_APPS, synthesizeExamples } from '../../examples/run-all';
import { PartitionPlan } from '../../src/partition-plan';

function synthApp(name: string): Manifest[] {
  const example = EXAMPLE_APPS.find((candidate) => candidate.name === name)!;
  const app = example.build(path.join(os.tmpdir(), 'unused'));
  const objects = app.charts.flatMap((chart) => Testing.synth(chart) as Manifest[]);
  validateAll(objects);
  return objects;
}

describe('examples', () => {
  test.each(EXAMPLE_APPS.map((example) => example.name))('%s synthesizes schema-valid objects', (name) => {
    expect(synthApp(name)).toMatchSnapshot();
  });

  test('zookeeper: the seed names, Parallel, three servers and a one-server budget', () => {
    const objects = synthApp('zookeeper');
    const sts = find(objects, 'StatefulSet', 'zk');
    expect(sts.spec).toMatchObject({ replicas: 3, podManagementPolicy: 'Parallel', serviceName: 'zk-hs' });
    expect(find(objects, 'Service', 'zk-cs').spec.ports[0].port).toBe(2181);
    expect(find(objects, 'PodDisruptionBudget', 'zk-pdb').spec.maxUnavailable).toBe(1);
    expect(sts.spec.template.spec.containers[0].env).toContainEqual(expect.objectContaining({ name: 'ZOOKEEPER_CONFIG_OVERRIDES' }));
    expect(find(objects, 'Service', 'zk-metrics').spec.ports[0]).toEqual({ name: 'metrics', port: 7000, targetPort: 'metrics' });
    expect(find(objects, 'PodMonitor', 'zk').metadata.labels.release).toBe('kube-prometheus-stack');
  });

  test('blog-app: the seed\'s zk, kafka (ZooKeeper mode) and node-exporter', () => {
    const objects = synthApp('blog-app');
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual([
      'DaemonSet/node-exporter', 'PodDisruptionBudget/kafka-pdb', 'PodDisruptionBudget/zk-pdb',
      'Service/kafka-hs', 'Service/zk-cs', 'Service/zk-hs', 'StatefulSet/kafka', 'StatefulSet/zk',
    ]);
    for (const name of ['zk', 'kafka']) {
      expect(find(objects, 'StatefulSet', name).spec.podManagementPolicy).toBe('Parallel');
    }
    const kafkaEnv = find(objects, 'StatefulSet', 'kafka').spec.template.spec.containers[0].env;
    expect(kafkaEnv).toContainEqual({ name: 'KAFKA_ZOOKEEPER_CONNECT', value: 'zk-cs.default.svc.cluster.local:2181' });
    const exporter = find(objects, 'DaemonSet', 'node-exporter');
    expect(exporter.spec.updateStrategy.type).toBe('RollingUpdate');
    expect(exporter.spec.template.spec.containers[0].ports[0]).toEqual({ name: 'scrape', containerPort: 9100, hostPort: 9100 });
  });

  test('blog-app-secure: the blog app\'s shape with ZooKeeper mTLS, TLS and SCRAM listeners, metrics, PodMonitors and gates', () => {
    const objects = synthApp('blog-app-secure');
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual([
      'Certificate/kafka-client-tls', 'Certificate/kafka-replication-tls', 'ConfigMap/kafka-metrics', 'DaemonSet/node-exporter',
      'PodDisruptionBudget/kafka-pdb', 'PodDisruptionBudget/zk-pdb', 'PodMonitor/kafka', 'PodMonitor/zk',
      'Service/kafka-hs', 'Service/kafka-metrics', 'Service/zk-cs', 'Service/zk-hs', 'Service/zk-metrics', 'StatefulSet/kafka', 'StatefulSet/zk',
    ]);
    const kafka = find(objects, 'StatefulSet', 'kafka');
    const container = kafka.spec.template.spec.containers[0];
    const env = Object.fromEntries(container.env.map((e: Manifest) => [e.name, e.value]));
    expect(env).toMatchObject({
      KAFKA_ZOOKEEPER_CONNECT: 'zk-cs.default.svc.cluster.local:2281',
      KAFKA_ZOOKEEPER_SSL_CLIENT_ENABLE: 'true',
      KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: 'REPLICATION:SSL,CLIENT:SASL_SSL',
      KAFKA_INTER_BROKER_LISTENER_NAME: 'REPLICATION',
      KAFKA_LISTENER_NAME_REPLICATION_SSL_CLIENT_AUTH: 'required',
      KAFKA_LISTENER_NAME_CLIENT_SASL_ENABLED_MECHANISMS: 'SCRAM-SHA-512',
      KAFKA_LOG_RETENTION_HOURS: '168',
      KAFKA_AUTO_CREATE_TOPICS_ENABLE: 'false',
    });
    expect([...container.command ?? [], ...container.args ?? []].join(' ')).toContain('-javaagent:/opt/jmx-exporter/jmx_prometheus_javaagent.jar=9404:');
    expect(container.ports.map((port: Manifest) => port.name)).toEqual(['replication', 'client', 'metrics']);
    for (const name of ['kafka-replication-tls', 'kafka-client-tls']) {
      expect(find(objects, 'Certificate', name).spec.issuerRef).toEqual({ name: 'internal-ca', kind: 'ClusterIssuer', group: 'cert-manager.io' });
    }
    expect(kafka.metadata.annotations).toMatchObject({ 'staged-rollouts.io/plan': PartitionPlan.canary().toString(), 'staged-rollouts.io/gates': '["kafka:min-isr"]' });
    const zk = find(objects, 'StatefulSet', 'zk');
    expect(zk.metadata.annotations).toMatchObject({
      'staged-rollouts.io/plan': PartitionPlan.linear(1).toString(),
      'staged-rollouts.io/gates': '["zookeeper"]',
      'staged-rollouts.io/restart-order': 'zookeeper-leader-last',
    });
    expect(find(objects, 'Service', 'zk-cs').spec.ports).toEqual([{ name: 'client-tls', port: 2281, targetPort: 'client-tls' }]);
    for (const name of ['kafka', 'zk']) {
      expect(find(objects, 'PodMonitor', name).metadata.labels.release).toBe('kube-prometheus-stack');
      expect(find(objects, 'StatefulSet', name).spec.podManagementPolicy).toBe('Parallel');
    }
    expect(find(objects, 'DaemonSet', 'node-exporter').spec.updateStrategy.type).toBe('RollingUpdate');
  });

  test('kafka-kraft: separate controllers in the streaming namespace', () => {
    const objects = synthApp('kafka-kraft');
    expect(find(objects, 'StatefulSet', 'events-controller').spec.replicas).toBe(3);
    const brokers = find(objects, 'StatefulSet', 'events');
    expect(brokers.metadata.namespace).toBe('streaming');
    expect(brokers.metadata.annotations).toMatchObject({ 'staged-rollouts.io/plan': PartitionPlan.canary().toString(), 'kubernetes.io/change-cause': 'events: Kafka 4.1.0' });
    expect(brokers.spec.updateStrategy.rollingUpdate.partition).toBe(PartitionPlan.STAGED_PARTITION);
  });

  test('kafka-secure: TLS listeners from cert-manager, SCRAM for clients, JMX metrics and a PodMonitor', () => {
    const objects = synthApp('kafka-secure');
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual([
      'Certificate/events-client-tls', 'Certificate/events-controller-tls', 'Certificate/events-replication-tls', 'ConfigMap/events-metrics',
      'PodDisruptionBudget/events-pdb', 'PodMonitor/events', 'Service/events-hs', 'Service/events-metrics', 'StatefulSet/events',
    ]);
    const container = find(objects, 'StatefulSet', 'events').spec.template.spec.containers[0];
    const env = Object.fromEntries(container.env.map((e: Manifest) => [e.name, e.value]));
    expect(env).toMatchObject({
      KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: 'CONTROLLER:SSL,REPLICATION:SSL,CLIENT:SASL_SSL',
      KAFKA_INTER_BROKER_LISTENER_NAME: 'REPLICATION',
      KAFKA_LISTENER_NAME_CLIENT_SASL_ENABLED_MECHANISMS: 'SCRAM-SHA-512',
      KAFKA_LISTENER_NAME_REPLICATION_SSL_CLIENT_AUTH: 'required',
      KAFKA_LOG_RETENTION_HOURS: '168',
    });
    expect(container.ports.map((port: Manifest) => port.name)).toEqual(['replication', 'client', 'controller', 'metrics']);
    expect(find(objects, 'Certificate', 'events-client-tls').spec.issuerRef).toEqual({ name: 'internal-ca', kind: 'ClusterIssuer', group: 'cert-manager.io' });
    expect(find(objects, 'PodMonitor', 'events').metadata.labels.release).toBe('kube-prometheus-stack');
    expect(find(objects, 'StatefulSet', 'events').metadata.annotations['staged-rollouts.io/gates']).toBe('["kafka:min-isr"]');
  });

  test('log-collector: fluentd with the node logs', () => {
    const ds = find(synthApp('log-collector'), 'DaemonSet', 'fluentd');
    expect(ds.spec.template.spec.containers[0].volumeMounts.map((m: Manifest) => m.mountPath)).toContain('/var/log');
  });

  test('run-all writes one YAML directory per example', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'examples-'));
    try {
      const written = synthesizeExamples(root);
      expect(written.length).toBeGreaterThanOrEqual(EXAMPLE_APPS.length);
      for (const example of EXAMPLE_APPS) {
        expect(fs.readdirSync(path.join(root, example.name)).some((file) => file.endsWith('.yaml'))).toBe(true);
      }
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
