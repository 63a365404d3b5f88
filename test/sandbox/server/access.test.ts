// Who may use the sandbox: HTTPS with its own certificate, the bearer token of its kubeconfig on every request, and
// only requests addressed to 127.0.0.1 or localhost at its port (no DNS rebinding).
import { X509Certificate } from 'node:crypto';
import { request } from 'node:https';
import { RESOURCES } from '../../../src/sandbox/api';
import { SandboxAccess } from '../../../src/sandbox/server/access';
import { selfSignedCertificate } from '../../../src/sandbox/server/self-signed-certificate';
import { Sandbox, startSandbox } from '../../../src/sandbox/start-sandbox';
import { authorization, clientOptions, http, kubectl, rawExchange } from '../../support/sandbox-clients';

jest.setTimeout(30_000);

const UNAUTHORIZED = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 };

describe('the sandbox over HTTPS with a bearer token', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ clock: 'virtual', nodes: 1 });
  });
  afterAll(() => sandbox.stop());

  test('the kubeconfig names the server over HTTPS, its certificate as the authority, and the token', () => {
    expect(sandbox.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(sandbox.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(sandbox.kubeconfig).toMatchObject({
      clusters: [{ name: 'sandbox', cluster: { 'server': sandbox.url, 'certificate-authority-data': Buffer.from(sandbox.certificate).toString('base64') } }],
      users: [{ name: 'sandbox', user: { token: sandbox.token } }],
    });
  });

  test('every path answers upstream\'s 401 Status without the token or with a wrong one, health and discovery included', async () => {
    for (const path of ['/api/v1/namespaces/default/secrets', '/api/v1/namespaces/default/configmaps/x', '/version', '/healthz', '/apis', '/openapi/v2', '/nope']) {
      expect(await http(sandbox, 'GET', path, undefined, { Authorization: '' })).toMatchObject({ status: 401, body: UNAUTHORIZED });
      expect(await http(sandbox, 'GET', path, undefined, { Authorization: `Bearer ${sandbox.token}x` })).toMatchObject({ status: 401, body: UNAUTHORIZED });
    }
    for (const scheme of ['Basic', 'Bearer', '']) {
      expect((await http(sandbox, 'GET', '/version', undefined, { Authorization: `${scheme} ${sandbox.token.slice(1)}` })).status).toBe(401);
    }
    // A write without the token changes nothing.
    const refused = await http(sandbox, 'POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: 'sneaky' } }, { Authorization: '' });
    expect(refused.status).toBe(401);
    expect(sandbox.api.get(RESOURCES.configMaps, 'default', 'sneaky')).toBeUndefined();
  });

  test('the token is read as upstream\'s bearer authenticator reads it: the scheme in any case, surrounding space trimmed', async () => {
    expect((await http(sandbox, 'GET', '/version', undefined, { Authorization: `bearer ${sandbox.token}` })).status).toBe(200);
    expect((await http(sandbox, 'GET', '/version', undefined, { Authorization: `  BEARER ${sandbox.token}  ` })).status).toBe(200);
  });

  test('a request addressed to another host is refused before the token is looked at (DNS rebinding)', async () => {
    const port = Number(new URL(sandbox.url).port);
    const get = (host: string) => rawExchange(sandbox, `GET /api/v1/namespaces/default/secrets HTTP/1.1\r\nHost: ${host}\r\nAuthorization: Bearer ${sandbox.token}\r\nConnection: close\r\n\r\n`);
    for (const host of ['attacker.example:443', `attacker.example:${port}`, '127.0.0.1', `127.0.0.1:${port + 1}`, `127.0.0.1.attacker.example:${port}`]) {
      const answer = await get(host);
      expect(answer.status).toBe(403);
      expect(JSON.parse(answer.body)).toMatchObject({ kind: 'Status', reason: 'Forbidden', code: 403 });
      expect(JSON.parse(answer.body).message).toContain(`host ${JSON.stringify(host)} is not allowed`);
    }
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `LocalHost:${port}`, `[::1]:${port}`]) {
      expect((await get(host)).status).toBe(200);
    }
  });

  test('a request without a Host header is refused', async () => {
    const answer = await rawExchange(sandbox, `GET /version HTTP/1.0\r\nAuthorization: Bearer ${sandbox.token}\r\n\r\n`);
    expect(answer.status).toBe(403);
  });

  test('a client that does not trust the certificate refuses the server', async () => {
    const untrusted = new Promise<string>((resolve) => {
      request(`${sandbox.url}/version`, { headers: authorization(sandbox) }, () => resolve('answered')).on('error', (error) => resolve((error as NodeJS.ErrnoException).code ?? error.message)).end();
    });
    expect(await untrusted).toBe('DEPTH_ZERO_SELF_SIGNED_CERT');
    const trusted = await new Promise<number>((resolve, reject) => {
      request(`${sandbox.url}/version`, clientOptions(sandbox), (res) => resolve(res.statusCode!)).on('error', reject).end();
    });
    expect(trusted).toBe(200);
  });

  test('kubectl reads the token from the kubeconfig (it sends credentials only over TLS) and verifies the server', async () => {
    const created = await kubectl(sandbox, ['create', 'configmap', 'via-kubectl', '--from-literal=a=1']);
    expect(created).toMatchObject({ code: 0, stdout: 'configmap/via-kubectl created\n' });
    const secrets = await kubectl(sandbox, ['get', 'secrets', '-A']);
    expect(secrets.code).toBe(0);
  });
});

describe('SandboxAccess', () => {
  const access = new SandboxAccess('s3cret', () => 8443);

  test('refuses another host with 403, then a missing or wrong token with 401, and lets the rest through', () => {
    expect(access.refusal({ host: 'evil.example:8443', authorization: 'Bearer s3cret' })?.code).toBe(403);
    expect(access.refusal({ host: 'localhost:8443' })?.code).toBe(401);
    expect(access.refusal({ host: 'localhost:8443', authorization: 'Bearer s3cre' })?.code).toBe(401);
    expect(access.refusal({ host: 'localhost:8443', authorization: 'Bearer s3cret' })).toBeUndefined();
    expect(access.refusal({ host: '127.0.0.1:8443', authorization: 'Bearer s3cret extra' })).toBeUndefined();
  });
});

describe('selfSignedCertificate', () => {
  test('a P-256 CA certificate for localhost, 127.0.0.1 and ::1, valid from an hour ago for a year, signed by itself', () => {
    const now = new Date('2026-12-07T10:00:00Z');
    const certificate = new X509Certificate(selfSignedCertificate(now).certificate);
    expect(certificate.subjectAltName).toBe('DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1');
    expect(certificate.ca).toBe(true);
    expect(certificate.subject).toBe('CN=kubectl-stage sandbox');
    expect(new Date(certificate.validFrom).toISOString()).toBe('2026-12-07T09:00:00.000Z');
    expect(new Date(certificate.validTo).toISOString()).toBe('2027-12-07T10:00:00.000Z');
    expect(certificate.verify(certificate.publicKey)).toBe(true);
    expect(certificate.publicKey.asymmetricKeyDetails).toEqual({ namedCurve: 'prime256v1' });
  });

  test('each certificate has its own key and serial', () => {
    const [a, b] = [selfSignedCertificate(), selfSignedCertificate()].map((tls) => new X509Certificate(tls.certificate));
    expect(a.serialNumber).not.toBe(b.serialNumber);
    expect(a.verify(b.publicKey)).toBe(false);
  });
});
