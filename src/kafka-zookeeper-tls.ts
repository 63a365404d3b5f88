// Kafka's TLS to ZooKeeper (ZooKeeper mode, Kafka 3.5 to 3.9) as broker properties: Kafka's `zookeeper.ssl.*`
// (KIP-515) with the stores from one Secret. `zookeeper.clientCnxnSocket` is camel case, which the image's KAFKA_*
// convention cannot express (it lower-cases every name), so the start-up lines write it to server.properties with
// the passwords. Not part of the jsii API (KafkaZooKeeperTls in kafka-listener.ts is).
import { IConstruct } from 'constructs';
import { kafkaPropertyVariable } from './kafka-config';
import { KafkaKeystoreType, KafkaZooKeeperTls } from './kafka-listener';
import { secretPropertyLine, SecurityPodConfig, SHARED_CONFIG_DIR } from './kafka-listener-config';
import { requireSubdomain } from './prop-validation';
import { ValidationError } from './validation-error';

const DIR = '/etc/kafka/zookeeper-tls';
const PASSWORD_VARIABLE = 'ZOOKEEPER_TLS_PASSWORD';

function requireKey(scope: IConstruct, property: string, key: unknown): string {
  if (typeof key !== 'string' || !/^[-._a-zA-Z0-9]{1,253}$/.test(key) || key === '.' || key === '..') {
    throw new ValidationError(scope, property, key, 'a Secret key is letters, digits, "-", "_" and "." (e.g. "truststore.p12")');
  }
  return key;
}

/** Validates `zooKeeperTls` and returns what it adds to a broker pod. */
export function zooKeeperTlsPodConfig(scope: IConstruct, tls: KafkaZooKeeperTls): SecurityPodConfig {
  requireSubdomain(scope, 'zooKeeperTls.secretName', tls.secretName);
  const truststore = requireKey(scope, 'zooKeeperTls.truststoreKey', tls.truststoreKey ?? 'truststore.p12');
  const keystore = tls.keystoreKey === undefined ? undefined : requireKey(scope, 'zooKeeperTls.keystoreKey', tls.keystoreKey);
  const type = tls.type ?? KafkaKeystoreType.PKCS12;
  if (!Object.values(KafkaKeystoreType).includes(type)) {
    throw new ValidationError(scope, 'zooKeeperTls.type', type, 'use KafkaKeystoreType.PKCS12 or KafkaKeystoreType.JKS');
  }
  requireSubdomain(scope, 'zooKeeperTls.password.secretName', tls.password?.secretName);
  requireKey(scope, 'zooKeeperTls.password.key', tls.password?.key);
  const env: Record<string, string> = {
    [kafkaPropertyVariable('zookeeper.ssl.client.enable')]: 'true',
    [kafkaPropertyVariable('zookeeper.ssl.truststore.location')]: `${DIR}/${truststore}`,
    [kafkaPropertyVariable('zookeeper.ssl.truststore.type')]: type,
  };
  const startup = [
    `printf '%s=%s\\n' 'zookeeper.clientCnxnSocket' 'org.apache.zookeeper.ClientCnxnSocketNetty' >> ${SHARED_CONFIG_DIR}/server.properties`,
    secretPropertyLine('zookeeper.ssl.truststore.password', `$${PASSWORD_VARIABLE}`),
  ];
  if (keystore !== undefined) {
    env[kafkaPropertyVariable('zookeeper.ssl.keystore.location')] = `${DIR}/${keystore}`;
    env[kafkaPropertyVariable('zookeeper.ssl.keystore.type')] = type;
    startup.push(secretPropertyLine('zookeeper.ssl.keystore.password', `$${PASSWORD_VARIABLE}`));
  }
  return {
    env,
    secretEnv: [{ name: PASSWORD_VARIABLE, valueFrom: { secretKeyRef: { name: tls.password.secretName, key: tls.password.key } } }],
    volumes: [{ name: 'zookeeper-tls', secret: { secretName: tls.secretName } }],
    mounts: [{ name: 'zookeeper-tls', mountPath: DIR, readOnly: true }],
    startup,
    scriptVariables: [],
  };
}
