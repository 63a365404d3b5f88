import { find, Manifest, synthValid, testChart, thrownValidationError } from './manifest';
import { KafkaCluster } from '../../src/kafka-cluster';
import { imagePropertyOf, kafkaPropertyVariable } from '../../src/kafka-config';

function kafkaEnv(objects: Manifest[], name: string = 'kafka'): Record<string, string> {
  return Object.fromEntries(find(objects, 'StatefulSet', name).spec.template.spec.containers[0].env.map((e: Manifest) => [e.name, e.value]));
}

describe('the apache/kafka image\'s env-to-property convention', () => {
  test.each([
    ['log.retention.hours', 'KAFKA_LOG_RETENTION_HOURS'],
    ['num.network.threads', 'KAFKA_NUM_NETWORK_THREADS'],
    ['listener.name.client.scram-sha-512.sasl.jaas.config', 'KAFKA_LISTENER_NAME_CLIENT_SCRAM___SHA___512_SASL_JAAS_CONFIG'],
    ['confluent.metrics_reporter.topic', 'KAFKA_CONFLUENT_METRICS__REPORTER_TOPIC'],
  ])('%s <-> %s', (property, variable) => {
    expect(kafkaPropertyVariable(property)).toBe(variable);
    expect(imagePropertyOf(variable)).toBe(property);
  });

  test('ConvertKey takes non-overlapping matches: a one-character segment does not survive', () => {
    // utility.go's regexp [^_]_[^_] consumes the character after the first "_", so "B_C" is never seen.
    expect(imagePropertyOf('KAFKA_A_B_C')).toBe('a.b_c');
  });
});

describe('KafkaCluster config overrides', () => {
  test('each entry becomes a KAFKA_* variable on every node, after the managed ones', () => {
    const chart = testChart();
    new KafkaCluster(chart, 'kafka', {
      replicas: 3,
      controllers: 3,
      config: { 'log.retention.hours': '168', 'auto.create.topics.enable': 'false', 'unclean.leader.election.enable': 'true' },
    });
    const objects = synthValid(chart);
    for (const name of ['kafka', 'kafka-controller']) {
      expect(kafkaEnv(objects, name)).toMatchObject({ KAFKA_LOG_RETENTION_HOURS: '168', KAFKA_AUTO_CREATE_TOPICS_ENABLE: 'false' });
    }
    // A default the construct chooses without a prop may be overridden, and appears once.
    const env = find(objects, 'StatefulSet', 'kafka').spec.template.spec.containers[0].env as Manifest[];
    expect(env.filter((e) => e.name === 'KAFKA_UNCLEAN_LEADER_ELECTION_ENABLE')).toEqual([{ name: 'KAFKA_UNCLEAN_LEADER_ELECTION_ENABLE', value: 'true' }]);
  });

  test('without config the environment is unchanged', () => {
    const chart = testChart();
    new KafkaCluster(chart, 'kafka', { replicas: 3 });
    expect(Object.keys(kafkaEnv(synthValid(chart))).filter((name) => name.startsWith('KAFKA_LOG_RETENTION'))).toEqual([]);
  });

  test.each<[Record<string, any>, string, string, string]>([
    [{ 'min.insync.replicas': '1' }, 'config["min.insync.replicas"]', '"1"', 'KafkaCluster sets min.insync.replicas itself: use the prop minInsyncReplicas instead'],
    [{ 'default.replication.factor': '2' }, 'config["default.replication.factor"]', '"2"', 'use the prop replicationFactor instead'],
    [{ 'advertised.listeners': 'X://h:1' }, 'config["advertised.listeners"]', '"X://h:1"', 'use the prop listeners instead'],
    [{ 'listener.name.client.ssl.keystore.location': '/x' }, 'config["listener.name.client.ssl.keystore.location"]', '"/x"', 'use the prop listeners (a listener\'s tls and sasl) instead'],
    [{ 'heap.opts': '-Xmx1g' }, 'config["heap.opts"]', '"-Xmx1g"', 'use the prop heap instead'],
    [{ opts: '-Dx' }, 'config["opts"]', '"opts"', 'the image reads KAFKA_OPTS as a launcher setting, not a broker property'],
    [{ 'Log.Retention.Hours': '1' }, 'config["Log.Retention.Hours"]', '"Log.Retention.Hours"', 'a broker property name is lower case'],
    [{ 'a.b.c': '1' }, 'config["a.b.c"]', '"a.b.c"', 'the image would read KAFKA_A_B_C as "a.b_c"'],
    [{ 'log.retention.hours': 168 }, 'config["log.retention.hours"]', '168', 'use a string, as in server.properties'],
    [{ 'log.retention.hours': '1\n2' }, 'config["log.retention.hours"]', '"1\\n2"', 'a broker property value is one line'],
    [{ 'ssl.principal.mapping.rules': 'RULE:^CN=(.*)$/$1/' }, 'config["ssl.principal.mapping.rules"]', '"RULE:^CN=(.*)$/$1/"', 'drops an environment value containing "="'],
  ])('%j is rejected', (config, property, value, fix) => {
    const error = thrownValidationError(() => new KafkaCluster(testChart(), 'kafka', { config }));
    expect(error.path).toBe('test/kafka');
    expect(error.property).toBe(property);
    expect(error.value).toBe(value);
    expect(error.fix).toContain(fix);
  });
});
