import { spawnSync } from 'child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { Duration, JsonPatch } from 'cdk8s';
import { find, Manifest, selects, synthValid, testChart, thrownValidationError } from './manifest';
import { MonitorKind } from '../../src/prometheus-monitor';
import { ZooKeeperClientAuth } from '../../src/zookeeper-client-tls';
import { ZooKeeperEnsemble, ZooKeeperEnsembleProps } from '../../src/zookeeper-ensemble';

function synth(props: ZooKeeperEnsembleProps = {}): { zk: ZooKeeperEnsemble; objects: Manifest[] } {
  const chart = testChart('data');
  const zk = new ZooKeeperEnsemble(chart, 'zk', props);
  return { zk, objects: synthValid(chart) };
}

function container(objects: Manifest[]): Manifest {
  return find(objects, 'StatefulSet', 'zk').spec.template.spec.containers[0];
}

function env(objects: Manifest[]): Record<string, string> {
  return Object.fromEntries(container(objects).env.map((variable: Manifest) => [variable.name, variable.value]));
}

const PLAIN_START = 'exec /docker-entrypoint.sh zkServer.sh start-foreground';

describe('ZooKeeperEnsemble config overrides', () => {
  test('without overrides or metrics the start command is the one earlier releases wrote (no rolling restart on upgrade)', () => {
    const { objects } = synth();
    expect(container(objects).command[2].endsWith(` && ${PLAIN_START}`)).toBe(true);
    expect(env(objects).ZOOKEEPER_CONFIG_OVERRIDES).toBeUndefined();
  });

  test('entries are appended to zoo.cfg once, after the entrypoint wrote it, and ZooKeeper started from the result', () => {
    const { objects } = synth({ config: { 'maxSessionTimeout': '60000', 'quorum.cnxn.threads.size': '20', 'snapCount': '' } });
    expect(env(objects).ZOOKEEPER_CONFIG_OVERRIDES).toBe('maxSessionTimeout=60000\nquorum.cnxn.threads.size=20\nsnapCount=');
    const script: string = container(objects).command[2];
    expect(script).toContain(' && { [ -f /zookeeper-conf/zoo.cfg ] || { /docker-entrypoint.sh true && '
      + 'printf \'%s\\n\' "$ZOOKEEPER_CONFIG_OVERRIDES" >> /zookeeper-conf/zoo.cfg; }; } && exec zkServer.sh start-foreground');
    expect(script).not.toContain(PLAIN_START);
  });

  test('the start script, run by bash against a stand-in entrypoint, writes zoo.cfg once, verbatim, across container restarts', () => {
    const { objects } = synth({ config: { 'maxSessionTimeout': '60000', 'ssl.quorum.ciphersuites': 'need $HOME * ; `x`' }, metrics: {} });
    const dir = mkdtempSync(join(tmpdir(), 'zk-start-'));
    try {
      // The image's entrypoint, reduced to what the script relies on: write zoo.cfg when absent, then run its arguments.
      writeFileSync(join(dir, 'entrypoint.sh'), '[ -f "$ZOO_CONF_DIR/zoo.cfg" ] || echo "tickTime=$ZOO_TICK_TIME" > "$ZOO_CONF_DIR/zoo.cfg"; exec "$@"\n');
      const script = (container(objects).command[2] as string)
        .replaceAll('/docker-entrypoint.sh', `bash ${dir}/entrypoint.sh`)
        .replaceAll('/zookeeper-conf', dir)
        .replace('cp -r /conf/.', `cp -r ${dir}/none/.`)
        .replace('exec zkServer.sh start-foreground', 'true');
      const environment = { ...env(objects), ZOO_CONF_DIR: dir, HOSTNAME: 'zk-2', PATH: process.env.PATH };
      for (let start = 0; start < 2; start++) {
        expect(spawnSync('bash', ['-c', script], { env: environment }).status).toBe(0);
      }
      expect(readFileSync(join(dir, 'zoo.cfg'), 'utf8')).toBe([
        'tickTime=2000',
        'maxSessionTimeout=60000',
        'ssl.quorum.ciphersuites=need $HOME * ; `x`',
        'metricsProvider.className=org.apache.zookeeper.metrics.prometheus.PrometheusMetricsProvider',
        'metricsProvider.httpPort=7000',
        '',
      ].join('\n'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('maxClientCnxns, which the entrypoint writes itself, is set through its variable instead of twice', () => {
    const { objects } = synth({ config: { maxClientCnxns: '200' } });
    expect(env(objects).ZOO_MAX_CLIENT_CNXNS).toBe('200');
    expect(env(objects).ZOOKEEPER_CONFIG_OVERRIDES).toBeUndefined();
    expect(container(objects).command[2]).toContain(PLAIN_START);
  });

  test.each<[string, Record<string, string>, string, string]>([
    ['tickTime', { tickTime: '3000' }, 'config["tickTime"]', 'tickTime is managed by tickTime: set it there'],
    ['autopurge.purgeInterval', { 'autopurge.purgeInterval': '1' }, 'config["autopurge.purgeInterval"]', 'managed by autopurgeIntervalHours'],
    ['a server line', { 'server.4': 'zk-3:2888:3888' }, 'config["server.4"]', 'managed by replicas (the server list)'],
    ['the metrics provider', { 'metricsProvider.httpPort': '9000' }, 'config["metricsProvider.httpPort"]', 'managed by metrics'],
    ['the four-letter-word whitelist', { '4lw.commands.whitelist': '*' }, 'config["4lw.commands.whitelist"]', 'its probes need srvr and ruok'],
    ['the AdminServer switch', { 'admin.enableServer': 'true' }, 'config["admin.enableServer"]', 'no authentication'],
    ['dataDir', { dataDir: '/tmp' }, 'config["dataDir"]', 'storageSize'],
    ['a key with a space', { 'max session': '1' }, 'config key', 'letters, digits'],
    ['a key with "="', { 'a=b': '1' }, 'config key', 'letters, digits'],
    ['a value with a newline', { maxSessionTimeout: '60000\nserver.9=evil:1:2' }, 'config["maxSessionTimeout"]', 'single-line'],
    ['a value with a backslash', { 'ssl.quorum.keyStore.location': 'C:\\keys' }, 'config["ssl.quorum.keyStore.location"]', 'backslashes'],
    ['a value that is no string', { snapCount: 100000 as unknown as string }, 'config["snapCount"]', 'single-line string'],
  ])('refuses %s, naming the prop', (_, config, property, fix) => {
    const error = thrownValidationError(() => synth({ config }));
    expect(error.constructPath).toBe('test/zk');
    expect(error.property).toBe(property);
    expect(error.fix).toContain(fix);
  });

  test('the variables the start script reads cannot be set through env', () => {
    for (const name of ['ZOO_MY_ID', 'ZOO_CFG_EXTRA', 'ZOOKEEPER_CONFIG_OVERRIDES', 'ZOO_MAX_CLIENT_CNXNS']) {
      const error = thrownValidationError(() => synth({ env: { [name]: { value: 'x' } as any } }));
      expect(error.property).toBe(`env[${JSON.stringify(name)}]`);
    }
  });
});

describe('ZooKeeperEnsemble metrics', () => {
  test('off by default: no metrics port, Service or provider', () => {
    const { zk, objects } = synth();
    expect(zk.metricsPort).toBeUndefined();
    expect(objects.map((object) => `${object.kind}/${object.metadata.name}`).sort())
      .toEqual(['PodDisruptionBudget/zk-pdb', 'Service/zk-cs', 'Service/zk-hs', 'StatefulSet/zk']);
  });

  test('the built-in Prometheus provider on 7000: a container port and a ClusterIP Service, both named metrics, selecting the pods', () => {
    const { zk, objects } = synth({ metrics: {} });
    expect(zk.metricsPort).toBe(7000);
    expect(env(objects).ZOOKEEPER_CONFIG_OVERRIDES).toBe(
      'metricsProvider.className=org.apache.zookeeper.metrics.prometheus.PrometheusMetricsProvider\nmetricsProvider.httpPort=7000');
    expect(container(objects).ports).toContainEqual({ name: 'metrics', containerPort: 7000 });
    const service = find(objects, 'Service', 'zk-metrics');
    expect(service.spec).toMatchObject({ type: 'ClusterIP', ports: [{ name: 'metrics', port: 7000, targetPort: 'metrics' }] });
    expect(selects(service.spec.selector, find(objects, 'StatefulSet', 'zk').spec.template.metadata.labels)).toBe(true);
    expect(objects.some((object) => object.kind === 'PodMonitor' || object.kind === 'ServiceMonitor')).toBe(false);
  });

  test('config entries come first, then the provider on the chosen port', () => {
    const { objects } = synth({ config: { maxSessionTimeout: '60000' }, metrics: { port: 9141 } });
    expect(env(objects).ZOOKEEPER_CONFIG_OVERRIDES.split('\n')).toEqual([
      'maxSessionTimeout=60000',
      'metricsProvider.className=org.apache.zookeeper.metrics.prometheus.PrometheusMetricsProvider',
      'metricsProvider.httpPort=9141',
    ]);
    expect(find(objects, 'Service', 'zk-metrics').spec.ports[0].port).toBe(9141);
  });

  test('a PodMonitor scrapes the pods\' metrics port in the ensemble\'s namespace, with the labels Prometheus selects by', () => {
    const { zk, objects } = synth({
      metrics: { monitor: { labels: { release: 'kube-prometheus-stack' }, interval: Duration.seconds(30) } },
    });
    const monitor = find(objects, 'PodMonitor', 'zk');
    expect(zk.monitor?.kind).toBe(MonitorKind.POD_MONITOR);
    expect(monitor.metadata.labels).toMatchObject({ 'release': 'kube-prometheus-stack', 'app.kubernetes.io/instance': 'zk' });
    expect(monitor.spec.namespaceSelector).toEqual({ matchNames: ['data'] });
    expect(monitor.spec.podMetricsEndpoints).toEqual([{ port: 'metrics', path: '/metrics', interval: '30s' }]);
    expect(selects(monitor.spec.selector.matchLabels, find(objects, 'StatefulSet', 'zk').spec.template.metadata.labels)).toBe(true);
  });

  test('a ServiceMonitor selects the metrics Service and scrapes its port named metrics', () => {
    const { objects } = synth({ metrics: { monitor: { kind: MonitorKind.SERVICE_MONITOR } } });
    const monitor = find(objects, 'ServiceMonitor', 'zk');
    expect(selects(monitor.spec.selector.matchLabels, find(objects, 'Service', 'zk-metrics').metadata.labels)).toBe(true);
    expect(monitor.spec.endpoints).toEqual([{ port: 'metrics', path: '/metrics' }]);
  });

  test.each<[string, ZooKeeperEnsembleProps, string]>([
    ['a port ZooKeeper uses itself', { metrics: { port: 2181 } }, 'metrics.port'],
    ['a port out of range', { metrics: { port: 70000 } }, 'metrics.port'],
    ['ZooKeeper 3.5, which has no Prometheus provider', { image: 'zookeeper:3.5.10', metrics: {} }, 'metrics'],
    ['a monitor label value with a space', { metrics: { monitor: { labels: { release: 'a b' } } } }, 'metrics.monitor.labels["release"]'],
  ])('refuses %s', (_, props, property) => {
    expect(thrownValidationError(() => synth(props)).property).toBe(property);
  });
});

describe('ZooKeeperEnsemble client TLS', () => {
  test('mutual TLS on 2281 from one Secret, passwords read from its files; plaintext only on the loopback for the probes', () => {
    const { zk, objects } = synth({ clientTls: { secretName: 'zk-tls' } });
    expect(zk.clientTlsEnabled).toBe(true);
    expect(zk.clientPort).toBe(2281);
    expect(zk.connectString).toBe('zk-cs.data.svc.cluster.local:2281');
    expect(env(objects).ZOOKEEPER_CONFIG_OVERRIDES.split('\n')).toEqual([
      'serverCnxnFactory=org.apache.zookeeper.server.NettyServerCnxnFactory',
      'secureClientPort=2281',
      'ssl.keyStore.location=/etc/zookeeper/client-tls/keystore.p12',
      'ssl.keyStore.passwordPath=/etc/zookeeper/client-tls/keystore.password',
      'ssl.trustStore.location=/etc/zookeeper/client-tls/truststore.p12',
      'ssl.trustStore.passwordPath=/etc/zookeeper/client-tls/truststore.password',
      'ssl.clientAuth=need',
    ]);
    expect(env(objects).ZOO_SERVERS.split(' ')[0]).toBe('server.1=zk-0.zk-hs.data.svc.cluster.local:2888:3888;127.0.0.1:2181');
    expect(container(objects).ports).toContainEqual({ name: 'client-tls', containerPort: 2281 });
    expect(container(objects).volumeMounts).toContainEqual({ name: 'client-tls', mountPath: '/etc/zookeeper/client-tls', readOnly: true });
    const pod = find(objects, 'StatefulSet', 'zk').spec.template.spec;
    expect(pod.volumes).toContainEqual({ name: 'client-tls', secret: { secretName: 'zk-tls', defaultMode: 0o440 } });
    // Readable by the pod's fsGroup, which is ZooKeeper's group.
    expect(pod.securityContext.fsGroup).toBe(pod.securityContext.runAsGroup);
    expect(find(objects, 'Service', 'zk-cs').spec.ports).toEqual([{ name: 'client-tls', port: 2281, targetPort: 'client-tls' }]);
    expect(container(objects).readinessProbe.exec.command[2]).toContain('/dev/tcp/127.0.0.1/2181');
  });

  test('allowPlaintextClients keeps 2181 on the network and in the Service; the stores and port are configurable', () => {
    const { zk, objects } = synth({
      clientTls: {
        secretName: 'zk-tls',
        keyStoreKey: 'server.pem',
        keyStorePasswordKey: 'server.pass',
        trustStoreKey: 'ca.pem',
        trustStorePasswordKey: 'ca.pass',
        port: 3181,
        clientAuth: ZooKeeperClientAuth.WANT,
        allowPlaintextClients: true,
      },
    });
    expect(zk.connectString).toBe('zk-cs.data.svc.cluster.local:3181');
    expect(env(objects).ZOO_SERVERS.split(' ')[2]).toBe('server.3=zk-2.zk-hs.data.svc.cluster.local:2888:3888;2181');
    expect(env(objects).ZOOKEEPER_CONFIG_OVERRIDES).toContain('ssl.keyStore.location=/etc/zookeeper/client-tls/server.pem\n');
    expect(env(objects).ZOOKEEPER_CONFIG_OVERRIDES).toContain('ssl.clientAuth=want');
    expect(find(objects, 'Service', 'zk-cs').spec.ports.map((port: Manifest) => `${port.name}:${port.port}`)).toEqual(['client:2181', 'client-tls:3181']);
  });

  test.each<[string, ZooKeeperEnsembleProps, string]>([
    ['a Secret name that is no subdomain', { clientTls: { secretName: 'ZK TLS' } }, 'clientTls.secretName'],
    ['a key with a slash', { clientTls: { secretName: 'zk-tls', trustStoreKey: 'ca/ca.p12' } }, 'clientTls.trustStoreKey'],
    ['the plaintext port', { clientTls: { secretName: 'zk-tls', port: 2181 } }, 'clientTls.port'],
    ['the metrics port', { metrics: { port: 7000 }, clientTls: { secretName: 'zk-tls', port: 7000 } }, 'clientTls.port'],
    ['an unknown clientAuth', { clientTls: { secretName: 'zk-tls', clientAuth: 'required' as ZooKeeperClientAuth } }, 'clientTls.clientAuth'],
    ['ZooKeeper 3.7, which cannot read passwords from files', { image: 'zookeeper:3.7.2', clientTls: { secretName: 'zk-tls' } }, 'clientTls'],
    ['a config entry for a key client TLS manages', { config: { secureClientPort: '2281' } }, 'config["secureClientPort"]'],
    ['a config entry for the keystore', { config: { 'ssl.keyStore.password': 'changeit' } }, 'config["ssl.keyStore.password"]'],
  ])('refuses %s', (_, props, property) => {
    expect(thrownValidationError(() => synth(props)).property).toBe(property);
  });
});

describe('the escape hatch documented in docs/constructs.md', () => {
  test('JSON patches on statefulService.apiObject reach the synthesized StatefulSet, after the construct\'s own pod options', () => {
    const chart = testChart('data');
    const zk = new ZooKeeperEnsemble(chart, 'zk', { podAnnotations: { 'checksum/tls': 'abc' } });
    const sts = zk.statefulService.apiObject;
    sts.addJsonPatch(JsonPatch.add('/spec/template/spec/containers/0/lifecycle', { preStop: { exec: { command: ['sleep', '5'] } } }));
    sts.addJsonPatch(JsonPatch.add('/spec/template/spec/terminationGracePeriodSeconds', 60));
    const template = find(synthValid(chart), 'StatefulSet', 'zk').spec.template;
    expect(template.spec.containers[0].lifecycle).toEqual({ preStop: { exec: { command: ['sleep', '5'] } } });
    expect(template.spec.terminationGracePeriodSeconds).toBe(60);
    expect(template.metadata.annotations).toEqual({ 'checksum/tls': 'abc' });
  });
});
