import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as kplus from 'cdk8s-plus-28';
import { find, Manifest, synthValid, testChart, thrownValidationError } from './manifest';
import { KafkaCluster, KafkaClusterProps } from '../../src/kafka-cluster';
import { imagePropertyOf } from '../../src/kafka-config';
import {
  CertManagerIssuerKind, KafkaExternalAccess, KafkaKeystoreType, KafkaSaslMechanism, KafkaSecurityProtocol, KafkaTls, KafkaTlsClientAuth,
} from '../../src/kafka-listener';
import { ZooKeeperEnsemble } from '../../src/zookeeper-ensemble';

function container(sts: Manifest): Manifest {
  return sts.spec.template.spec.containers[0];
}

function plainEnv(sts: Manifest): Record<string, string> {
  return Object.fromEntries(container(sts).env.filter((e: Manifest) => e.value !== undefined).map((e: Manifest) => [e.name, e.value]));
}

function command(sts: Manifest): string {
  return container(sts).command[2];
}

const TLS_AND_SCRAM: KafkaClusterProps = {
  replicas: 3,
  listeners: [
    { name: 'INTERNAL', port: 9094, protocol: KafkaSecurityProtocol.SSL, tls: KafkaTls.certManager({ issuerName: 'kafka-ca' }), clientAuth: KafkaTlsClientAuth.REQUIRED },
    { name: 'CLIENT', port: 9092, protocol: KafkaSecurityProtocol.SASL_SSL, tls: KafkaTls.pem({ secretName: 'kafka-client-tls' }), sasl: { mechanism: KafkaSaslMechanism.SCRAM_SHA_512 } },
  ],
  interBrokerListener: 'INTERNAL',
};

