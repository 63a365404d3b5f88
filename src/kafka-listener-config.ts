// How KafkaCluster turns its listeners into the apache/kafka image's configuration: validated listeners, the
// per-listener `listener.name.<name>.*` properties (as KAFKA_* variables), the Secret volumes, and the start-up
// lines that write secret values (passwords, JAAS) to /mnt/shared/config/server.properties. The image appends its
// environment-derived properties to that file (docker/resources/common-scripts/configure), and secrets go there
// rather than into KAFKA_* variables because the image drops a variable whose value contains "=" (utility.go,
// ListToMap), which a password or a JAAS line may. Listener names avoid the image's own SSL and SASL set-up,
// which triggers on `SSL://` or `SASL_...://` in the advertised listeners and demands one global keystore.
import * as kplus from 'cdk8s-plus-28';
import { IConstruct } from 'constructs';
import { kafkaPropertyVariable } from './kafka-config';
import {
  CertManagerIssuerKind, KafkaExternalAccess, KafkaKeystoreType, KafkaListener, KafkaSaslMechanism, KafkaSecurityProtocol, KafkaTls,
  KafkaTlsClientAuth,
} from './kafka-listener';
import { requireAnnotations, requirePort, requireSecretKey, requireSubdomain } from './prop-validation';
import { ValidationError } from './validation-error';

/** A validated listener with everything derived from it. */
export interface ResolvedListener {
  readonly name: string;
  readonly port: number;
  /** Name of its container and Service port. */
  readonly portName: string;
  readonly protocol: KafkaSecurityProtocol;
  readonly tls?: KafkaTls;
  readonly clientAuth: KafkaTlsClientAuth;
  readonly sasl?: KafkaListener['sasl'];
  readonly external?: KafkaExternalAccess;
  /** The prop path of the listener, for messages. */
  readonly property: string;
}

/** The cluster's listeners. */
export interface ListenerSetup {
  readonly brokers: ResolvedListener[];
  readonly interBroker: ResolvedListener;
  /** The KRaft controller listener (undefined in ZooKeeper mode). */
  readonly controller?: ResolvedListener;
  /** Whether the user chose the listeners (otherwise the PLAINTEXT defaults, configured as before listeners existed). */
  readonly custom: boolean;
}

/** What the listeners (or the ZooKeeper client's TLS) add to a Kafka pod. */
export interface SecurityPodConfig {
  readonly env: Record<string, string>;
  /** Variables read from Secrets by the start-up lines (never KAFKA_*, so the image does not render them). */
  readonly secretEnv: kplus.k8s.EnvVar[];
  readonly volumes: kplus.k8s.Volume[];
  readonly mounts: kplus.k8s.VolumeMount[];
  /** Shell lines run before the image's entry point. */
  readonly startup: string[];
  /** Variables the start-up lines set, which a user's `env` must not name. */
  readonly scriptVariables: string[];
}

/** Where the start-up lines write secret properties; the image appends its KAFKA_* properties to this file. */
export const SHARED_CONFIG_DIR = '/mnt/shared/config';
const TLS_DIR = '/etc/kafka/tls';
const SASL_DIR = '/etc/kafka/sasl';
const CONFIG_DIR = '/opt/kafka/config';

/** Client-facing listener used when none are given: PLAINTEXT on `port` with the port name `client`. */
function defaultBrokerListener(port: number): ResolvedListener {
  return { name: 'PLAINTEXT', port, portName: 'client', protocol: KafkaSecurityProtocol.PLAINTEXT, clientAuth: KafkaTlsClientAuth.NONE, property: 'listeners' };
}

const DEFAULT_CONTROLLER: KafkaListener = { name: 'CONTROLLER', port: 9093 };

