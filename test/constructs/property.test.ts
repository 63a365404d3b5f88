// Property tests of issue 12: names, ports, quantities, durations and namespaces drawn at random (valid, edge and
// hostile values mixed). Every construct either synthesizes objects the API server accepts and that run
// (api-server-rules.ts), or throws naming a prop it was given. Nothing may be accepted and invalid, and nothing may
// fail with an error that names no prop. Set PROPERTY_STATS=1 to print the counts.
import { Chart, Duration, Size, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import fc from 'fast-check';
import { apiServerProblems } from './api-server-rules';
import { Manifest } from './manifest';
import { DisruptionBudget } from '../../src/disruption-budget';
import { HeadlessService } from '../../src/headless-service';
import { KafkaCluster } from '../../src/kafka-cluster';
import { KafkaExternalAccess, KafkaListener, KafkaSaslMechanism, KafkaSecurityProtocol, KafkaTls } from '../../src/kafka-listener';
import { KafkaMetrics } from '../../src/kafka-metrics';
import { LogCollector } from '../../src/log-collector';
import { NodeAgent } from '../../src/node-agent';
import { NodeExporter } from '../../src/node-exporter';
import { PartitionPlan } from '../../src/partition-plan';
import { StatefulSetRollout } from '../../src/statefulset-rollout';
import { Errors } from '../../src/validation-error';
import { ZooKeeperEnsemble } from '../../src/zookeeper-ensemble';

const RUNS = 400;

/**
 * Mostly the default or a plausible value, sometimes a hostile one, so both outcomes are common; `absent` weighs the
 * default against the plausible value's 3 (optional features get more, so a case with many stays often valid).
 */
function mix<T>(plausible: fc.Arbitrary<T>, hostile: fc.Arbitrary<T>, absent: number = 3): fc.Arbitrary<T | undefined> {
  return fc.oneof({ arbitrary: fc.constant(undefined), weight: absent }, { arbitrary: plausible, weight: 3 }, { arbitrary: hostile, weight: 1 });
}

/** Names: plausible lowercase names of every length around the limits, or edge cases and arbitrary text. */
const name = mix(
  fc.oneof(fc.stringMatching(/^[a-z][a-z0-9-]{0,60}[a-z0-9]$/), fc.stringMatching(/^[a-z][a-z0-9]{0,7}$/)),
  fc.oneof(fc.constantFrom('Zk', '', '1zk', 'zk_1', 'zk.a', 'zk-', 'a'.repeat(52), 'a'.repeat(53), 'a'.repeat(63), 'a'.repeat(64)), fc.string({ maxLength: 70 })),
);
const namespace = mix(fc.stringMatching(/^[a-z][a-z0-9-]{0,61}[a-z0-9]$/), fc.constantFrom('Prod', 'a'.repeat(64), 'x_y', ''));
const port = mix(fc.integer({ min: 1, max: 65535 }), fc.oneof(fc.integer({ min: -2, max: 70000 }), fc.constantFrom(0, 65536, 1.5, NaN)));
const portName = mix(fc.stringMatching(/^[a-z][a-z0-9]{0,14}$/), fc.constantFrom('HTTP', 'a--b', '123', '-web', 'metrics-and-more'));
const whole = (min: number, max: number) => mix(fc.integer({ min, max }), fc.constantFrom(NaN, 2.5, min - 1, Infinity));
// cdk8s's Size refuses negative amounts itself, before any construct sees them.
const mebibytes = mix(fc.integer({ min: 1, max: 4096 }),
  fc.oneof(fc.constant(0), fc.double({ min: 0, max: 8192, noNaN: true }), fc.integer({ min: 4096, max: 65536 })));
const millicores = mix(fc.integer({ min: 1, max: 8000 }), fc.constantFrom(-100, 0.5, NaN));
const duration = mix(fc.integer({ min: 0, max: 600 }).map((seconds) => Duration.seconds(seconds)),
  fc.integer({ min: 1, max: 600_000 }).map((ms) => Duration.millis(ms)));
const path = mix(fc.stringMatching(/^\/var\/lib\/[a-z]{1,6}(\/[a-z]{1,6})?$/),
  fc.constantFrom('/', '/var', '/var/lib', '/etc', 'relative', '/var/lib/kubelet/x', '/data', '/a/../b', '/proc/x'));
const size = (amount: number | undefined) => (amount === undefined ? undefined : Size.mebibytes(amount));
const cpu = (millis: number | undefined) => (millis === undefined ? undefined : kplus.Cpu.millis(millis));
const amounts = fc.record({ cpuRequest: millicores, cpuLimit: millicores, memoryRequest: mebibytes, memoryLimit: mebibytes });
const resources = mix(amounts, fc.constant(undefined))
  .map((r) => r && ({
    cpu: { request: cpu(r.cpuRequest), limit: cpu(r.cpuLimit) },
    memory: { request: size(r.memoryRequest), limit: size(r.memoryLimit) },
  }));

/** One construct built from random props: the props (whose top-level names a rejection must mention) and how to build it. */
interface Case {
  readonly props: Record<string, unknown>;
  readonly namespace?: string;
  readonly build: (chart: Chart) => void;
}

/** Kafka listeners: an in-cluster first listener and up to two more (TLS, SASL, external), or hostile ones. */
const LISTENER_PORTS: Record<string, number> = { INTERNAL: 9094, CLIENT: 9092, EXTERNAL: 9095, REPLICATION: 9096 };
const kafkaListener = (names: string[], external: boolean) => fc.record({
  name: fc.constantFrom(...names),
  protocol: fc.constantFrom(KafkaSecurityProtocol.PLAINTEXT, KafkaSecurityProtocol.SSL, KafkaSecurityProtocol.SASL_SSL),
  external: external ? mix(fc.oneof(
    fc.integer({ min: 30000, max: 32767 }).map((basePort) => KafkaExternalAccess.nodePort({ basePort })),
    fc.constant(KafkaExternalAccess.loadBalancer({ advertisedHosts: ['a.example.com', 'b.example.com', '203.0.113.1'] })),
  ), fc.constant(KafkaExternalAccess.loadBalancer({ advertisedHosts: ['A B'] }))) : fc.constant(undefined),
}).map(({ name: listenerName, protocol, external: access }) => ({
  name: listenerName,
  port: LISTENER_PORTS[listenerName],
  protocol,
  external: access,
  tls: protocol === KafkaSecurityProtocol.PLAINTEXT ? undefined : KafkaTls.certManager({ issuerName: 'ca' }),
  // SCRAM is for clients only: the first (inter-broker) listener authenticates brokers with TLS.
  sasl: protocol === KafkaSecurityProtocol.SASL_SSL ? { mechanism: KafkaSaslMechanism.SCRAM_SHA_512 } : undefined,
}));
const kafkaListeners = mix<KafkaListener[]>(
  fc.tuple(
    kafkaListener(['INTERNAL', 'REPLICATION'], false).filter((listener) => listener.sasl === undefined),
    fc.uniqueArray(kafkaListener(['CLIENT', 'EXTERNAL'], true), { selector: (listener) => listener.name, maxLength: 2 }),
  ).map(([first, more]) => [first, ...more]),
  fc.array(fc.record({
    name: fc.constantFrom('client', 'X', 'CLIENTSSL', 'SASLX', 'A'.repeat(16), 'INTERNAL'),
    port: fc.constantFrom(0, 9093, 70000, 9094),
    protocol: fc.constantFrom(KafkaSecurityProtocol.SSL, KafkaSecurityProtocol.SASL_PLAINTEXT, 'TLS' as KafkaSecurityProtocol),
  }), { maxLength: 2 }),
  5);

const cases: Record<string, fc.Arbitrary<Case>> = {
  ZooKeeperEnsemble: fc.record({
    namespace,
    name,
    replicas: whole(1, 9),
    heap: mebibytes,
    tickTime: duration,
    initLimit: whole(1, 20),
    syncLimit: whole(1, 20),
    clusterDomain: mix(fc.constantFrom('cluster.local', 'example.org'), fc.constantFrom('', 'example.org.', 'Example')),
    resources,
    config: mix(
      fc.dictionary(fc.constantFrom('maxSessionTimeout', 'snapCount', 'maxClientCnxns', 'ssl.quorum.protocol'), fc.stringMatching(/^[0-9a-zA-Z.]{0,8}$/)),
      fc.dictionary(fc.constantFrom('tickTime', 'server.1', 'metricsProvider.httpPort', 'secureClientPort', 'a b', 'x=y', ''), fc.constantFrom('1', 'a\nb', 'C:\\x')), 9),
    metrics: mix(fc.record({ port }), fc.constantFrom({ port: 2181 }, { port: 3888 }), 9),
    env: mix(
      fc.dictionary(fc.constantFrom('LOG_LEVEL', 'SERVER_JVMFLAGS', 'a.b-c'), fc.string({ maxLength: 20 }).map((value) => kplus.EnvValue.fromValue(value))),
      fc.dictionary(fc.constantFrom('ZOO_TICK_TIME', 'HOSTNAME', 'ZOO_MY_ID', '1BAD', 'a=b', ''), fc.constant(kplus.EnvValue.fromValue('x'))), 9),
    volume: mix(
      fc.record({ name: fc.stringMatching(/^[a-z][a-z0-9-]{0,10}[a-z0-9]$/), mountPath: path.map((p) => p ?? '/extra') }),
      fc.record({ name: fc.constantFrom('conf', 'datadir', 'tmp', 'Bad', ''), mountPath: fc.constantFrom('/data', '/tmp/', 'x', '/a:b', '/zookeeper-conf') }), 9),
  }).map(({ namespace: ns, heap, volume, ...rest }) => {
    const extra = volume === undefined ? {} : {
      extraVolumes: [{ name: volume.name, emptyDir: {} }],
      extraVolumeMounts: [{ name: volume.name, mountPath: volume.mountPath }],
    };
    const props = { ...rest, ...extra, heap: size(heap) };
    return { props, namespace: ns, build: (chart: Chart) => new ZooKeeperEnsemble(chart, 'zk', props) };
  }),
  KafkaCluster: fc.record({
    namespace,
    name,
    replicas: fc.oneof(whole(1, 6), fc.constantFrom(1001, 1002, 40000)),
    zooKeeperMode: fc.boolean(),
    controllers: whole(1, 5),
    heap: mebibytes,
    terminationGracePeriod: duration,
    resources,
    image: mix(fc.constantFrom('apache/kafka:3.9.1', 'apache/kafka:4.1.0'), fc.constantFrom('apache/kafka', '', 'a b')),
    zooKeeperChroot: mix(fc.constantFrom('/kafka', '/a/b'), fc.constantFrom('kafka', '/a/', '//a')),
    staged: fc.boolean(),
    listeners: kafkaListeners,
    interBrokerListener: mix(fc.constantFrom('INTERNAL', 'REPLICATION'), fc.constantFrom('', 'internal', 'EXTERNAL'), 9),
    config: mix(
      fc.dictionary(fc.constantFrom('log.retention.hours', 'num.io.threads', 'auto.create.topics.enable'), fc.stringMatching(/^[0-9a-z.]{0,8}$/)),
      fc.dictionary(fc.constantFrom('min.insync.replicas', 'a.b.c', 'Log.Dirs', 'opts', ''), fc.constantFrom('1', 'a\nb', 'x=y')), 9),
    metrics: mix<KafkaMetrics>(fc.record({ port }), fc.constantFrom<KafkaMetrics>({ port: 9092 }, { agentJar: 'lib.jar' }), 9),
  }).map(({ namespace: ns, zooKeeperMode, heap, staged, ...rest }) => {
    const props = {
      ...rest,
      heap: size(heap),
      rollout: staged ? StatefulSetRollout.staged(PartitionPlan.canary()) : undefined,
    };
    return {
      props: { ...props, zooKeeper: zooKeeperMode },
      namespace: ns,
      build: (chart: Chart) => new KafkaCluster(chart, 'kafka', {
        ...props, zooKeeper: zooKeeperMode ? new ZooKeeperEnsemble(chart, 'zk', { name: 'coord' }) : undefined,
      }),
    };
  }),
  NodeExporter: fc.record({ namespace, name, port, scrapeService: fc.boolean(), terminationGracePeriod: duration })
    .map(({ namespace: ns, ...props }) => {
      return { props, namespace: ns, build: (chart: Chart) => new NodeExporter(chart, 'ne', props) };
    }),
  LogCollector: fc.record({ namespace, name, stateHostPath: path, runAsUser: fc.oneof(whole(0, 70000), fc.constant(2 ** 31)), resources })
    .map(({ namespace: ns, ...rest }) => {
      const props = { ...rest, image: 'fluent/fluentd:v1.17' };
      return { props, namespace: ns, build: (chart: Chart) => new LogCollector(chart, 'logs', props) };
    }),
  NodeAgent: fc.record({
    namespace,
    name: name.map((n) => n ?? 'agent'),
    image: mix(fc.constant('example/agent:1.0'), fc.constantFrom('', ' ')).map((i) => i ?? 'example/agent:1.0'),
    hostNetwork: fc.boolean(),
    ports: fc.array(fc.record({ number: port.map((p) => p ?? 9100), name: portName, hostPort: port }), { maxLength: 2 }),
    hostMounts: fc.array(fc.record({ hostPath: path.map((p) => p ?? '/var/log'), mountPath: path.map((p) => p ?? '/host'), readOnly: fc.boolean() }), { maxLength: 2 }),
    runAsUser: whole(0, 70000),
    terminationGracePeriod: duration,
  }).map(({ namespace: ns, ...props }) => {
    return { props, namespace: ns, build: (chart: Chart) => new NodeAgent(chart, 'agent', props) };
  }),
};

cases.HeadlessService = fc.record({
  namespace,
  name: name.map((n) => n ?? 'peers'),
  selector: mix<Record<string, string>>(fc.constant({ app: 'db' }), fc.constantFrom<Record<string, string>>({}, { app: 'a b' })).map((s) => s ?? { app: 'db' }),
  ports: fc.array(fc.record({ name: portName.map((n) => n ?? 'peer'), port: port.map((p) => p ?? 7000) }), { maxLength: 3 }),
  clusterDomain: mix(fc.constant('example.org'), fc.constantFrom('', 'a..b')),
}).map(({ namespace: ns, ...props }) => ({ props, namespace: ns, build: (chart: Chart) => new HeadlessService(chart, 'hs', props) }));

cases.DisruptionBudget = fc.record({
  namespace, name: name.map((n) => n ?? 'budget'), replicas: whole(1, 9).map((r) => r ?? 3), maxUnavailable: whole(0, 9), quorum: fc.boolean(),
}).map(({ namespace: ns, ...props }) => ({
  props, namespace: ns, build: (chart: Chart) => new DisruptionBudget(chart, 'pdb', { ...props, selector: { app: 'db' } }),
}));

type Outcome = 'rejected with a named prop' | 'accepted and valid' | 'accepted and invalid' | 'failed without naming a prop';

/** Builds and synthesizes one case, and classifies what happened. */
function outcome(testCase: Case): { outcome: Outcome; detail: string } {
  const chart = new Chart(Testing.app(), 'test', { namespace: testCase.namespace });
  let objects: Manifest[];
  try {
    testCase.build(chart);
    objects = Testing.synth(chart) as Manifest[];
  } catch (error) {
    const message = (error as Error).message;
    // A constructor throws a ValidationError; synth-time checks report "path: prop: value is not valid; ...".
    const props = [...Object.keys(testCase.props), 'namespace', 'rollout'];
    const named = (Errors.isValidationError(error) || message.startsWith('Validation failed'))
      && props.some((prop) => new RegExp(`: ${prop}(\\b|\\[|\\.)`).test(message));
    return { outcome: named ? 'rejected with a named prop' : 'failed without naming a prop', detail: message };
  }
  const problems = objects.flatMap((object) => apiServerProblems(object).map((problem) => `${object.kind}/${object.metadata.name}: ${problem}`));
  return problems.length === 0 ? { outcome: 'accepted and valid', detail: '' } : { outcome: 'accepted and invalid', detail: problems.join('\n') };
}

const counts: Record<string, Record<Outcome, number>> = {};

// Even replica counts draw a synth warning; these tests count outcomes, not warnings.
beforeAll(() => jest.spyOn(console, 'warn').mockImplementation(() => undefined));

afterAll(() => {
  if (process.env.PROPERTY_STATS) {
    console.log(JSON.stringify(counts, undefined, 2));
  }
});

describe.each(Object.keys(cases))('%s with random props', (construct) => {
  test('synthesizes valid objects or throws naming a prop', () => {
    const tally: Record<Outcome, number> = {
      'rejected with a named prop': 0, 'accepted and valid': 0, 'accepted and invalid': 0, 'failed without naming a prop': 0,
    };
    counts[construct] = tally;
    fc.assert(fc.property(cases[construct], (testCase) => {
      const result = outcome(testCase);
      tally[result.outcome] += 1;
      if (result.outcome === 'accepted and invalid' || result.outcome === 'failed without naming a prop') {
        throw new Error(`${result.outcome}:\n${result.detail}`);
      }
    }), { seed: 12, numRuns: RUNS });
    // Both halves of the property are exercised, not only rejections.
    expect(tally['accepted and valid']).toBeGreaterThan(0);
    expect(tally['rejected with a named prop']).toBeGreaterThan(0);
  });
});
