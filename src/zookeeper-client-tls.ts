import * as kplus from 'cdk8s-plus-28';
import { IConstruct } from 'constructs';
import { configMapKeyProblems } from './internal/kube-validation';
import { requirePort, requireSubdomain } from './prop-validation';
import { ValidationError } from './validation-error';

/** Whether ZooKeeper's TLS client port asks clients for a certificate (`ssl.clientAuth`). */
export enum ZooKeeperClientAuth {
  /** Clients must present a certificate the truststore trusts (mutual TLS). */
  NEED = 'need',
  /** Clients may present one; a client without is still served. */
  WANT = 'want',
  /** Clients are not asked for one. */
  NONE = 'none',
}

/**
 * TLS on ZooKeeper's client port (`secureClientPort`), with the server keystore and the truststore of client CAs
 * read from one Secret; the passwords are read from files of that Secret (`ssl.*.passwordPath`, ZooKeeper 3.8 or
 * later), never written into the manifest. The store type follows each file's extension (`.p12`, `.jks`, `.pem`).
 */
export interface ZooKeeperClientTls {
  /** Name of the Secret in the Chart's namespace holding the stores and their password files. */
  readonly secretName: string;
  /**
   * Key of the server's keystore (its certificate and private key) in the Secret.
   * @default 'keystore.p12'
   */
  readonly keyStoreKey?: string;
  /**
   * Key of the file holding the keystore's password.
   * @default 'keystore.password'
   */
  readonly keyStorePasswordKey?: string;
  /**
   * Key of the truststore (the CAs whose client certificates are accepted).
   * @default 'truststore.p12'
   */
  readonly trustStoreKey?: string;
  /**
   * Key of the file holding the truststore's password.
   * @default 'truststore.password'
   */
  readonly trustStorePasswordKey?: string;
  /**
   * The TLS client port.
   * @default 2281
   */
  readonly port?: number;
  /**
   * Whether clients must present a certificate.
   * @default ZooKeeperClientAuth.NEED
   */
  readonly clientAuth?: ZooKeeperClientAuth;
  /**
   * Keep serving plaintext clients on 2181 through the client Service too (while clients move to TLS). Without it,
   * the plaintext port listens on the pod's loopback only, for the probes.
   * @default false
   */
  readonly allowPlaintextClients?: boolean;
}

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