/** Validates the listener props and returns the cluster's listeners. */
export function resolveListeners(scope: IConstruct, input: {
  readonly listeners?: KafkaListener[];
  readonly interBrokerListener?: string;
  readonly controllerListener?: KafkaListener;
  readonly zooKeeperMode: boolean;
  readonly defaultClientPort: number;
  readonly brokers: number;
}): ListenerSetup {
  if (input.zooKeeperMode && input.controllerListener !== undefined) {
    throw new ValidationError(scope, 'controllerListener', input.controllerListener.name, 'a controller listener is a KRaft setting; drop it or drop zooKeeper');
  }
  if (input.listeners === undefined) {
    if (input.interBrokerListener !== undefined) {
      throw new ValidationError(scope, 'interBrokerListener', input.interBrokerListener, 'name one of `listeners`; set listeners first');
    }
  } else if (!Array.isArray(input.listeners) || input.listeners.length === 0) {
    throw new ValidationError(scope, 'listeners', input.listeners, 'list at least one listener, e.g. [{ name: "INTERNAL", port: 9092 }]');
  }
  const custom = input.listeners !== undefined;
  const brokers = custom
    ? input.listeners!.map((listener, index) => resolveListener(scope, `listeners[${index}]`, listener, input.brokers))
    : [defaultBrokerListener(input.defaultClientPort)];
  const controller = input.zooKeeperMode ? undefined
    : resolveListener(scope, 'controllerListener', input.controllerListener ?? DEFAULT_CONTROLLER, input.brokers, 'controller');
  if (controller?.external !== undefined) {
    throw new ValidationError(scope, 'controllerListener.external', controller.external.serviceType, 'only broker listeners are exposed outside the cluster; drop external');
  }
  const all = [...brokers, ...controller ? [controller] : []];
  for (const [index, listener] of all.entries()) {
    const clash = all.slice(0, index).find((other) => other.name === listener.name || other.port === listener.port);
    if (clash) {
      const what = clash.name === listener.name ? `name ${listener.name}` : `port ${listener.port}`;
      throw new ValidationError(scope, listener.property, listener.name, `the ${what} is already used by ${clash.property}; every listener needs its own name and port`);
    }
  }
  const interBrokerName = input.interBrokerListener ?? brokers[0].name;
  const interBroker = brokers.find((listener) => listener.name === interBrokerName);
  if (interBroker === undefined) {
    throw new ValidationError(scope, 'interBrokerListener', interBrokerName, `name one of the listeners: ${brokers.map((listener) => listener.name).join(', ')}`);
  }
  requireBrokerToBroker(scope, 'interBrokerListener', interBroker);
  if (controller) {
    requireBrokerToBroker(scope, 'controllerListener', controller);
  }
  requireDistinctNodePorts(scope, brokers, input.brokers);
  return { brokers, interBroker, controller, custom };
}

