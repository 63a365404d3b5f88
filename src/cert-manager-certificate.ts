// A cert-manager `cert-manager.io/v1` Certificate as a plain L1 object (cert-manager's CRD, not a Kubernetes kind,
// so cdk8s-plus has no class for it). Its fields follow deploy/crds/cert-manager.io_certificates.yaml; the
// construct tests validate what is written against that schema. Not part of the jsii API.
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';

/** What a Certificate for a TLS server needs. */
export interface CertificateInput {
  readonly name: string;
  readonly namespace: string;
  readonly labels: Record<string, string>;
  /** The Secret cert-manager writes `tls.crt`, `tls.key` and `ca.crt` to. */
  readonly secretName: string;
  readonly issuerName: string;
  /** `Issuer` or `ClusterIssuer`. */
  readonly issuerKind: string;
  readonly dnsNames: string[];
  readonly ipAddresses: string[];
}

/**
 * A Certificate for a server that is also a client of its peers (brokers replicate from each other): server and
 * client auth usages, and a PKCS#8 key, the only unencrypted PEM key format Kafka reads.
 */
export function certManagerCertificate(scope: Construct, id: string, input: CertificateInput): ApiObject {
  return new ApiObject(scope, id, {
    apiVersion: 'cert-manager.io/v1',
    kind: 'Certificate',
    metadata: { name: input.name, namespace: input.namespace, labels: { ...input.labels } },
    spec: {
      secretName: input.secretName,
      issuerRef: { name: input.issuerName, kind: input.issuerKind, group: 'cert-manager.io' },
      dnsNames: input.dnsNames,
      ipAddresses: input.ipAddresses.length > 0 ? input.ipAddresses : undefined,
      privateKey: { algorithm: 'RSA', size: 2048, encoding: 'PKCS8', rotationPolicy: 'Always' },
      usages: ['digital signature', 'key encipherment', 'server auth', 'client auth'],
    },
  });
}
