// Each workload's Pod Security Standards level, as README.md and docs/pod-security.md state it: a change that
// makes a workload need a laxer namespace label fails here.
import { Chart } from 'cdk8s';
import { find, Manifest, synthValid, testChart } from './manifest';
import { baselineViolations, podSecurityLevel, restrictedViolations } from './pod-security';
import { KafkaCluster } from '../../src/kafka-cluster';
import {
  KafkaExternalAccess, KafkaSaslMechanism, KafkaSecurityProtocol, KafkaTls, KafkaTlsClientAuth,
} from '../../src/kafka-listener';
import { LogCollector } from '../../src/log-collector';
import { NodeAgent } from '../../src/node-agent';
import { NodeExporter } from '../../src/node-exporter';
import { ZooKeeperEnsemble } from '../../src/zookeeper-ensemble';

function podSpecs(build: (chart: Chart) => void): Manifest[] {
  const chart = testChart();
  build(chart);
  return synthValid(chart).filter((object) => object.spec?.template?.spec).map((object) => object.spec.template.spec);
}

describe('Pod Security Standards level of each workload', () => {
  test.each([
    ['ZooKeeperEnsemble', (chart: Chart) => new ZooKeeperEnsemble(chart, 'zk')],
    ['KafkaCluster (KRaft, separate controllers)', (chart: Chart) => new KafkaCluster(chart, 'kafka', { controllers: 3 })],
    ['KafkaCluster (ZooKeeper mode)', (chart: Chart) => new KafkaCluster(chart, 'kafka', { zooKeeper: new ZooKeeperEnsemble(chart, 'zk') })],
    ['KafkaCluster with TLS and SASL listeners, external access, metrics and TLS to ZooKeeper', (chart: Chart) => new KafkaCluster(chart, 'kafka', {
      zooKeeper: new ZooKeeperEnsemble(chart, 'zk', { clientTls: { secretName: 'zk-tls' } }),
      zooKeeperTls: { secretName: 'zk-tls', password: { secretName: 'zk-tls', key: 'password' } },
      listeners: [
        { name: 'INTERNAL', port: 9094, protocol: KafkaSecurityProtocol.SSL, tls: KafkaTls.certManager({ issuerName: 'ca' }), clientAuth: KafkaTlsClientAuth.REQUIRED },
        {
          name: 'CLIENT',
          port: 9092,
          protocol: KafkaSecurityProtocol.SASL_SSL,
          tls: KafkaTls.pem({ secretName: 'tls' }),
          sasl: { mechanism: KafkaSaslMechanism.PLAIN, usersSecretName: 'users' },
          external: KafkaExternalAccess.nodePort({ basePort: 31000 }),
        },
      ],
      interBrokerListener: 'INTERNAL',
      metrics: {},
    })],
    ['NodeAgent without host access', (chart: Chart) => new NodeAgent(chart, 'agent', { name: 'agent', image: 'example/agent:1.0' })],
    ['ZooKeeperEnsemble with client TLS, metrics and every extra volume source it accepts', (chart: Chart) => new ZooKeeperEnsemble(chart, 'zk', {
      clientTls: { secretName: 'zk-tls' },
      metrics: {},
      extraVolumes: [
        { name: 'a', secret: { secretName: 's' } }, { name: 'b', configMap: { name: 'c' } }, { name: 'c', emptyDir: {} },
        { name: 'd', projected: { sources: [] } }, { name: 'e', downwardApi: { items: [] } }, { name: 'f', persistentVolumeClaim: { claimName: 'p' } },
        { name: 'g', csi: { driver: 'secrets-store.csi.k8s.io' } }, { name: 'h', ephemeral: { volumeClaimTemplate: { spec: {} } } },
      ],
    })],
  ])('%s meets restricted', (_, build) => {
    const specs = podSpecs(build);
    expect(specs.length).toBeGreaterThan(0);
    for (const spec of specs) {
      expect(restrictedViolations(spec)).toEqual([]);
    }
  });

  test('NodeExporter needs privileged: host network, PID namespace, port and paths, by design', () => {
    const [spec] = podSpecs((chart) => new NodeExporter(chart, 'ne'));
    expect(podSecurityLevel(spec)).toBe('privileged');
    expect(baselineViolations(spec)).toEqual([
      'host namespaces: hostNetwork', 'host namespaces: hostPID',
      'hostPath volume host-0', 'hostPath volume host-1', 'hostPath volume host-2',
      'hostPort 9100 on node-exporter',
    ]);
    // Everything else of restricted still holds: no capabilities, no escalation, non-root, RuntimeDefault.
    expect(restrictedViolations(spec).filter((problem) => !problem.startsWith('host') && !problem.startsWith('volume type hostPath'))).toEqual([]);
  });

  test('LogCollector needs privileged: host paths by design, and root to read the node\'s log files', () => {
    const [spec] = podSpecs((chart) => new LogCollector(chart, 'logs', { image: 'example/fluentd:1.0' }));
    expect(podSecurityLevel(spec)).toBe('privileged');
    expect(baselineViolations(spec)).toEqual(['hostPath volume host-0', 'hostPath volume host-1', 'hostPath volume host-2']);
    expect(restrictedViolations(spec)).toContain('runAsNonRoot not true for log-collector');
  });

  test('the checker tells the levels apart', () => {
    const restricted = find(synthValid((() => {
      const chart = testChart();
      new ZooKeeperEnsemble(chart, 'zk');
      return chart;
    })()), 'StatefulSet', 'zk').spec.template.spec;
    expect(podSecurityLevel(restricted)).toBe('restricted');
    const container = restricted.containers[0];
    const rootContainer = {
      ...restricted,
      containers: [{ ...container, securityContext: { ...container.securityContext, runAsNonRoot: false } }],
      securityContext: { ...restricted.securityContext, runAsNonRoot: false },
    };
    expect(podSecurityLevel(rootContainer)).toBe('baseline');
    expect(podSecurityLevel({ ...restricted, hostIPC: true })).toBe('privileged');
  });
});
