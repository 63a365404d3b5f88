// The public shape of a Kafka listener: its name, port and protocol, where its TLS material comes from, how it
// authenticates clients, and how it is reached from outside the cluster. KafkaCluster turns a list of them into
// broker properties (kafka-listener-config.ts); these types only describe what the user asks for.

/** `security.protocol` of a listener (Kafka's SecurityProtocol). */
export enum KafkaSecurityProtocol {
  /** No encryption, no authentication. */
  PLAINTEXT = 'PLAINTEXT',
  /** TLS; with `clientAuth` the clients are authenticated by certificate (mTLS). */
  SSL = 'SSL',
  /** SASL authentication without encryption. */
  SASL_PLAINTEXT = 'SASL_PLAINTEXT',
  /** SASL authentication over TLS. */
  SASL_SSL = 'SASL_SSL',
}

/** The SASL mechanism of a listener. */
export enum KafkaSaslMechanism {
  /**
   * SCRAM-SHA-512: the credentials live in the cluster's metadata (create users with `kafka-configs.sh
   * --alter --add-config 'SCRAM-SHA-512=[password=...]' --entity-type users`); the broker side needs no secret.
   */
  SCRAM_SHA_512 = 'SCRAM-SHA-512',
  /** PLAIN: user names and passwords from a Secret (`sasl.usersSecretName`); use it over TLS (SASL_SSL). */
  PLAIN = 'PLAIN',
}

/** The format of a keystore or truststore file. */
export enum KafkaKeystoreType {
  /** PKCS#12 (`.p12`), the JDK's default. */
  PKCS12 = 'PKCS12',
  /** Java KeyStore (`.jks`). */
  JKS = 'JKS',
}

/** Whether a TLS listener asks clients for a certificate (`ssl.client.auth`). */
export enum KafkaTlsClientAuth {
  /** Clients are not asked for a certificate. */
  NONE = 'none',
  /** Clients may present a certificate. */
  REQUESTED = 'requested',
  /** Clients must present a certificate the truststore trusts (mTLS). */
  REQUIRED = 'required',
}

/** One key of a Secret in the cluster's namespace. */
export interface KafkaSecretKeyRef {
  /** Name of the Secret. */
  readonly secretName: string;
  /** Key in the Secret. */
  readonly key: string;
}

/** TLS material as Java keystores in a Secret. */
export interface KafkaKeystoreTlsOptions {
  /** Secret holding the keystore (and the truststore, when `truststoreKey` is set). */
  readonly secretName: string;
  /**
   * Key of the keystore file in the Secret.
   * @default 'keystore.p12'
   */
  readonly keystoreKey?: string;
  /**
   * Key of the truststore file in the Secret; required on the inter-broker and controller listeners (brokers verify
   * each other) and with client authentication.
   * @default - no truststore
   */
  readonly truststoreKey?: string;
  /**
   * Format of both files.
   * @default KafkaKeystoreType.PKCS12
   */
  readonly type?: KafkaKeystoreType;
  /** Password of the keystore, its key and the truststore. */
  readonly password: KafkaSecretKeyRef;
}

/**
 * TLS material as PEM files in a Secret, the layout cert-manager writes (`tls.crt`, `tls.key`, `ca.crt`). The
 * private key must be unencrypted PKCS#8 (`BEGIN PRIVATE KEY`), the only PEM key format Kafka reads.
 */
export interface KafkaPemTlsOptions {
  /** Secret holding the PEM files. */
  readonly secretName: string;
  /**
   * Key of the certificate chain.
   * @default 'tls.crt'
   */
  readonly certificateKey?: string;
  /**
   * Key of the private key.
   * @default 'tls.key'
   */
  readonly privateKeyKey?: string;
  /**
   * Key of the CA certificates the listener trusts (peers and, with client authentication, clients).
   * @default 'ca.crt'
   */
  readonly caKey?: string;
}

/** The kind of a cert-manager issuer. */
export enum CertManagerIssuerKind {
  /** An `Issuer` in the cluster's namespace. */
  ISSUER = 'Issuer',
  /** A `ClusterIssuer`, usable from every namespace. */
  CLUSTER_ISSUER = 'ClusterIssuer',
}

