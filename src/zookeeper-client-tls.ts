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
