// What ZooKeeperEnsemble's clientTls adds to the ensemble: validated settings, the zoo.cfg lines, the Secret's
// volume and mount. Kept apart from the public ZooKeeperClientTls so the jsii API exports no functions.
import * as kplus from 'cdk8s-plus-28';
import { IConstruct } from 'constructs';
import { configMapKeyProblems } from './internal/kube-validation';
import { requirePort, requireSubdomain } from './prop-validation';
import { ValidationError } from './validation-error';
import { ZooKeeperClientAuth, ZooKeeperClientTls } from './zookeeper-client-tls';

/** Where the Secret is mounted in the ZooKeeper container. */
const TLS_DIR = '/etc/zookeeper/client-tls';

/** What the ensemble adds for client TLS: zoo.cfg lines, the Secret's volume and mount, the port. */
export interface ClientTlsSettings {
  readonly port: number;
  readonly allowPlaintextClients: boolean;
  readonly configLines: string[];
  readonly volume: kplus.k8s.Volume;
  readonly mount: kplus.k8s.VolumeMount;
}

/** The zoo.cfg keys {@link clientTlsSettings} writes: a `config` entry for one of them is refused. */
export function isClientTlsConfigKey(key: string): boolean {
  return key === 'serverCnxnFactory' || key === 'secureClientPort' || key === 'secureClientPortAddress' || key === 'ssl.clientAuth'
    || key.startsWith('ssl.keyStore.') || key.startsWith('ssl.trustStore.');
}

/** Validates `tls` (named `property`) and returns what the ensemble adds for it; `reservedPorts` are ZooKeeper's own. */
export function clientTlsSettings(scope: IConstruct, property: string, tls: ZooKeeperClientTls, reservedPorts: number[]): ClientTlsSettings {
  requireSubdomain(scope, `${property}.secretName`, tls.secretName);
  const keys = {
    keyStoreKey: tls.keyStoreKey ?? 'keystore.p12',
    keyStorePasswordKey: tls.keyStorePasswordKey ?? 'keystore.password',
    trustStoreKey: tls.trustStoreKey ?? 'truststore.p12',
    trustStorePasswordKey: tls.trustStorePasswordKey ?? 'truststore.password',
  };
  for (const [field, key] of Object.entries(keys)) {
    const problems = typeof key === 'string' ? configMapKeyProblems(key) : ['must be a string'];
    if (problems.length > 0) {
      throw new ValidationError(scope, `${property}.${field}`, key, problems.join('; '));
    }
  }
  const port = requirePort(scope, `${property}.port`, tls.port ?? 2281);
  if (reservedPorts.includes(port)) {
    throw new ValidationError(scope, `${property}.port`, port, `the ensemble already uses ${port}: pick another port, e.g. 2281`);
  }
  const clientAuth = tls.clientAuth ?? ZooKeeperClientAuth.NEED;
  if (!Object.values(ZooKeeperClientAuth).includes(clientAuth)) {
    throw new ValidationError(scope, `${property}.clientAuth`, clientAuth, `use one of ZooKeeperClientAuth.${Object.keys(ZooKeeperClientAuth).join(', ZooKeeperClientAuth.')}`);
  }
  return {
    port,
    allowPlaintextClients: tls.allowPlaintextClients ?? false,
    configLines: [
      // The TLS client port needs the Netty connection factory.
      'serverCnxnFactory=org.apache.zookeeper.server.NettyServerCnxnFactory',
      `secureClientPort=${port}`,
      `ssl.keyStore.location=${TLS_DIR}/${keys.keyStoreKey}`,
      `ssl.keyStore.passwordPath=${TLS_DIR}/${keys.keyStorePasswordKey}`,
      `ssl.trustStore.location=${TLS_DIR}/${keys.trustStoreKey}`,
      `ssl.trustStore.passwordPath=${TLS_DIR}/${keys.trustStorePasswordKey}`,
      `ssl.clientAuth=${clientAuth}`,
    ],
    volume: { name: 'client-tls', secret: { secretName: tls.secretName, defaultMode: 0o440 } },
    mount: { name: 'client-tls', mountPath: TLS_DIR, readOnly: true },
  };
}