/** A cert-manager `Certificate` the cluster creates for a listener; its Secret is then read as PEM. */
export interface KafkaCertManagerTlsOptions {
  /** Name of the cert-manager issuer. */
  readonly issuerName: string;
  /**
   * Kind of the issuer.
   * @default CertManagerIssuerKind.ISSUER
   */
  readonly issuerKind?: CertManagerIssuerKind;
  /**
   * Name of the Secret cert-manager writes (and of the Certificate).
   * @default - `<cluster name>-<listener name in lower case>-tls`
   */
  readonly secretName?: string;
  /**
   * More DNS names for the certificate, beyond the ones the cluster derives (the headless Service's names and
   * every broker's and controller's host name, and the listener's external host names).
   * @default - none
   */
  readonly extraDnsNames?: string[];
}

/**
 * Where a TLS listener's certificate comes from: keystores or PEM files in a Secret, or a cert-manager Certificate
 * the cluster creates.
 *
 * Brokers read the files when they start: a renewed certificate reaches a broker at its next restart (the next
 * rollout), so let certificates live well beyond the rollout cadence.
 */
export class KafkaTls {
  /**
   * Java keystores from a Secret.
   * @param options the Secret, its keys and the password
   */
  public static keystore(options: KafkaKeystoreTlsOptions): KafkaTls {
    return new KafkaTls(options, undefined, undefined);
  }

  /**
   * PEM files from a Secret (cert-manager's layout).
   * @param options the Secret and its keys
   */
  public static pem(options: KafkaPemTlsOptions): KafkaTls {
    return new KafkaTls(undefined, options, undefined);
  }

  /**
   * A cert-manager `cert-manager.io/v1` Certificate the cluster creates, read as PEM from its Secret.
   * @param options the issuer and the Secret's name
   */
  public static certManager(options: KafkaCertManagerTlsOptions): KafkaTls {
    return new KafkaTls(undefined, undefined, options);
  }

  /** The keystore options, when the material is a keystore. */
  public readonly keystoreOptions?: KafkaKeystoreTlsOptions;
  /** The PEM options, when the material is PEM files. */
  public readonly pemOptions?: KafkaPemTlsOptions;
  /** The cert-manager options, when the cluster creates a Certificate. */
  public readonly certManagerOptions?: KafkaCertManagerTlsOptions;

  private constructor(keystoreOptions?: KafkaKeystoreTlsOptions, pemOptions?: KafkaPemTlsOptions, certManagerOptions?: KafkaCertManagerTlsOptions) {
    this.keystoreOptions = keystoreOptions;
    this.pemOptions = pemOptions;
    this.certManagerOptions = certManagerOptions;
  }
}

/** SASL settings of a listener. */
export interface KafkaSasl {
  /** The mechanism clients authenticate with. */
  readonly mechanism: KafkaSaslMechanism;
  /**
   * PLAIN: a Secret whose keys are user names and whose values are their passwords; every user it holds may log in.
   * User names are letters, digits, `_` and `-`.
   * @default - none (required for PLAIN)
   */
  readonly usersSecretName?: string;
  /**
   * PLAIN on the inter-broker or controller listener: the user (a key of `usersSecretName`) the brokers log in as.
   * @default - none (required there)
   */
  readonly brokerUser?: string;
}

/** How brokers' Services are exposed outside the cluster. */
export enum KafkaExternalServiceType {
  /** A NodePort Service per broker: broker `i` on node port `basePort + i` of every node. */
  NODE_PORT = 'NodePort',
  /** A LoadBalancer Service per broker, each with its own address. */
  LOAD_BALANCER = 'LoadBalancer',
}

/** Options of {@link KafkaExternalAccess.nodePort}. */
export interface KafkaNodePortOptions {
  /** Node port of broker 0; broker `i` gets `basePort + i`. Every port must lie in 30000-32767 (the default node port range). */
  readonly basePort: number;
  /**
   * Host every broker advertises (a DNS name that reaches the nodes, e.g. a load balancer in front of them).
   * @default - the IP address of the node the broker runs on (`status.hostIP`)
   */
  readonly advertisedHost?: string;
}