function resolveListener(scope: IConstruct, property: string, listener: KafkaListener, brokers: number, portName?: string): ResolvedListener {
  if (listener === null || typeof listener !== 'object') {
    throw new ValidationError(scope, property, listener, 'use a listener such as { name: "INTERNAL", port: 9092 }');
  }
  const name = listener.name;
  if (typeof name !== 'string' || !/^[A-Z][A-Z0-9]{1,14}$/.test(name)) {
    throw new ValidationError(scope, `${property}.name`, name,
      'use 2 to 15 upper-case letters and digits starting with a letter, e.g. "INTERNAL" (it also names the container port)');
  }
  if (name === 'METRICS') {
    throw new ValidationError(scope, `${property}.name`, name, 'the container port "metrics" is the JMX exporter\'s: pick another name');
  }
  if (name.endsWith('SSL') || name.includes('SASL')) {
    throw new ValidationError(scope, `${property}.name`, name,
      'the apache/kafka image runs its own single-keystore SSL/SASL set-up for listener names ending in SSL or containing SASL; use a name such as "CLIENT" or "EXTERNAL" (the protocol is set by `protocol`)');
  }
  requirePort(scope, `${property}.port`, listener.port);
  const protocol = listener.protocol ?? KafkaSecurityProtocol.PLAINTEXT;
  if (!Object.values(KafkaSecurityProtocol).includes(protocol)) {
    throw new ValidationError(scope, `${property}.protocol`, protocol, `use one of KafkaSecurityProtocol.${Object.keys(KafkaSecurityProtocol).join(', KafkaSecurityProtocol.')}`);
  }
  const usesTls = protocol === KafkaSecurityProtocol.SSL || protocol === KafkaSecurityProtocol.SASL_SSL;
  const usesSasl = protocol === KafkaSecurityProtocol.SASL_PLAINTEXT || protocol === KafkaSecurityProtocol.SASL_SSL;
  if (usesTls !== (listener.tls !== undefined)) {
    throw new ValidationError(scope, `${property}.tls`, listener.tls === undefined ? undefined : 'KafkaTls',
      usesTls ? `a ${protocol} listener needs TLS material: set tls, e.g. KafkaTls.pem({ secretName })` : `a ${protocol} listener does not use TLS: drop tls or use protocol SSL or SASL_SSL`);
  }
  const clientAuth = listener.clientAuth ?? KafkaTlsClientAuth.NONE;
  if (!Object.values(KafkaTlsClientAuth).includes(clientAuth) || (!usesTls && clientAuth !== KafkaTlsClientAuth.NONE)) {
    throw new ValidationError(scope, `${property}.clientAuth`, clientAuth, 'client certificates need a TLS listener (SSL or SASL_SSL); use KafkaTlsClientAuth.NONE, REQUESTED or REQUIRED');
  }
  if (usesSasl !== (listener.sasl !== undefined)) {
    throw new ValidationError(scope, `${property}.sasl`, listener.sasl?.mechanism,
      usesSasl ? `a ${protocol} listener needs sasl, e.g. { mechanism: KafkaSaslMechanism.SCRAM_SHA_512 }` : `a ${protocol} listener does not use SASL: drop sasl or use protocol SASL_PLAINTEXT or SASL_SSL`);
  }
  if (listener.tls) {
    requireTls(scope, `${property}.tls`, listener.tls, clientAuth);
  }
  if (listener.sasl) {
    requireSasl(scope, `${property}.sasl`, listener.sasl);
  }
  if (listener.external) {
    requireExternal(scope, `${property}.external`, listener.external, brokers);
  }
  return {
    name,
    port: listener.port,
    portName: portName ?? name.toLowerCase(),
    protocol,
    tls: listener.tls,
    clientAuth,
    sasl: listener.sasl,
    external: listener.external,
    property,
  };
}

function requireSecretName(scope: IConstruct, property: string, name: unknown): void {
  requireSubdomain(scope, property, name as string);
}

function requireTls(scope: IConstruct, property: string, tls: KafkaTls, clientAuth: KafkaTlsClientAuth): void {
  if (!(tls instanceof KafkaTls)) {
    throw new ValidationError(scope, property, tls, 'use KafkaTls.keystore(...), KafkaTls.pem(...) or KafkaTls.certManager(...)');
  }
  const keystore = tls.keystoreOptions;
  if (keystore) {
    requireSecretName(scope, `${property}.secretName`, keystore.secretName);
    requireSecretKey(scope, `${property}.keystoreKey`, keystore.keystoreKey ?? 'keystore.p12');
    if (keystore.truststoreKey !== undefined) {
      requireSecretKey(scope, `${property}.truststoreKey`, keystore.truststoreKey);
    } else if (clientAuth !== KafkaTlsClientAuth.NONE) {
      throw new ValidationError(scope, `${property}.truststoreKey`, undefined, 'client authentication verifies clients against a truststore: set truststoreKey');
    }
    if (keystore.type !== undefined && !Object.values(KafkaKeystoreType).includes(keystore.type)) {
      throw new ValidationError(scope, `${property}.type`, keystore.type, 'use KafkaKeystoreType.PKCS12 or KafkaKeystoreType.JKS');
    }
    requireSecretName(scope, `${property}.password.secretName`, keystore.password?.secretName);
    requireSecretKey(scope, `${property}.password.key`, keystore.password?.key);
  }
  const pem = tls.pemOptions;
  if (pem) {
    requireSecretName(scope, `${property}.secretName`, pem.secretName);
    for (const key of ['certificateKey', 'privateKeyKey', 'caKey'] as const) {
      if (pem[key] !== undefined) requireSecretKey(scope, `${property}.${key}`, pem[key]);
    }
  }
  const certManager = tls.certManagerOptions;
  if (certManager) {
    requireSecretName(scope, `${property}.issuerName`, certManager.issuerName);
    if (certManager.issuerKind !== undefined && !Object.values(CertManagerIssuerKind).includes(certManager.issuerKind)) {
      throw new ValidationError(scope, `${property}.issuerKind`, certManager.issuerKind, 'use CertManagerIssuerKind.ISSUER or CertManagerIssuerKind.CLUSTER_ISSUER');
    }
    if (certManager.secretName !== undefined) {
      requireSecretName(scope, `${property}.secretName`, certManager.secretName);
    }
    (certManager.extraDnsNames ?? []).forEach((name, index) => requireSubdomain(scope, `${property}.extraDnsNames[${index}]`, name));
  }
}