describe('KafkaCluster listeners', () => {
  test('TLS between brokers and SCRAM over TLS for clients, in KRaft mode', () => {
    const chart = testChart('streaming');
    const kafka = new KafkaCluster(chart, 'kafka', TLS_AND_SCRAM);
    const objects = synthValid(chart);
    const sts = find(objects, 'StatefulSet', 'kafka');
    expect(plainEnv(sts)).toMatchObject({
      KAFKA_LISTENERS: 'INTERNAL://:9094,CLIENT://:9092,CONTROLLER://:9093',
      KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: 'CONTROLLER:PLAINTEXT,INTERNAL:SSL,CLIENT:SASL_SSL',
      KAFKA_INTER_BROKER_LISTENER_NAME: 'INTERNAL',
      KAFKA_CONTROLLER_LISTENER_NAMES: 'CONTROLLER',
      KAFKA_LISTENER_NAME_INTERNAL_SSL_KEYSTORE_TYPE: 'PEM',
      KAFKA_LISTENER_NAME_INTERNAL_SSL_KEYSTORE_LOCATION: '/opt/kafka/config/internal-keystore.pem',
      KAFKA_LISTENER_NAME_INTERNAL_SSL_TRUSTSTORE_TYPE: 'PEM',
      KAFKA_LISTENER_NAME_INTERNAL_SSL_TRUSTSTORE_LOCATION: '/etc/kafka/tls/internal/ca.crt',
      KAFKA_LISTENER_NAME_INTERNAL_SSL_CLIENT_AUTH: 'required',
      KAFKA_LISTENER_NAME_CLIENT_SSL_TRUSTSTORE_LOCATION: '/etc/kafka/tls/client/ca.crt',
      KAFKA_LISTENER_NAME_CLIENT_SASL_ENABLED_MECHANISMS: 'SCRAM-SHA-512',
      KAFKA_LISTENER_NAME_CLIENT_SCRAM___SHA___512_SASL_JAAS_CONFIG: 'org.apache.kafka.common.security.scram.ScramLoginModule required;',
    });
    // The image turns every KAFKA_* variable into the property the construct meant.
    expect(imagePropertyOf('KAFKA_LISTENER_NAME_CLIENT_SCRAM___SHA___512_SASL_JAAS_CONFIG')).toBe('listener.name.client.scram-sha-512.sasl.jaas.config');
    for (const name of Object.keys(plainEnv(sts)).filter((variable) => variable.startsWith('KAFKA_LISTENER_NAME_'))) {
      expect(imagePropertyOf(name)).toMatch(/^listener\.name\.(internal|client)\.[a-z0-9.-]+$/);
    }
    expect(command(sts)).toContain('cat /etc/kafka/tls/internal/tls.key /etc/kafka/tls/internal/tls.crt > /opt/kafka/config/internal-keystore.pem');
    expect(command(sts)).toContain('export KAFKA_ADVERTISED_LISTENERS=INTERNAL://${HOSTNAME}.kafka-hs.streaming.svc.cluster.local:9094,CLIENT://${HOSTNAME}.kafka-hs.streaming.svc.cluster.local:9092');
    expect(command(sts)).not.toContain('/mnt/shared/config');
    expect(sts.spec.template.spec.volumes).toEqual(expect.arrayContaining([
      { name: 'tls-internal', secret: { secretName: 'kafka-internal-tls' } },
      { name: 'tls-client', secret: { secretName: 'kafka-client-tls' } },
    ]));
    expect(container(sts).volumeMounts).toEqual(expect.arrayContaining([{ name: 'tls-internal', mountPath: '/etc/kafka/tls/internal', readOnly: true }]));
    expect(container(sts).ports).toEqual([
      { name: 'internal', containerPort: 9094 }, { name: 'client', containerPort: 9092 }, { name: 'controller', containerPort: 9093 },
    ]);
    expect(container(sts).readinessProbe.tcpSocket).toEqual({ port: 'internal' });
    expect(container(sts).securityContext).toMatchObject({ readOnlyRootFilesystem: true, runAsNonRoot: true });
    expect(kafka.clientPort).toBe(9094);
    expect(kafka.bootstrapServers).toBe([0, 1, 2].map((i) => `kafka-${i}.kafka-hs.streaming.svc.cluster.local:9094`).join(','));

    const certificate = find(objects, 'Certificate', 'kafka-internal-tls');
    expect(certificate.metadata.namespace).toBe('streaming');
    expect(certificate.spec).toEqual({
      secretName: 'kafka-internal-tls',
      issuerRef: { name: 'kafka-ca', kind: 'Issuer', group: 'cert-manager.io' },
      dnsNames: ['kafka-hs.streaming.svc.cluster.local', ...[0, 1, 2].map((i) => `kafka-${i}.kafka-hs.streaming.svc.cluster.local`)],
      privateKey: { algorithm: 'RSA', size: 2048, encoding: 'PKCS8', rotationPolicy: 'Always' },
      usages: ['digital signature', 'key encipherment', 'server auth', 'client auth'],
    });
    expect(objects.filter((object) => object.kind === 'Certificate')).toHaveLength(1);
  });

  test('keystores and PLAIN between brokers: passwords and JAAS reach server.properties from Secrets, never the manifest', () => {
    const chart = testChart();
    new KafkaCluster(chart, 'kafka', {
      replicas: 3,
      controllers: 3,
      listeners: [{
        name: 'REPLICATION',
        port: 9094,
        protocol: KafkaSecurityProtocol.SASL_SSL,
        tls: KafkaTls.keystore({ secretName: 'stores', truststoreKey: 'truststore.jks', keystoreKey: 'keystore.jks', type: KafkaKeystoreType.JKS, password: { secretName: 'stores', key: 'password' } }),
        sasl: { mechanism: KafkaSaslMechanism.PLAIN, usersSecretName: 'kafka-users', brokerUser: 'broker' },
      }],
    });
    const objects = synthValid(chart);
    for (const name of ['kafka', 'kafka-controller']) {
      const sts = find(objects, 'StatefulSet', name);
      expect(container(sts).env).toContainEqual({ name: 'LISTENER_REPLICATION_TLS_PASSWORD', valueFrom: { secretKeyRef: { name: 'stores', key: 'password' } } });
      expect(plainEnv(sts)).toMatchObject({
        KAFKA_LISTENER_NAME_REPLICATION_SSL_KEYSTORE_TYPE: 'JKS',
        KAFKA_LISTENER_NAME_REPLICATION_SSL_KEYSTORE_LOCATION: '/etc/kafka/tls/replication/keystore.jks',
        KAFKA_LISTENER_NAME_REPLICATION_SSL_TRUSTSTORE_LOCATION: '/etc/kafka/tls/replication/truststore.jks',
        KAFKA_LISTENER_NAME_REPLICATION_SASL_ENABLED_MECHANISMS: 'PLAIN',
      });
      const script = command(sts);
      expect(script).toContain(': > /mnt/shared/config/server.properties');
      expect(script).toContain('printf \'%s=%s\\n\' \'listener.name.replication.ssl.keystore.password\' "$(printf \'%s\' "$LISTENER_REPLICATION_TLS_PASSWORD" | sed -e \'s/\\\\/\\\\\\\\/g\')" >> /mnt/shared/config/server.properties');
      expect(script).toContain('LISTENER_REPLICATION_JAAS="org.apache.kafka.common.security.plain.PlainLoginModule required username=\\"broker\\" password=\\"$(sed');
      expect(script).toContain('for user in /etc/kafka/sasl/replication/*; do');
      expect(script).toContain('\'listener.name.replication.plain.sasl.jaas.config\'');
      expect(script.indexOf('exec /etc/kafka/docker/run')).toBeGreaterThan(script.indexOf('sasl.jaas.config'));
      expect(sts.spec.template.spec.volumes).toEqual(expect.arrayContaining([
        { name: 'sasl-replication', secret: { secretName: 'kafka-users' } },
        { name: 'shared-config', emptyDir: {} },
      ]));
      expect(JSON.stringify(sts)).not.toMatch(/password=\\"[^$]/);
    }
    expect(plainEnv(find(objects, 'StatefulSet', 'kafka'))).toMatchObject({
      KAFKA_SASL_MECHANISM_INTER_BROKER_PROTOCOL: 'PLAIN', KAFKA_INTER_BROKER_LISTENER_NAME: 'REPLICATION',
    });
    expect(plainEnv(find(objects, 'StatefulSet', 'kafka-controller')).KAFKA_LISTENERS).toBe('CONTROLLER://:9093');
  });

  test('a TLS controller listener in KRaft mode', () => {
    const chart = testChart();
    const kafka = new KafkaCluster(chart, 'kafka', {
      replicas: 3,
      controllers: 3,
      controllerListener: { name: 'QUORUM', port: 9095, protocol: KafkaSecurityProtocol.SSL, tls: KafkaTls.certManager({ issuerName: 'ca', issuerKind: CertManagerIssuerKind.CLUSTER_ISSUER }) },
    });
    const objects = synthValid(chart);
    expect(kafka.quorumVoters).toBe([0, 1, 2].map((i) => `${i}@kafka-controller-${i}.kafka-controller-hs.default.svc.cluster.local:9095`).join(','));
    expect(plainEnv(find(objects, 'StatefulSet', 'kafka-controller'))).toMatchObject({
      KAFKA_LISTENERS: 'QUORUM://:9095', KAFKA_CONTROLLER_LISTENER_NAMES: 'QUORUM', KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: 'QUORUM:SSL,PLAINTEXT:PLAINTEXT',
    });
    // Brokers connect to the quorum, so they hold its trust settings too.
    expect(plainEnv(find(objects, 'StatefulSet', 'kafka')).KAFKA_LISTENER_NAME_QUORUM_SSL_TRUSTSTORE_LOCATION).toBe('/etc/kafka/tls/quorum/ca.crt');
    const certificate = find(objects, 'Certificate', 'kafka-quorum-tls');
    expect(certificate.spec.issuerRef.kind).toBe('ClusterIssuer');
    expect(certificate.spec.dnsNames).toContain('kafka-controller-2.kafka-controller-hs.default.svc.cluster.local');
  });

  test('ZooKeeper mode with listeners sets the protocol map and inter-broker listener', () => {
    const chart = testChart();
    const zk = new ZooKeeperEnsemble(chart, 'zk');
    new KafkaCluster(chart, 'kafka', { zooKeeper: zk, listeners: [{ name: 'CLIENT', port: 9092 }, { name: 'INTERNAL', port: 9093 }], interBrokerListener: 'INTERNAL' });
    expect(plainEnv(find(synthValid(chart), 'StatefulSet', 'kafka'))).toMatchObject({
      KAFKA_LISTENERS: 'CLIENT://:9092,INTERNAL://:9093', KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: 'CLIENT:PLAINTEXT,INTERNAL:PLAINTEXT', KAFKA_INTER_BROKER_LISTENER_NAME: 'INTERNAL',
    });
  });
});

describe('KafkaCluster external access', () => {
  test('NodePort: a Service per broker on basePort + ordinal, advertising the node\'s IP', () => {
    const chart = testChart();
    const kafka = new KafkaCluster(chart, 'kafka', {
      replicas: 3,
      listeners: [{ name: 'INTERNAL', port: 9092 }, { name: 'EXTERNAL', port: 9094, external: KafkaExternalAccess.nodePort({ basePort: 31090 }) }],
    });
    const objects = synthValid(chart);
    for (const ordinal of [0, 1, 2]) {
      const service = find(objects, 'Service', `kafka-${ordinal}-external`);
      expect(service.spec).toEqual({
        type: 'NodePort',
        selector: {
          'app.kubernetes.io/name': 'kafka',
          'app.kubernetes.io/instance': 'kafka',
          'app.kubernetes.io/component': 'broker',
          'statefulset.kubernetes.io/pod-name': `kafka-${ordinal}`,
        },
        ports: [{ name: 'external', port: 9094, targetPort: 9094, nodePort: 31090 + ordinal }],
      });
    }
    const sts = find(objects, 'StatefulSet', 'kafka');
    expect(container(sts).env).toContainEqual({ name: 'HOST_IP', valueFrom: { fieldRef: { fieldPath: 'status.hostIP' } } });
    expect(command(sts)).toContain('EXTERNAL://${HOST_IP}:$((31090 + ${HOSTNAME##*-}))');
    expect(kafka.clientPort).toBe(9092);
  });

  test('LoadBalancer: the given address per broker, in the certificate too', () => {
    const chart = testChart();
    new KafkaCluster(chart, 'kafka', {
      replicas: 2,
      listeners: [
        { name: 'INTERNAL', port: 9092 },
        {
          name: 'EXTERNAL',
          port: 9094,
          protocol: KafkaSecurityProtocol.SSL,
          tls: KafkaTls.certManager({ issuerName: 'public' }),
          external: KafkaExternalAccess.loadBalancer({ advertisedHosts: ['b0.kafka.example.com', '203.0.113.7'], annotations: { 'service.beta.kubernetes.io/aws-load-balancer-type': 'nlb' } }),
        },
      ],
    });
    const objects = synthValid(chart);
    const service = find(objects, 'Service', 'kafka-1-external');
    expect(service.spec.type).toBe('LoadBalancer');
    expect(service.metadata.annotations).toEqual({ 'service.beta.kubernetes.io/aws-load-balancer-type': 'nlb' });
    expect(service.spec.ports[0].nodePort).toBeUndefined();
    const script = command(find(objects, 'StatefulSet', 'kafka'));
    expect(script).toContain('case ${HOSTNAME##*-} in 0) EXTERNAL_HOST=b0.kafka.example.com;; 1) EXTERNAL_HOST=203.0.113.7;; esac');
    expect(script).toContain('EXTERNAL://${EXTERNAL_HOST}:9094');
    const certificate = find(objects, 'Certificate', 'kafka-external-tls');
    expect(certificate.spec.dnsNames).toContain('b0.kafka.example.com');
    expect(certificate.spec.ipAddresses).toEqual(['203.0.113.7']);
  });
});

describe('KafkaCluster listener validation', () => {
  const pemTls = KafkaTls.pem({ secretName: 'tls' });
  test.each<[string, KafkaClusterProps, string, unknown, string]>([
    ['a lower-case name', { listeners: [{ name: 'client', port: 9092 }] }, 'listeners[0].name', '"client"', 'use 2 to 15 upper-case letters'],
    ['a name the image treats as its SSL set-up', { listeners: [{ name: 'CLIENTSSL', port: 9092, protocol: KafkaSecurityProtocol.SSL, tls: pemTls }] }, 'listeners[0].name', '"CLIENTSSL"', 'single-keystore SSL/SASL set-up'],
    ['the exporter\'s port name', { listeners: [{ name: 'METRICS', port: 9092 }] }, 'listeners[0].name', '"METRICS"', 'the container port "metrics" is the JMX exporter\'s'],
    ['a duplicate port', { listeners: [{ name: 'CLIENT', port: 9093 }] }, 'controllerListener', '"CONTROLLER"', 'the port 9093 is already used by listeners[0]'],
    ['SSL without tls', { listeners: [{ name: 'CLIENT', port: 9092, protocol: KafkaSecurityProtocol.SSL }] }, 'listeners[0].tls', 'undefined', 'a SSL listener needs TLS material'],
    ['SASL without sasl', { listeners: [{ name: 'CLIENT', port: 9092, protocol: KafkaSecurityProtocol.SASL_PLAINTEXT }] }, 'listeners[0].sasl', 'undefined', 'needs sasl'],
    ['client auth without TLS', { listeners: [{ name: 'CLIENT', port: 9092, clientAuth: KafkaTlsClientAuth.REQUIRED }] }, 'listeners[0].clientAuth', '"required"', 'client certificates need a TLS listener'],
    ['an unknown inter-broker listener', { listeners: [{ name: 'CLIENT', port: 9092 }], interBrokerListener: 'INTERNAL' }, 'interBrokerListener', '"INTERNAL"', 'name one of the listeners: CLIENT'],
    ['SCRAM between brokers', { listeners: [{ name: 'CLIENT', port: 9092, protocol: KafkaSecurityProtocol.SASL_SSL, tls: pemTls, sasl: { mechanism: KafkaSaslMechanism.SCRAM_SHA_512 } }] },
      'interBrokerListener', '"CLIENT"', 'use SSL (mTLS) or PLAIN between brokers and SCRAM for clients'],
    ['PLAIN between brokers without a broker user', { listeners: [{ name: 'CLIENT', port: 9092, protocol: KafkaSecurityProtocol.SASL_SSL, tls: pemTls, sasl: { mechanism: KafkaSaslMechanism.PLAIN, usersSecretName: 'users' } }] },
      'listeners[0].sasl.brokerUser', 'undefined', 'set brokerUser'],
    ['a keystore without truststore between brokers', { listeners: [{ name: 'CLIENT', port: 9092, protocol: KafkaSecurityProtocol.SSL, tls: KafkaTls.keystore({ secretName: 's', password: { secretName: 's', key: 'p' } }) }] },
      'listeners[0].tls.truststoreKey', 'undefined', 'brokers verify each other\'s certificates'],
    ['a node port outside the range', { replicas: 3, listeners: [{ name: 'INTERNAL', port: 9092 }, { name: 'EXTERNAL', port: 9094, external: KafkaExternalAccess.nodePort({ basePort: 32766 }) }] },
      'listeners[1].external.basePort', '32766', 'use 30000 to 32765 so all 3 fit in the node port range 30000-32767'],
    ['overlapping node ports', {
      replicas: 3,
      listeners: [{ name: 'INTERNAL', port: 9092 }, { name: 'EXTA', port: 9094, external: KafkaExternalAccess.nodePort({ basePort: 31000 }) }, { name: 'EXTB', port: 9095, external: KafkaExternalAccess.nodePort({ basePort: 31002 }) }],
    }, 'listeners[2].external.basePort', '31002', 'its node ports overlap those of listeners[1]'],
    ['too few advertised hosts', { replicas: 3, listeners: [{ name: 'INTERNAL', port: 9092 }, { name: 'EXTERNAL', port: 9094, external: KafkaExternalAccess.loadBalancer({ advertisedHosts: ['a.example.com'] }) }] },
      'listeners[1].external.advertisedHosts', '["a.example.com"]', 'give one address per broker: 3 addresses'],
    ['an advertised host with a space', { replicas: 1, listeners: [{ name: 'INTERNAL', port: 9092 }, { name: 'EXTERNAL', port: 9094, external: KafkaExternalAccess.loadBalancer({ advertisedHosts: ['a b'] }) }] },
      'listeners[1].external.advertisedHosts[0]', '"a b"', 'use a DNS name'],
    ['an invalid issuer kind', { listeners: [{ name: 'CLIENT', port: 9092, protocol: KafkaSecurityProtocol.SSL, tls: KafkaTls.certManager({ issuerName: 'ca', issuerKind: 'Vault' as CertManagerIssuerKind }) }] },
      'listeners[0].tls.issuerKind', '"Vault"', 'use CertManagerIssuerKind.ISSUER or CertManagerIssuerKind.CLUSTER_ISSUER'],
    ['an empty list', { listeners: [] }, 'listeners', '[]', 'list at least one listener'],
    ['an external inter-broker listener', { replicas: 1, listeners: [{ name: 'EXTERNAL', port: 9094, external: KafkaExternalAccess.nodePort({ basePort: 31000 }) }] },
      'interBrokerListener', '"EXTERNAL"', 'brokers replicate over an in-cluster listener'],
  ])('rejects %s', (_, props, property, value, fix) => {
    const error = thrownValidationError(() => new KafkaCluster(testChart(), 'kafka', props));
    expect(error.path).toBe('test/kafka');
    expect(error.property).toBe(property);
    expect(error.value).toBe(value);
    expect(error.fix).toContain(fix);
  });

  test('a controller listener in ZooKeeper mode', () => {
    const chart = testChart();
    const zk = new ZooKeeperEnsemble(chart, 'zk');
    const error = thrownValidationError(() => new KafkaCluster(chart, 'kafka', { zooKeeper: zk, controllerListener: { name: 'CONTROLLER', port: 9093 } }));
    expect(error.property).toBe('controllerListener');
  });
});

describe('the start-up lines, run by sh', () => {
  // The script's absolute paths are moved into a temporary directory; the image's entry point is replaced by `true`.
  function runStartup(script: string, root: string, env: Record<string, string>): string {
    const relocated = script
      .split('/mnt/shared/config').join(`${root}/shared`)
      .split('/etc/kafka/').join(`${root}/etc/`)
      .split('/opt/kafka/config').join(`${root}/config`)
      .replace('exec /etc/kafka/docker/run', 'true')
      .replace(`exec ${root}/etc/docker/run`, 'true');
    execFileSync('sh', ['-c', relocated], { env: { PATH: process.env.PATH, HOSTNAME: 'kafka-1', ...env } });
    return fs.readFileSync(`${root}/shared/server.properties`, 'utf8');
  }

  test('passwords with quotes, backslashes and "=" reach server.properties escaped for Java properties and JAAS', () => {
    const chart = testChart();
    new KafkaCluster(chart, 'kafka', {
      replicas: 3,
      listeners: [{
        name: 'REPLICATION',
        port: 9094,
        protocol: KafkaSecurityProtocol.SASL_SSL,
        tls: KafkaTls.keystore({ secretName: 's', truststoreKey: 'truststore.p12', password: { secretName: 's', key: 'password' } }),
        sasl: { mechanism: KafkaSaslMechanism.PLAIN, usersSecretName: 'users', brokerUser: 'broker' },
      }],
    });
    const script = command(find(synthValid(chart), 'StatefulSet', 'kafka'));
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'kafka-startup-'));
    try {
      for (const dir of ['shared', 'config', 'etc/sasl/replication']) fs.mkdirSync(`${root}/${dir}`, { recursive: true });
      fs.writeFileSync(`${root}/etc/sasl/replication/broker`, 'b"r\\o=ker');
      fs.writeFileSync(`${root}/etc/sasl/replication/alice`, 'alice-secret==');
      const properties = runStartup(script, root, { LISTENER_REPLICATION_TLS_PASSWORD: 'p\\a=ss' }).split('\n');
      expect(properties).toContain('listener.name.replication.ssl.keystore.password=p\\\\a=ss');
      expect(properties).toContain('listener.name.replication.ssl.truststore.password=p\\\\a=ss');
      // JAAS escapes " and \ as \" and \\; the properties file then doubles every backslash once more.
      expect(properties).toContain('listener.name.replication.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required'
        + ' username="broker" password="b\\\\"r\\\\\\\\o=ker" user_alice="alice-secret==" user_broker="b\\\\"r\\\\\\\\o=ker";');
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('KafkaCluster env next to listeners and config', () => {
  test.each([
    ['KAFKA_NODE_ID', 'its start script reads or sets it'],
    ['KAFKA_ADVERTISED_LISTENERS', 'its start script reads or sets it'],
    ['EXTERNAL_HOST', 'its start script reads or sets it'],
    ['LISTENER_REPLICATION_JAAS', 'its start script reads or sets it'],
    ['LISTENER_REPLICATION_TLS_PASSWORD', 'it sets it from a reference'],
    ['KAFKA_LOG_RETENTION_HOURS', 'it sets it to "168"'],
  ])('env %s is refused: the construct manages it', (name, why) => {
    const error = thrownValidationError(() => new KafkaCluster(testChart(), 'kafka', {
      replicas: 1,
      config: { 'log.retention.hours': '168' },
      listeners: [
        {
          name: 'REPLICATION',
          port: 9094,
          protocol: KafkaSecurityProtocol.SASL_SSL,
          tls: KafkaTls.keystore({ secretName: 's', truststoreKey: 't.p12', password: { secretName: 's', key: 'p' } }),
          sasl: { mechanism: KafkaSaslMechanism.PLAIN, usersSecretName: 'users', brokerUser: 'broker' },
        },
        { name: 'EXTERNAL', port: 9095, external: KafkaExternalAccess.loadBalancer({ advertisedHosts: ['kafka.example.com'] }) },
      ],
      env: { [name]: kplus.EnvValue.fromValue('x') },
    }));
    expect(error.property).toBe(`env[${JSON.stringify(name)}]`);
    expect(error.fix).toContain(why);
  });
});

describe('KafkaCluster TLS to ZooKeeper', () => {
  function build(): Manifest {
    const chart = testChart();
    const zk = new ZooKeeperEnsemble(chart, 'zk', { clientTls: { secretName: 'zk-tls' } });
    new KafkaCluster(chart, 'kafka', {
      zooKeeper: zk,
      zooKeeperTls: { secretName: 'kafka-zk-tls', keystoreKey: 'keystore.p12', password: { secretName: 'kafka-zk-tls', key: 'password' } },
    });
    return find(synthValid(chart), 'StatefulSet', 'kafka');
  }

  test('zookeeper.ssl.* from the Secret, the Netty socket and the passwords written at start', () => {
    const sts = build();
    expect(plainEnv(sts)).toMatchObject({
      KAFKA_ZOOKEEPER_SSL_CLIENT_ENABLE: 'true',
      KAFKA_ZOOKEEPER_SSL_TRUSTSTORE_LOCATION: '/etc/kafka/zookeeper-tls/truststore.p12',
      KAFKA_ZOOKEEPER_SSL_TRUSTSTORE_TYPE: 'PKCS12',
      KAFKA_ZOOKEEPER_SSL_KEYSTORE_LOCATION: '/etc/kafka/zookeeper-tls/keystore.p12',
    });
    for (const name of ['KAFKA_ZOOKEEPER_SSL_CLIENT_ENABLE', 'KAFKA_ZOOKEEPER_SSL_TRUSTSTORE_LOCATION', 'KAFKA_ZOOKEEPER_SSL_KEYSTORE_TYPE']) {
      expect(imagePropertyOf(name)).toMatch(/^zookeeper\.ssl\./);
    }
    expect(container(sts).env).toContainEqual({ name: 'ZOOKEEPER_TLS_PASSWORD', valueFrom: { secretKeyRef: { name: 'kafka-zk-tls', key: 'password' } } });
    expect(sts.spec.template.spec.volumes).toContainEqual({ name: 'zookeeper-tls', secret: { secretName: 'kafka-zk-tls' } });
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'kafka-zk-tls-'));
    try {
      fs.mkdirSync(`${root}/shared`);
      const script = command(sts).split('/mnt/shared/config').join(`${root}/shared`).replace('exec /etc/kafka/docker/run', 'true');
      execFileSync('sh', ['-c', script], { env: { PATH: process.env.PATH, HOSTNAME: 'kafka-0', ZOOKEEPER_TLS_PASSWORD: 'pw=1' } });
      expect(fs.readFileSync(`${root}/shared/server.properties`, 'utf8').split('\n')).toEqual([
        'zookeeper.clientCnxnSocket=org.apache.zookeeper.ClientCnxnSocketNetty',
        'zookeeper.ssl.truststore.password=pw=1',
        'zookeeper.ssl.keystore.password=pw=1',
        '',
      ]);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  test('is a ZooKeeper-mode setting, and its keys are not config entries', () => {
    const tls = { secretName: 's', password: { secretName: 's', key: 'p' } };
    expect(thrownValidationError(() => new KafkaCluster(testChart(), 'kafka', { zooKeeperTls: tls })).property).toBe('zooKeeperTls');
    const error = thrownValidationError(() => new KafkaCluster(testChart(), 'kafka', { config: { 'zookeeper.ssl.client.enable': 'true' } }));
    expect(error.property).toBe('config["zookeeper.ssl.client.enable"]');
    expect(error.fix).toContain('use the prop zooKeeperTls instead');
    const chart = testChart();
    const zk = new ZooKeeperEnsemble(chart, 'zk', { clientTls: { secretName: 'zk-tls' } });
    const bad = thrownValidationError(() => new KafkaCluster(chart, 'kafka', { zooKeeper: zk, zooKeeperTls: { ...tls, truststoreKey: 'a/b' } }));
    expect(bad.property).toBe('zooKeeperTls.truststoreKey');
  });

  test('both ends agree: TLS to an ensemble that serves TLS, plaintext to one that does not', () => {
    const tls = { secretName: 's', password: { secretName: 's', key: 'p' } };
    const withTls = testChart();
    const secure = new ZooKeeperEnsemble(withTls, 'zk', { clientTls: { secretName: 'zk-tls' } });
    const missing = thrownValidationError(() => new KafkaCluster(withTls, 'kafka', { zooKeeper: secure }));
    expect(missing.property).toBe('zooKeeperTls');
    expect(missing.fix).toBe('the ensemble test/zk serves its clients over TLS (clientTls): set zooKeeperTls with a truststore of its CA');
    const plain = testChart();
    const extra = thrownValidationError(() => new KafkaCluster(plain, 'kafka', { zooKeeper: new ZooKeeperEnsemble(plain, 'zk'), zooKeeperTls: tls }));
    expect(extra.fix).toContain('serves plaintext only');
  });
});
