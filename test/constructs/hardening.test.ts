// Issue 12's construct inputs: each one was accepted and synthesized something the API server rejects or that breaks
// at run time. Every construct must now throw a ValidationError naming the prop, or synthesize valid objects.
import { Chart, Duration, Size, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { find, Manifest, synthValid, testChart, thrownValidationError } from './manifest';
import { ChangeCause } from '../../src/change-cause';
import { DisruptionBudget } from '../../src/disruption-budget';
import { KafkaCluster } from '../../src/kafka-cluster';
import { LogCollector } from '../../src/log-collector';
import { NodeAgent } from '../../src/node-agent';
import { NodeExporter } from '../../src/node-exporter';
import { PartitionPlan } from '../../src/partition-plan';
import { StatefulSetRollout } from '../../src/statefulset-rollout';
import { ValidationError } from '../../src/validation-error';
import { PodAntiAffinity } from '../../src/workload-options';
import { ZooKeeperEnsemble } from '../../src/zookeeper-ensemble';

const IMAGE = 'example/agent:1.0';

function env(object: Manifest): Record<string, string> {
  return Object.fromEntries(object.spec.template.spec.containers[0].env.map((e: Manifest) => [e.name, e.value]));
}

/** Builds in a fresh chart and returns the error it threw (a ValidationError), failing when none was thrown. */
function rejection(build: (chart: Chart) => unknown, namespace?: string): ValidationError {
  return thrownValidationError(() => {
    const chart = testChart(namespace);
    build(chart);
    Testing.synth(chart);
  });
}

describe('the Chart namespace is honoured by every object and every DNS name', () => {
  test('ZooKeeper and ZooKeeper-mode Kafka', () => {
    const chart = testChart('prod');
    const zk = new ZooKeeperEnsemble(chart, 'zk');
    new KafkaCluster(chart, 'kafka', { zooKeeper: zk, zooKeeperChroot: '/kafka' });
    const objects = synthValid(chart);
    expect(new Set(objects.map((o) => o.metadata.namespace))).toEqual(new Set(['prod']));
    expect(env(find(objects, 'StatefulSet', 'zk')).ZOO_SERVERS).toContain('zk-0.zk-hs.prod.svc.cluster.local:2888:3888;2181');
    const broker = find(objects, 'StatefulSet', 'kafka');
    expect(env(broker).KAFKA_ZOOKEEPER_CONNECT).toBe('zk-cs.prod.svc.cluster.local:2181/kafka');
    expect(broker.spec.template.spec.containers[0].command.join(' ')).toContain('${HOSTNAME}.kafka-hs.prod.svc.cluster.local:9093');
    expect(JSON.stringify(objects)).not.toContain('.default.svc');
  });

  test('KRaft voters and node agents', () => {
    const chart = testChart('streaming');
    const kafka = new KafkaCluster(chart, 'kafka', { controllers: 3 });
    new NodeExporter(chart, 'ne', { scrapeService: true });
    const objects = synthValid(chart);
    expect(new Set(objects.map((o) => o.metadata.namespace))).toEqual(new Set(['streaming']));
    expect(kafka.quorumVoters).toBe([0, 1, 2].map((i) => `${i}@kafka-controller-${i}.kafka-controller-hs.streaming.svc.cluster.local:9093`).join(','));
    expect(JSON.stringify(objects)).not.toContain('.default.svc');
  });

  test('without a Chart namespace every object says default explicitly, matching its DNS names', () => {
    const objects = synthValid((() => {
      const chart = testChart();
      new ZooKeeperEnsemble(chart, 'zk');
      return chart;
    })());
    expect(new Set(objects.map((o) => o.metadata.namespace))).toEqual(new Set(['default']));
  });

  test('an invalid Chart namespace is named', () => {
    expect(rejection((chart) => new ZooKeeperEnsemble(chart, 'zk'), 'Prod').message)
      .toMatch(/^test: namespace: "Prod" is not valid; a Namespace name a lowercase RFC 1123 label/);
  });
});

describe('names follow the Kubernetes rule of every object derived from them', () => {
  test.each(['Zk', '', '1zk', 'zk_1', 'zk.a', 'zk-', 'z'.repeat(64)])('ZooKeeperEnsemble name %j', (name) => {
    const error = rejection((chart) => new ZooKeeperEnsemble(chart, 'zk', { name }));
    expect(error.property).toBe('name');
    expect(error.path).toBe('test/zk');
  });

  test('a StatefulSet name leaves room for the controller-revision-hash label: 52 characters at most', () => {
    synthValid((() => {
      const chart = testChart();
      new KafkaCluster(chart, 'k', { name: 'k'.repeat(52) });
      return chart;
    })());
    expect(rejection((chart) => new KafkaCluster(chart, 'k', { name: 'k'.repeat(53) })).message)
      .toContain('must be no more than 52 characters, so that the pods\' controller-revision-hash label');
  });

  test('a derived name too long for its kind is named with the derived name', () => {
    // <name>-controller must itself fit 52 characters.
    expect(rejection((chart) => new KafkaCluster(chart, 'k', { name: 'k'.repeat(42), controllers: 3 })).message)
      .toContain(`the StatefulSet name "${'k'.repeat(42)}-controller" derived from it: must be no more than 52 characters`);
  });

  test('a Service name must start with a letter (DNS-1035)', () => {
    expect(rejection((chart) => new NodeExporter(chart, 'ne', { name: '9exporter', scrapeService: true })).message)
      .toContain('test/ne: name: "9exporter" is not valid; as a Service name: a DNS-1035 label must consist of lower case alphanumeric characters');
    expect(rejection((chart) => new NodeAgent(chart, 'a', { name: 'a'.repeat(64), image: IMAGE })).property).toBe('name');
  });
});

describe('ports, images, users, paths, resources, labels', () => {
  test.each([0, 70000, 1.5])('NodeExporter port %d', (port) => {
    expect(rejection((chart) => new NodeExporter(chart, 'ne', { port })).property).toBe('port');
  });

  test.each([
    ['ports[0].number', { ports: [{ number: 0 }] }],
    ['ports[0].name', { ports: [{ number: 80, name: 'a-very-long-port-name' }] }],
    ['ports[0].name', { ports: [{ number: 80, name: 'HTTP' }] }],
    ['ports[1].name', { ports: [{ number: 80, name: 'web' }, { number: 81, name: 'web' }] }],
    ['ports[1].hostPort', { ports: [{ number: 80, hostPort: 8080 }, { number: 81, hostPort: 8080 }] }],
    ['ports[0].hostPort', { ports: [{ number: 80, hostPort: 70000 }] }],
    ['image', { image: '' }],
    ['image', { image: 'example/agent: 1.0' }],
    ['runAsUser', { runAsUser: -1 }],
    ['runAsUser', { runAsUser: 1.5 }],
    ['hostMounts[0].hostPath', { hostMounts: [{ hostPath: 'var/log', mountPath: '/var/log' }] }],
    ['hostMounts[0].mountPath', { hostMounts: [{ hostPath: '/var/log', mountPath: 'logs' }] }],
    ['hostMounts[0].hostPath', { hostMounts: [{ hostPath: '/var/../etc', mountPath: '/x' }] }],
    ['writablePaths[0]', { hostMounts: [{ hostPath: '/var/log', mountPath: '/data' }], writablePaths: ['/data'] }],
    ['hostMounts[0].hostPath', { hostMounts: [{ hostPath: '/etc', mountPath: '/etc', readOnly: false }] }],
    ['resources.cpu.request', { resources: { cpu: { request: kplus.Cpu.millis(-100) } } }],
    ['resources.cpu.request', { resources: { cpu: { request: kplus.Cpu.units(2), limit: kplus.Cpu.units(1) } } }],
    ['resources.memory.request', { resources: { memory: { request: Size.gibibytes(2), limit: Size.gibibytes(1) } } }],
    ['labels key', { labels: { 'bad key!': 'x' } }],
    ['labels["team"]', { labels: { team: 'a b' } }],
    ['annotations', { annotations: { '/no-name': 'x' } }],
    ['nodeSelector["disk"]', { nodeSelector: { disk: 'x'.repeat(64) } }],
    ['tolerations[0].operator', { tolerations: [{ operator: 'Maybe' }] }],
    ['env key', { env: { '1BAD': 'x' } }],
    ['terminationGracePeriod', { terminationGracePeriod: Duration.millis(1500) }],
    ['priorityClassName', { priorityClassName: 'High' }],
  ])('NodeAgent %s', (property, props) => {
    const error = rejection((chart) => new NodeAgent(chart, 'a', { name: 'agent', image: IMAGE, ...props as object }));
    expect(error.property).toBe(property);
  });

  test('a heap above the memory limit, or not whole mebibytes, is named', () => {
    expect(rejection((chart) => new ZooKeeperEnsemble(chart, 'zk', { heap: Size.gibibytes(2) })).message)
      .toBe('test/zk: heap: "2048Mi" is not valid; the JVM needs memory beyond its heap: keep the heap below the memory limit of 1024Mi (50-75% of it)');
    expect(rejection((chart) => new KafkaCluster(chart, 'k', { heap: Size.kibibytes(512) })).message)
      .toBe('test/k: heap: "512Ki" is not valid; use a whole number of mebibytes above 0, e.g. Size.mebibytes(512)');
    expect(rejection((chart) => new ZooKeeperEnsemble(chart, 'zk', { heap: Size.mebibytes(0) })).property).toBe('heap');
  });
});

describe('settings that were written as given and broke at run time', () => {
  test.each([
    ['syncLimit', { syncLimit: NaN }],
    ['initLimit', { initLimit: -1 }],
    ['initLimit', { initLimit: 2.5 }],
    ['tickTime', { tickTime: Duration.seconds(0) }],
    ['autopurgeSnapRetainCount', { autopurgeSnapRetainCount: 1 }],
    ['clusterDomain', { clusterDomain: '' }],
    ['clusterDomain', { clusterDomain: 'cluster.local.' }],
    ['storageClassName', { storageClassName: 'Fast SSD' }],
    ['topologySpreadKey', { topologySpreadKey: 'zone/' }],
  ])('ZooKeeperEnsemble %s', (property, props) => {
    expect(rejection((chart) => new ZooKeeperEnsemble(chart, 'zk', props as object)).property).toBe(property);
  });

  test('syncLimit NaN is shown as NaN, not null', () => {
    expect(rejection((chart) => new ZooKeeperEnsemble(chart, 'zk', { syncLimit: NaN })).message)
      .toBe('test/zk: syncLimit: NaN is not valid; use a whole number from 1 to 1073741');
  });

  test('a chroot must be an absolute ZooKeeper path, and only in ZooKeeper mode', () => {
    for (const chroot of ['kafka', '/kafka/', '//kafka', '/a/../b', '/a b', '/a,b']) {
      expect(rejection((chart) => new KafkaCluster(chart, 'k', { zooKeeper: new ZooKeeperEnsemble(chart, 'zk'), zooKeeperChroot: chroot })).property)
        .toBe('zooKeeperChroot');
    }
    expect(rejection((chart) => new KafkaCluster(chart, 'k', { zooKeeperChroot: '/kafka' })).message)
      .toBe('test/k: zooKeeperChroot: "/kafka" is not valid; a chroot is a ZooKeeper-mode setting; drop it or set zooKeeper');
  });

  test('a cluster id in ZooKeeper mode is rejected, not ignored', () => {
    expect(rejection((chart) => new KafkaCluster(chart, 'k', { zooKeeper: new ZooKeeperEnsemble(chart, 'zk'), clusterId: 'MkU3OEVBNTcwNTJENDM2Qk' })).property)
      .toBe('clusterId');
  });

  test.each(['apache/kafka:4.0.0', 'apache/kafka:4.1.0-rc1', 'apache/kafka', 'apache/kafka:latest', 'docker.io/apache/kafka', 'mirror:5000/kafka:v4.1'])(
    'Kafka 4 image %s in ZooKeeper mode is rejected', (image) => {
      expect(rejection((chart) => new KafkaCluster(chart, 'k', { zooKeeper: new ZooKeeperEnsemble(chart, 'zk'), image })).message)
        .toContain('Kafka 4 removed ZooKeeper mode');
    });

  test('a 3.x image, or a registry with a port, is fine in ZooKeeper mode', () => {
    for (const image of ['apache/kafka:3.9.1', 'mirror:5000/apache/kafka:3.8.0', 'corp/kafka-zk']) {
      const chart = testChart();
      new KafkaCluster(chart, 'k', { zooKeeper: new ZooKeeperEnsemble(chart, 'zk'), image });
      synthValid(chart);
    }
  });

  test('a ZooKeeper-mode broker id may not exceed reserved.broker.max.id', () => {
    expect(rejection((chart) => new KafkaCluster(chart, 'k', { zooKeeper: new ZooKeeperEnsemble(chart, 'zk'), replicas: 1002 })).message)
      .toBe('test/k: replicas: 1002 is not valid; use a whole number from 1 to 1001');
  });

  test('controllers above 100 would share node ids with the brokers', () => {
    expect(rejection((chart) => new KafkaCluster(chart, 'k', { controllers: 101 })).property).toBe('controllers');
  });

  test.each(['/', '/var', '/var/lib', '/etc/fluent', '/var/lib/kubelet/pods', '/proc/x', 'state'])('LogCollector stateHostPath %s is refused', (path) => {
    expect(rejection((chart) => new LogCollector(chart, 'logs', { image: IMAGE, stateHostPath: path })).property).toBe('stateHostPath');
  });

  test('a dedicated LogCollector state directory is fine', () => {
    const chart = testChart();
    new LogCollector(chart, 'logs', { image: IMAGE, stateHostPath: '/var/lib/fluentd-state' });
    synthValid(chart);
  });

  test('a staged rollout cannot pin more replicas than its partition: 40000 Kafka brokers are rejected', () => {
    const chart = testChart();
    new KafkaCluster(chart, 'k', { replicas: 40000, rollout: StatefulSetRollout.staged(PartitionPlan.canary()) });
    expect(() => Testing.synth(chart)).toThrow('a staged rollout pins the partition at 32767, which cannot hold 40000 replicas');
    expect(PartitionPlan.toPhysicalPartition(40000, 40000)).toBe(40000);
  });
});

describe('objects produced twice are reported with both constructs', () => {
  test.each([
    ['two ensembles named zk', (chart: Construct) => {
      new ZooKeeperEnsemble(chart, 'zk1');
      new ZooKeeperEnsemble(chart, 'zk2');
    }, 'StatefulSet "zk" in namespace "default" is produced by both test/zk1/Servers/Resource and test/zk2/Servers/Resource'],
    ['ZooKeeper x and Kafka x', (chart: Construct) => {
      new ZooKeeperEnsemble(chart, 'zk', { name: 'x' });
      new KafkaCluster(chart, 'k', { name: 'x' });
    }, 'StatefulSet "x" in namespace "default" is produced by both test/zk/Servers/Resource and test/k/Brokers/Resource'],
    ['a NodeExporter named like the client Service', (chart: Construct) => {
      new ZooKeeperEnsemble(chart, 'zk');
      new NodeExporter(chart, 'ne', { name: 'zk-cs', scrapeService: true });
    }, 'Service "zk-cs" in namespace "default" is produced by both test/zk/ClientService and test/ne/ScrapeService/Resource'],
  ])('%s', (_, build, message) => {
    const chart = testChart();
    build(chart);
    expect(() => Testing.synth(chart)).toThrow(message);
  });

  test('across charts of one app in the same namespace', () => {
    const app = Testing.app();
    new ZooKeeperEnsemble(new Chart(app, 'a', { namespace: 'x' }), 'zk');
    const b = new Chart(app, 'b', { namespace: 'x' });
    new ZooKeeperEnsemble(b, 'zk');
    expect(() => Testing.synth(b)).toThrow('is produced by both a/zk/Servers/Resource and b/zk/Servers/Resource');
  });

  test('the same names in different namespaces do not collide', () => {
    const app = Testing.app();
    new ZooKeeperEnsemble(new Chart(app, 'a', { namespace: 'x' }), 'zk');
    const b = new Chart(app, 'b', { namespace: 'y' });
    new ZooKeeperEnsemble(b, 'zk');
    expect(Testing.synth(b)).toHaveLength(4);
  });
});

describe('errors name the prop the user set, and only props the user set', () => {
  test.each([
    ['terminationGracePeriod', (chart: Construct) => new KafkaCluster(chart, 'k', { terminationGracePeriod: Duration.millis(1500) }),
      'test/k: terminationGracePeriod: "1500ms" is not valid; use whole seconds of 0 or more, e.g. Duration.seconds(30)'],
    ['minReady', () => StatefulSetRollout.rollingUpdate({ minReady: Duration.millis(1500) }),
      'StatefulSetRollout: minReady: "1500ms" is not valid; use whole seconds of 0 or more'],
  ])('a Duration of 1.5 s for %s', (_, build, message) => {
    expect(() => build(testChart())).toThrow(message);
  });

  test('a one-broker ZooKeeper-mode Kafka is not rejected for a maxUnavailable the user never set', () => {
    const chart = testChart();
    new KafkaCluster(chart, 'k', { zooKeeper: new ZooKeeperEnsemble(chart, 'zk', { replicas: 1 }), replicas: 1 });
    const objects = synthValid(chart);
    expect(find(objects, 'PodDisruptionBudget', 'kafka-pdb').spec.maxUnavailable).toBe(0);
  });

  test('PartitionPlan.parse of something that is not text says so', () => {
    expect(thrownValidationError(() => PartitionPlan.parse(undefined as unknown as string)).message)
      .toBe('PartitionPlan.parse: text: undefined is not valid; give the plan\'s text form, e.g. "canary" or "canary,10%,50%,100%"');
  });

  test('ValidationError carries the path, prop, value and fix', () => {
    const error = rejection((chart) => new NodeExporter(chart, 'ne', { port: 70000 }));
    expect({ path: error.path, property: error.property, value: error.value, fix: error.fix, name: error.name }).toEqual({
      path: 'test/ne', property: 'port', value: '70000', fix: 'must be between 1 and 65535, inclusive', name: 'ValidationError',
    });
  });
});

describe("Kafka's config init container", () => {
  test('has resource requests and limits', () => {
    const chart = testChart();
    new KafkaCluster(chart, 'k');
    const init = find(synthValid(chart), 'StatefulSet', 'kafka').spec.template.spec.initContainers[0];
    expect(init.resources).toEqual({ requests: { cpu: '50m', memory: '32Mi' }, limits: { cpu: '200m', memory: '64Mi' } });
  });
});

describe('the same defect classes beyond the issue\'s examples', () => {
  test('with the default heap, a memory limit too small for it names the memory limit', () => {
    expect(rejection((chart) => new ZooKeeperEnsemble(chart, 'zk', { resources: { memory: { limit: Size.mebibytes(512) } } })).property)
      .toBe('resources.memory.limit');
    expect(rejection((chart) => new KafkaCluster(chart, 'k', { resources: { memory: { limit: Size.gibibytes(1) } } })).property)
      .toBe('resources.memory.limit');
  });

  test('a budget asking for more available pods than exist is reported', () => {
    const chart = testChart();
    new DisruptionBudget(chart, 'pdb', { name: 'pdb', selector: { app: 'x' }, replicas: 2, minAvailable: 3 });
    expect(() => Testing.synth(chart)).toThrow('test/pdb: minAvailable: 3 is not valid; only 2 pods exist');
  });

  test('invalid Chart labels are named (cdk8s writes them on every object)', () => {
    const chart = new Chart(Testing.app(), 'test', { labels: { team: 'a b' } });
    expect(() => new ZooKeeperEnsemble(chart, 'zk')).toThrow('test: labels["team"]: "a b" is not valid');
  });

  test('an unknown antiAffinity, a non-string command or extra argument is named', () => {
    expect(rejection((chart) => new ZooKeeperEnsemble(chart, 'zk', { antiAffinity: 'SOMETIMES' as PodAntiAffinity })).property).toBe('antiAffinity');
    expect(rejection((chart) => new NodeAgent(chart, 'a', { name: 'a', image: IMAGE, command: [1 as unknown as string] })).property).toBe('command[0]');
    expect(rejection((chart) => new NodeExporter(chart, 'ne', { extraArgs: 'x' as unknown as string[] })).property).toBe('extraArgs');
  });

  test('ChangeCause.apply of something that is not text says so', () => {
    const chart = testChart();
    const zk = new ZooKeeperEnsemble(chart, 'zk');
    expect(thrownValidationError(() => ChangeCause.apply(zk.statefulService, undefined as unknown as string)).message)
      .toBe('test/zk/Servers: text: undefined is not valid; describe the change, e.g. "kafka 3.9.1: raise num.io.threads"');
  });

  test('an empty selector, which would select every pod of the namespace, is named', () => {
    expect(rejection((chart) => new DisruptionBudget(chart, 'pdb', { name: 'pdb', selector: {}, replicas: 3 })).property).toBe('selector');
  });

  test.each([
    ['readinessProbe', { readinessProbe: {} }],
    ['readinessProbe.httpGet.port', { readinessProbe: { httpGet: { port: kplus.k8s.IntOrString.fromNumber(0) } } }],
    ['livenessProbe.tcpSocket.port', { livenessProbe: { tcpSocket: { port: kplus.k8s.IntOrString.fromString('Metrics_Port') } } }],
    ['livenessProbe.periodSeconds', { livenessProbe: { exec: { command: ['true'] }, periodSeconds: 0 } }],
    ['readinessProbe.initialDelaySeconds', { readinessProbe: { exec: { command: ['true'] }, initialDelaySeconds: -5 } }],
  ])('a NodeAgent probe the API server rejects names %s', (property, props) => {
    expect(rejection((chart) => new NodeAgent(chart, 'a', { name: 'a', image: IMAGE, ...props })).property).toBe(property);
  });

  test('a pod DNS name above 253 characters, which would never resolve, is named', () => {
    const clusterDomain = `${'a'.repeat(50)}.${'b'.repeat(49)}`;
    expect(rejection((chart) => new KafkaCluster(chart, 'k', { name: 'k'.repeat(50), clusterDomain }), 'n'.repeat(63)).message)
      .toMatch(/^test\/k\/Brokers: name: "k{50}" is not valid; the pods' DNS name "k{50}-2\.k{50}-hs\.n{63}\.svc\.a{50}\.b{49}" would be 275 characters, above DNS's 253/);
  });

  test('initLimit and syncLimit times the tick must fit ZooKeeper\'s int milliseconds', () => {
    expect(rejection((chart) => new ZooKeeperEnsemble(chart, 'zk', { tickTime: Duration.minutes(10), initLimit: 4000 })).message)
      .toBe('test/zk: initLimit: 4000 is not valid; use a whole number from 1 to 3579');
  });
});