function requireSasl(scope: IConstruct, property: string, sasl: NonNullable<KafkaListener['sasl']>): void {
  if (!Object.values(KafkaSaslMechanism).includes(sasl.mechanism)) {
    throw new ValidationError(scope, `${property}.mechanism`, sasl.mechanism, 'use KafkaSaslMechanism.SCRAM_SHA_512 or KafkaSaslMechanism.PLAIN');
  }
  if (sasl.mechanism === KafkaSaslMechanism.PLAIN) {
    if (sasl.usersSecretName === undefined) {
      throw new ValidationError(scope, `${property}.usersSecretName`, undefined, 'PLAIN reads its users from a Secret (keys are user names, values passwords): set usersSecretName');
    }
    requireSecretName(scope, `${property}.usersSecretName`, sasl.usersSecretName);
  } else if (sasl.usersSecretName !== undefined || sasl.brokerUser !== undefined) {
    throw new ValidationError(scope, sasl.usersSecretName !== undefined ? `${property}.usersSecretName` : `${property}.brokerUser`,
      sasl.usersSecretName ?? sasl.brokerUser, 'SCRAM users live in the cluster metadata (kafka-configs.sh), not in a Secret: drop it');
  }
  if (sasl.brokerUser !== undefined && (typeof sasl.brokerUser !== 'string' || !/^[A-Za-z0-9_-]+$/.test(sasl.brokerUser))) {
    throw new ValidationError(scope, `${property}.brokerUser`, sasl.brokerUser, 'use a user name of letters, digits, "_" and "-" (a key of usersSecretName)');
  }
}

// The default node port range of the API server (--service-node-port-range).
const NODE_PORT_MIN = 30000;
const NODE_PORT_MAX = 32767;

