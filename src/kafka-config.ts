// Kafka `config` overrides as the official apache/kafka image takes them: one `KAFKA_*` environment variable per
// broker property. The image's `utility render-properties` (docker/resources/utility/utility.go, ConvertKey and
// buildProperties, with docker/resources/common-scripts/kafka-propertiesSpec.json) strips the `KAFKA_` prefix and
// maps a single `_` to `.`, `__` to `_` and `___` to `-`, lower-casing the rest; it reads the environment by splitting
// every `NAME=value` entry at each `=` and keeps only entries with exactly two parts, so a value containing `=`
// is silently dropped. Both facts are checked here, at synth time, instead of being discovered on a broker.
import { IConstruct } from 'constructs';
import { ValidationError } from './validation-error';

/** Variables the image reads as launcher or JVM settings and never turns into properties (kafka-propertiesSpec.json). */
const IMAGE_EXCLUDED_VARIABLES = [
  'KAFKA_VERSION', 'KAFKA_HEAP_OPT', 'KAFKA_LOG4J_OPTS', 'KAFKA_OPTS', 'KAFKA_JMX_OPTS', 'KAFKA_JVM_PERFORMANCE_OPTS',
  'KAFKA_GC_LOG_OPTS', 'KAFKA_LOG4J_ROOT_LOGLEVEL', 'KAFKA_LOG4J_LOGGERS', 'KAFKA_TOOLS_LOG4J_LOGLEVEL',
];

/**
 * The properties KafkaCluster sets itself, each with the prop that controls it. An override of one of them is an
 * error naming both, so there is one source of truth for every managed value.
 */
const MANAGED_PROPERTIES: Record<string, string> = {
  'log.dirs': 'storageSize (the data volume is mounted at /var/lib/kafka)',
  'heap.opts': 'heap',
  'default.replication.factor': 'replicationFactor',
  'min.insync.replicas': 'minInsyncReplicas',
  'offsets.topic.replication.factor': 'offsetsTopicReplicationFactor',
  'transaction.state.log.replication.factor': 'transactionStateLogReplicationFactor',
  'transaction.state.log.min.isr': 'minInsyncReplicas',
  'zookeeper.connect': 'zooKeeper',
  'broker.id': 'replicas (the id is the pod ordinal)',
  'node.id': 'replicas (the id is the pod ordinal)',
  'process.roles': 'controllers',
  'controller.quorum.voters': 'controllers',
  'controller.quorum.bootstrap.servers': 'controllers',
  'controller.listener.names': 'controllerListener',
  'sasl.mechanism.controller.protocol': 'controllerListener',
  'listeners': 'listeners',
  'advertised.listeners': 'listeners',
  'listener.security.protocol.map': 'listeners',
  'inter.broker.listener.name': 'interBrokerListener',
  'security.inter.broker.protocol': 'interBrokerListener',
  'sasl.mechanism.inter.broker.protocol': 'interBrokerListener',
};

/** Property prefixes KafkaCluster owns: per-listener settings come from the listener's `tls` and `sasl`. */
const MANAGED_PREFIXES: Record<string, string> = {
  'listener.name.': 'listeners (a listener\'s tls and sasl)',
  'zookeeper.ssl.': 'zooKeeperTls',
};

/** The environment variable the image turns into `property`. */
export function kafkaPropertyVariable(property: string): string {
  return `KAFKA_${property.toUpperCase().replace(/_/g, '__').replace(/-/g, '___').replace(/\./g, '_')}`;
}

/** The property the image makes of a `KAFKA_*` variable: a port of ConvertKey in the image's utility.go. */
export function imagePropertyOf(variable: string): string {
  const key = variable.slice('KAFKA_'.length);
  // Go's ReplaceAllStringFunc, like a global JavaScript replace, takes non-overlapping matches left to right.
  const singles = key.replace(/[^_]_[^_]/g, (match) => match.replace('_', '.'));
  return singles.split('___').join('-').split('__').join('_').toLowerCase();
}

/** Why `key` cannot be set through the image's environment convention, if it cannot. */
function keyProblem(key: string): string | undefined {
  if (!/^[a-z0-9][a-z0-9._-]*$/.test(key)) {
    return 'a broker property name is lower case: letters, digits, ".", "-" and "_", e.g. "log.retention.hours"';
  }
  const variable = kafkaPropertyVariable(key);
  const roundTrip = imagePropertyOf(variable);
  if (roundTrip !== key) {
    return `the image would read ${variable} as "${roundTrip}" (its env-to-property mapping cannot express one-character segments or runs of separators)`;
  }
  if (IMAGE_EXCLUDED_VARIABLES.includes(variable)) {
    return `the image reads ${variable} as a launcher setting, not a broker property`;
  }
  return undefined;
}

/**
 * The `KAFKA_*` environment of the user's `config` overrides, validated: property names the image can express,
 * no clash with a property the construct manages (the error names the prop to use instead), string values
 * without line breaks or `=`.
 */
export function kafkaConfigEnvironment(scope: IConstruct, config: Record<string, string> | undefined): Record<string, string> {
  if (config === undefined) {
    return {};
  }
  if (config === null || typeof config !== 'object' || Array.isArray(config)) {
    throw new ValidationError(scope, 'config', config, 'use a map of broker properties to values, e.g. { "log.retention.hours": "168" }');
  }
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(config)) {
    const property = `config[${JSON.stringify(key)}]`;
    const problem = keyProblem(key);
    if (problem !== undefined) {
      throw new ValidationError(scope, property, key, problem);
    }
    const managedBy = MANAGED_PROPERTIES[key] ?? Object.entries(MANAGED_PREFIXES).find(([prefix]) => key.startsWith(prefix))?.[1];
    if (managedBy !== undefined) {
      throw new ValidationError(scope, property, value, `KafkaCluster sets ${key} itself: use the prop ${managedBy} instead`);
    }
    if (typeof value !== 'string') {
      throw new ValidationError(scope, property, value, 'use a string, as in server.properties (e.g. "168", "true")');
    }
    if (/[\r\n]/.test(value)) {
      throw new ValidationError(scope, property, value, 'a broker property value is one line: remove the line breaks');
    }
    if (value.includes('=')) {
      throw new ValidationError(scope, property, value,
        'the apache/kafka image drops an environment value containing "=" (it splits NAME=value at every "="), so the broker would silently run without it');
    }
    env[kafkaPropertyVariable(key)] = value;
  }
  return env;
}