/** Options of {@link KafkaExternalAccess.loadBalancer}. */
export interface KafkaLoadBalancerOptions {
  /**
   * The address (DNS name or IP) each broker advertises, one per broker in ordinal order: the address its
   * LoadBalancer Service gets (reserve static addresses, or use a DNS name that follows the Service).
   */
  readonly advertisedHosts: string[];
  /**
   * Annotations of every per-broker Service (cloud load balancer settings).
   * @default - none
   */
  readonly annotations?: { [key: string]: string };
}

/**
 * External access to a listener: one Service per broker pod (selecting `statefulset.kubernetes.io/pod-name`),
 * with each broker advertising the address its own Service is reached at.
 */
export class KafkaExternalAccess {
  /**
   * A NodePort Service per broker.
   * @param options the base node port and the advertised host
   */
  public static nodePort(options: KafkaNodePortOptions): KafkaExternalAccess {
    return new KafkaExternalAccess(KafkaExternalServiceType.NODE_PORT, options, undefined);
  }

  /**
   * A LoadBalancer Service per broker, with the addresses each one advertises.
   * @param options one advertised host per broker
   */
  public static loadBalancer(options: KafkaLoadBalancerOptions): KafkaExternalAccess {
    return new KafkaExternalAccess(KafkaExternalServiceType.LOAD_BALANCER, undefined, options);
  }

  /** The Service type. */
  public readonly serviceType: KafkaExternalServiceType;
  /** The NodePort options, for NodePort access. */
  public readonly nodePortOptions?: KafkaNodePortOptions;
  /** The LoadBalancer options, for LoadBalancer access. */
  public readonly loadBalancerOptions?: KafkaLoadBalancerOptions;

  private constructor(serviceType: KafkaExternalServiceType, nodePortOptions?: KafkaNodePortOptions, loadBalancerOptions?: KafkaLoadBalancerOptions) {
    this.serviceType = serviceType;
    this.nodePortOptions = nodePortOptions;
    this.loadBalancerOptions = loadBalancerOptions;
  }
}

/** One Kafka listener. */
export interface KafkaListener {
  /**
   * Listener name: 2 to 15 upper-case letters and digits, starting with a letter (it also names the container
   * port, in lower case, so not `METRICS`), not ending in `SSL` and without `SASL` (the apache/kafka image treats
   * such names as its own single-keystore SSL and SASL setups).
   */
  readonly name: string;
  /** Port the broker listens on. */
  readonly port: number;
  /**
   * Security protocol.
   * @default KafkaSecurityProtocol.PLAINTEXT
   */
  readonly protocol?: KafkaSecurityProtocol;
  /**
   * TLS material; required by SSL and SASL_SSL.
   * @default - none
   */
  readonly tls?: KafkaTls;
  /**
   * Client certificates on a TLS listener (`ssl.client.auth`).
   * @default KafkaTlsClientAuth.NONE
   */
  readonly clientAuth?: KafkaTlsClientAuth;
  /**
   * SASL settings; required by SASL_PLAINTEXT and SASL_SSL.
   * @default - none
   */
  readonly sasl?: KafkaSasl;
  /**
   * Expose this listener outside the cluster through a Service per broker (broker listeners only).
   * @default - reachable inside the cluster only, on the headless Service's per-pod names
   */
  readonly external?: KafkaExternalAccess;
}

/** TLS from the brokers to ZooKeeper, with the stores in a Secret. */
export interface KafkaZooKeeperTls {
  /** Secret holding the stores. */
  readonly secretName: string;
  /**
   * Key of the truststore holding the CA of ZooKeeper's server certificate.
   * @default 'truststore.p12'
   */
  readonly truststoreKey?: string;
  /**
   * Key of the brokers' keystore, presented to a ZooKeeper that requires client certificates (`ssl.clientAuth=need`).
   * @default - no client certificate
   */
  readonly keystoreKey?: string;
  /**
   * Format of both stores.
   * @default KafkaKeystoreType.PKCS12
   */
  readonly type?: KafkaKeystoreType;
  /** Password of the stores. */
  readonly password: KafkaSecretKeyRef;
}
