// A self-signed TLS certificate for 127.0.0.1 and localhost, made fresh for each sandbox. The sandbox serves HTTPS
// because kubectl sends a kubeconfig's credentials only over TLS (client-go tools/clientcmd/client_config.go: "only
// try to read the auth information if we are secure"); the kubeconfig names this certificate as the cluster's
// certificate authority, so clients verify the server as well. Node can sign but not build certificates, so this
// writes the few DER structures of RFC 5280 a certificate needs.
import { generateKeyPairSync, randomBytes, sign } from 'node:crypto';

/** A certificate and its private key, PEM-encoded. */
export interface SelfSignedCertificate {
  /** The certificate (`-----BEGIN CERTIFICATE-----`): the server's and, being self-signed, the clients' trust root. */
  readonly certificate: string;
  /** The P-256 private key (`-----BEGIN PRIVATE KEY-----`). */
  readonly privateKey: string;
}

/** How long the certificate is valid. A sandbox lives for a session; a year leaves room for a long one. */
const VALIDITY_MS = 365 * 24 * 3_600_000;
// Tolerance for a client clock slightly behind this one.
const BACKDATE_MS = 3_600_000;

/** Makes a certificate for `CN=kubectl-stage sandbox` valid for 127.0.0.1, ::1 and localhost from `now`. */
export function selfSignedCertificate(now: Date = new Date()): SelfSignedCertificate {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const name = sequence(set(sequence(oid('2.5.4.3'), utf8String('kubectl-stage sandbox'))));
  const ecdsaWithSha256 = sequence(oid('1.2.840.10045.4.3.2'));
  const tbs = sequence(
    explicit(0, integer(Buffer.from([2]))), // v3
    integer(serialNumber()),
    ecdsaWithSha256,
    name,
    sequence(time(new Date(now.getTime() - BACKDATE_MS)), time(new Date(now.getTime() + VALIDITY_MS))),
    name,
    publicKey.export({ type: 'spki', format: 'der' }),
    explicit(3, sequence(
      // basicConstraints (critical): a CA, so clients may use it as their trust root.
      extension('2.5.29.19', true, sequence(boolean(true))),
      // keyUsage (critical): digitalSignature and keyCertSign.
      extension('2.5.29.15', true, tlv(0x03, Buffer.from([0x02, 0x84]))),
      // subjectAltName: the names clients use for the sandbox (Go checks only these, never the CN).
      extension('2.5.29.17', false, sequence(
        tlv(0x82, Buffer.from('localhost', 'ascii')),
        tlv(0x87, Buffer.from([127, 0, 0, 1])),
        tlv(0x87, Buffer.concat([Buffer.alloc(15), Buffer.from([1])])),
      )),
    )),
  );
  const signature = sign('sha256', tbs, privateKey);
  const der = sequence(tbs, ecdsaWithSha256, bitString(signature));
  return { certificate: pem('CERTIFICATE', der), privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string };
}

function pem(label: string, der: Buffer): string {
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

// A positive 16-byte serial (RFC 5280 allows up to 20 octets; it must not be negative).
function serialNumber(): Buffer {
  const serial = randomBytes(16);
  serial[0] = (serial[0] % 0x40) + 0x40;
  return serial;
}

function tlv(tag: number, content: Buffer): Buffer {
  return Buffer.concat([Buffer.from([tag]), length(content.length), content]);
}

function length(size: number): Buffer {
  if (size < 0x80) {
    return Buffer.from([size]);
  }
  const bytes: number[] = [];
  for (let rest = size; rest > 0; rest = Math.floor(rest / 256)) {
    bytes.unshift(rest % 256);
  }
  return Buffer.from([0x80 + bytes.length, ...bytes]);
}

function sequence(...items: Buffer[]): Buffer {
  return tlv(0x30, Buffer.concat(items));
}

function set(...items: Buffer[]): Buffer {
  return tlv(0x31, Buffer.concat(items));
}

function explicit(tagNumber: number, content: Buffer): Buffer {
  return tlv(0xa0 + tagNumber, content);
}

function integer(value: Buffer): Buffer {
  return tlv(0x02, value);
}

function boolean(value: boolean): Buffer {
  return tlv(0x01, Buffer.from([value ? 0xff : 0x00]));
}

function bitString(bits: Buffer): Buffer {
  return tlv(0x03, Buffer.concat([Buffer.from([0]), bits]));
}

function utf8String(text: string): Buffer {
  return tlv(0x0c, Buffer.from(text, 'utf8'));
}

function oid(dotted: string): Buffer {
  const [first, second, ...rest] = dotted.split('.').map(Number);
  const bytes = [first * 40 + second];
  for (const arc of rest) {
    const groups: number[] = [];
    for (let value = arc; ; value = Math.floor(value / 128)) {
      groups.unshift(value % 128);
      if (value < 128) {
        break;
      }
    }
    bytes.push(...groups.map((group, index) => (index < groups.length - 1 ? group + 0x80 : group)));
  }
  return tlv(0x06, Buffer.from(bytes));
}

function extension(id: string, critical: boolean, value: Buffer): Buffer {
  return sequence(oid(id), ...(critical ? [boolean(true)] : []), tlv(0x04, value));
}

// UTCTime (YYMMDDHHMMSSZ) through 2049, GeneralizedTime after, as RFC 5280 requires.
function time(date: Date): Buffer {
  const iso = date.toISOString();
  const digits = iso.slice(0, 19).replace(/[-:T]/g, '');
  return date.getUTCFullYear() < 2050 ? tlv(0x17, Buffer.from(`${digits.slice(2)}Z`, 'ascii')) : tlv(0x18, Buffer.from(`${digits}Z`, 'ascii'));
}