function requireExternal(scope: IConstruct, property: string, external: KafkaExternalAccess, brokers: number): void {
  if (!(external instanceof KafkaExternalAccess)) {
    throw new ValidationError(scope, property, external, 'use KafkaExternalAccess.nodePort(...) or KafkaExternalAccess.loadBalancer(...)');
  }
  const nodePort = external.nodePortOptions;
  if (nodePort) {
    const base = nodePort.basePort;
    if (!Number.isInteger(base) || base < NODE_PORT_MIN || base + brokers - 1 > NODE_PORT_MAX) {
      throw new ValidationError(scope, `${property}.basePort`, base,
        `broker i gets node port basePort + i: use ${NODE_PORT_MIN} to ${NODE_PORT_MAX - brokers + 1} so all ${brokers} fit in the node port range ${NODE_PORT_MIN}-${NODE_PORT_MAX}`);
    }
    if (nodePort.advertisedHost !== undefined) {
      requireHost(scope, `${property}.advertisedHost`, nodePort.advertisedHost);
    }
  }
  const loadBalancer = external.loadBalancerOptions;
  if (loadBalancer) {
    const hosts = loadBalancer.advertisedHosts;
    if (!Array.isArray(hosts) || hosts.length !== brokers) {
      throw new ValidationError(scope, `${property}.advertisedHosts`, hosts, `give one address per broker: ${brokers} addresses, broker 0 first`);
    }
    hosts.forEach((host, index) => requireHost(scope, `${property}.advertisedHosts[${index}]`, host));
    requireAnnotations(scope, `${property}.annotations`, loadBalancer.annotations);
  }
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** Whether `host` is an IPv4 address (a certificate lists it as an IP address, not a DNS name). */
export function isIpv4(host: string): boolean {
  return IPV4.test(host);
}

function requireHost(scope: IConstruct, property: string, host: string): void {
  if (typeof host !== 'string' || !(isIpv4(host) || requireSubdomainQuietly(host))) {
    throw new ValidationError(scope, property, host, 'use a DNS name (lower case, e.g. "kafka-0.example.com") or an IPv4 address');
  }
}

function requireSubdomainQuietly(host: string): boolean {
  return /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(host) && host.length <= 253;
}

/** Brokers authenticate to each other over the inter-broker and controller listeners with what the pod holds. */
function requireBrokerToBroker(scope: IConstruct, property: string, listener: ResolvedListener): void {
  if (listener.external !== undefined) {
    throw new ValidationError(scope, property, listener.name,
      'brokers replicate over an in-cluster listener: name a listener without external (set interBrokerListener when the first listener is the external one)');
  }
  const keystore = listener.tls?.keystoreOptions;
  if (keystore && keystore.truststoreKey === undefined) {
    throw new ValidationError(scope, `${listener.property}.tls.truststoreKey`, undefined,
      `${property} ${listener.name}: brokers verify each other's certificates, so it needs a truststore: set truststoreKey`);
  }
  if (listener.sasl?.mechanism === KafkaSaslMechanism.SCRAM_SHA_512) {
    throw new ValidationError(scope, property, listener.name,
      'SCRAM credentials live in the cluster metadata, which brokers can only read once they are connected; use SSL (mTLS) or PLAIN between brokers and SCRAM for clients');
  }
  if (listener.sasl?.mechanism === KafkaSaslMechanism.PLAIN && listener.sasl.brokerUser === undefined) {
    throw new ValidationError(scope, `${listener.property}.sasl.brokerUser`, undefined,
      `${property} ${listener.name} uses PLAIN between brokers: set brokerUser to the user (a key of usersSecretName) the brokers log in as`);
  }
}

function requireDistinctNodePorts(scope: IConstruct, listeners: ResolvedListener[], brokers: number): void {
  const nodePortListeners = listeners.filter((listener) => listener.external?.nodePortOptions !== undefined);
  for (const [index, listener] of nodePortListeners.entries()) {
    const base = listener.external!.nodePortOptions!.basePort;
    const clash = nodePortListeners.slice(0, index).find((other) => Math.abs(other.external!.nodePortOptions!.basePort - base) < brokers);
    if (clash) {
      throw new ValidationError(scope, `${listener.property}.external.basePort`, base,
        `its node ports overlap those of ${clash.property} (${brokers} ports from each base): move it at least ${brokers} ports away`);
    }
  }
}

/** `NAME://:port,...` for `listeners`. */
export function bindAddresses(listeners: ResolvedListener[]): string {
  return listeners.map((listener) => `${listener.name}://:${listener.port}`).join(',');
}

/** `NAME:PROTOCOL,...` for `listener.security.protocol.map`. */
export function protocolMap(listeners: ResolvedListener[]): string {
  return listeners.map((listener) => `${listener.name}:${listener.protocol}`).join(',');
}

function listenerVariable(listener: ResolvedListener, property: string): string {
  return kafkaPropertyVariable(`listener.name.${listener.name.toLowerCase()}.${property}`);
}

/** The Secret name a cert-manager listener's Certificate writes. */
export function certManagerSecretName(clusterName: string, listener: ResolvedListener): string {
  return listener.tls?.certManagerOptions?.secretName ?? `${clusterName}-${listener.name.toLowerCase()}-tls`;
}

// Java properties treat "\" as an escape; JAAS option values are double-quoted strings with "\" escapes.
const PROPERTIES_ESCAPE = 'sed -e \'s/\\\\/\\\\\\\\/g\'';
const JAAS_ESCAPE = 'sed -e \'s/\\\\/\\\\\\\\/g\' -e \'s/"/\\\\"/g\'';

/** The start-up line that appends `property=<value of $variable, escaped>` to the shared server.properties. */
export function secretPropertyLine(property: string, valueExpression: string): string {
  return `printf '%s=%s\\n' '${property}' "$(printf '%s' "${valueExpression}" | ${PROPERTIES_ESCAPE})" >> ${SHARED_CONFIG_DIR}/server.properties`;
}

/** What every Kafka pod needs for the cluster's listeners: per-listener TLS and SASL settings. */
export function listenerPodConfig(setup: ListenerSetup, clusterName: string): SecurityPodConfig {
  const env: Record<string, string> = {};
  const secretEnv: kplus.k8s.EnvVar[] = [];
  const volumes: kplus.k8s.Volume[] = [];
  const mounts: kplus.k8s.VolumeMount[] = [];
  const startup: string[] = [];
  const scriptVariables: string[] = [];
  const listeners = [...setup.brokers, ...setup.controller ? [setup.controller] : []];
  for (const listener of listeners) {
    const lower = listener.name.toLowerCase();
    const prefix = `listener.name.${lower}`;
    if (listener.tls) {
      const dir = `${TLS_DIR}/${lower}`;
      const keystore = listener.tls.keystoreOptions;
      const pem = listener.tls.pemOptions;
      const secretName = keystore?.secretName ?? pem?.secretName ?? certManagerSecretName(clusterName, listener);
      volumes.push({ name: `tls-${lower}`, secret: { secretName } });
      mounts.push({ name: `tls-${lower}`, mountPath: dir, readOnly: true });
      if (keystore) {
        const type = keystore.type ?? KafkaKeystoreType.PKCS12;
        const passwordVariable = `LISTENER_${listener.name}_TLS_PASSWORD`;
        secretEnv.push({ name: passwordVariable, valueFrom: { secretKeyRef: { name: keystore.password.secretName, key: keystore.password.key } } });
        env[listenerVariable(listener, 'ssl.keystore.type')] = type;
        env[listenerVariable(listener, 'ssl.keystore.location')] = `${dir}/${keystore.keystoreKey ?? 'keystore.p12'}`;
        startup.push(secretPropertyLine(`${prefix}.ssl.keystore.password`, `$${passwordVariable}`));
        startup.push(secretPropertyLine(`${prefix}.ssl.key.password`, `$${passwordVariable}`));
        if (keystore.truststoreKey !== undefined) {
          env[listenerVariable(listener, 'ssl.truststore.type')] = type;
          env[listenerVariable(listener, 'ssl.truststore.location')] = `${dir}/${keystore.truststoreKey}`;
          startup.push(secretPropertyLine(`${prefix}.ssl.truststore.password`, `$${passwordVariable}`));
        }
      } else {
        // Kafka reads a PEM keystore as one file holding the key and its chain; cert-manager writes them apart.
        const keystoreFile = `${CONFIG_DIR}/${lower}-keystore.pem`;
        startup.push(`cat ${dir}/${pem?.privateKeyKey ?? 'tls.key'} ${dir}/${pem?.certificateKey ?? 'tls.crt'} > ${keystoreFile}`);
        env[listenerVariable(listener, 'ssl.keystore.type')] = 'PEM';
        env[listenerVariable(listener, 'ssl.keystore.location')] = keystoreFile;
        env[listenerVariable(listener, 'ssl.truststore.type')] = 'PEM';
        env[listenerVariable(listener, 'ssl.truststore.location')] = `${dir}/${pem?.caKey ?? 'ca.crt'}`;
      }
      if (listener.clientAuth !== KafkaTlsClientAuth.NONE) {
        env[listenerVariable(listener, 'ssl.client.auth')] = listener.clientAuth;
      }
    }
    const sasl = listener.sasl;
    if (sasl) {
      env[listenerVariable(listener, 'sasl.enabled.mechanisms')] = sasl.mechanism;
      const jaasProperty = `${prefix}.${sasl.mechanism.toLowerCase()}.sasl.jaas.config`;
      if (sasl.mechanism === KafkaSaslMechanism.SCRAM_SHA_512) {
        // The broker side of SCRAM reads the credentials from the metadata: its login module takes no options.
        env[kafkaPropertyVariable(jaasProperty)] = 'org.apache.kafka.common.security.scram.ScramLoginModule required;';
      } else {
        const dir = `${SASL_DIR}/${lower}`;
        volumes.push({ name: `sasl-${lower}`, secret: { secretName: sasl.usersSecretName! } });
        mounts.push({ name: `sasl-${lower}`, mountPath: dir, readOnly: true });
        const variable = `LISTENER_${listener.name}_JAAS`;
        scriptVariables.push(variable);
        const self = sasl.brokerUser === undefined ? ''
          : ` username=\\"${sasl.brokerUser}\\" password=\\"$(${JAAS_ESCAPE} < ${dir}/${sasl.brokerUser})\\"`;
        startup.push(`${variable}="org.apache.kafka.common.security.plain.PlainLoginModule required${self}"`);
        startup.push(`for user in ${dir}/*; do ${variable}="$${variable} user_$(basename "$user")=\\"$(${JAAS_ESCAPE} < "$user")\\""; done`);
        startup.push(secretPropertyLine(jaasProperty, `$${variable};`));
      }
    }
  }
  if (setup.interBroker.sasl) {
    env.KAFKA_SASL_MECHANISM_INTER_BROKER_PROTOCOL = setup.interBroker.sasl.mechanism;
  }
  if (setup.controller?.sasl) {
    env.KAFKA_SASL_MECHANISM_CONTROLLER_PROTOCOL = setup.controller.sasl.mechanism;
  }
  return { env, secretEnv, volumes, mounts, startup, scriptVariables };
}

/**
 * The pieces of several security settings in one, with the shared server.properties (an emptyDir, emptied at each
 * start so a restarted container does not append twice) when any start-up line writes to it.
 */
export function mergeSecurityConfigs(configs: SecurityPodConfig[]): SecurityPodConfig {
  const startup = configs.flatMap((config) => config.startup);
  const writesProperties = startup.some((line) => line.includes(SHARED_CONFIG_DIR));
  return {
    env: Object.assign({}, ...configs.map((config) => config.env)),
    secretEnv: configs.flatMap((config) => config.secretEnv),
    volumes: [...configs.flatMap((config) => config.volumes), ...writesProperties ? [{ name: 'shared-config', emptyDir: {} }] : []],
    mounts: [...configs.flatMap((config) => config.mounts), ...writesProperties ? [{ name: 'shared-config', mountPath: SHARED_CONFIG_DIR }] : []],
    startup: [...writesProperties ? [`: > ${SHARED_CONFIG_DIR}/server.properties`] : [], ...startup],
    scriptVariables: configs.flatMap((config) => config.scriptVariables),
  };
}

/**
 * The shell lines that set `KAFKA_ADVERTISED_LISTENERS` for a broker pod: every broker listener at the pod's
 * headless-Service name, or, for an external listener, at the address its own Service is reached at.
 */
export function advertisedListenersLines(listeners: ResolvedListener[], podDomain: string): string[] {
  const lines: string[] = [];
  const addresses = listeners.map((listener) => {
    const nodePort = listener.external?.nodePortOptions;
    const loadBalancer = listener.external?.loadBalancerOptions;
    if (nodePort) {
      const host = nodePort.advertisedHost ?? '${HOST_IP}';
      return `${listener.name}://${host}:$((${nodePort.basePort} + \${HOSTNAME##*-}))`;
    }
    if (loadBalancer) {
      const variable = `${listener.name}_HOST`;
      lines.push(`case \${HOSTNAME##*-} in ${loadBalancer.advertisedHosts.map((host, ordinal) => `${ordinal}) ${variable}=${host};;`).join(' ')} esac`);
      return `${listener.name}://\${${variable}}:${listener.port}`;
    }
    return `${listener.name}://\${HOSTNAME}.${podDomain}:${listener.port}`;
  });
  return [...lines, `export KAFKA_ADVERTISED_LISTENERS=${addresses.join(',')}`];
}

/** The variables the advertised-listener lines set (the load balancer hosts' case statement). */
export function advertisedListenersVariables(listeners: ResolvedListener[]): string[] {
  return [
    'KAFKA_ADVERTISED_LISTENERS',
    ...listeners.filter((listener) => listener.external?.loadBalancerOptions !== undefined).map((listener) => `${listener.name}_HOST`),
  ];
}

/** Whether a broker pod needs its node's IP (a NodePort listener advertising the node it runs on). */
export function needsHostIp(listeners: ResolvedListener[]): boolean {
  return listeners.some((listener) => {
    const nodePort = listener.external?.nodePortOptions;
    return nodePort !== undefined && nodePort.advertisedHost === undefined;
  });
}
