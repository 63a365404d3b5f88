import * as fs from 'fs';
import { createServer, get, request, Server } from 'https';
import { AddressInfo } from 'net';
import * as os from 'os';
import * as path from 'path';
import { parse } from 'yaml';
import { RequestCounter, startRequestCounter } from '../../bench/request-counter';
import { selfSignedCertificate } from '../../src/sandbox/server/self-signed-certificate';

let upstream: Server;
let counter: RequestCounter;
// What the proxy presents: its certificate authority, read from the kubeconfig it writes.
let proxyCertificate: string;

beforeAll(async () => {
  // An upstream that answers lists at once and holds watches open after sending their headers, as the API server does.
  const tls = selfSignedCertificate();
  upstream = createServer({ cert: tls.certificate, key: tls.privateKey }, (req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    if (req.url?.includes('watch=1')) {
      res.flushHeaders();
      return;
    }
    res.end(JSON.stringify({ method: req.method, url: req.url, host: req.headers.host, authorization: req.headers.authorization }));
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  counter = await startRequestCounter({ url: `https://127.0.0.1:${(upstream.address() as AddressInfo).port}`, certificate: tls.certificate });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'request-counter-ca-'));
  fs.writeFileSync(path.join(dir, 'in'), 'clusters:\n- cluster:\n    server: https://127.0.0.1:1\n  name: sandbox\n');
  counter.writeKubeconfig(path.join(dir, 'in'), path.join(dir, 'out'));
  proxyCertificate = Buffer.from(parse(fs.readFileSync(path.join(dir, 'out'), 'utf8')).clusters[0].cluster['certificate-authority-data'], 'base64').toString();
  fs.rmSync(dir, { recursive: true, force: true });
});

afterAll(async () => {
  await counter.close();
  upstream.closeAllConnections();
  await new Promise((resolve) => upstream.close(resolve));
});

function send(method: string, urlPath: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${counter.url}${urlPath}`, { method, ca: proxyCertificate, headers: { Authorization: 'Bearer t0ken' } }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('forwards requests with their token, addressed to the upstream (the sandbox checks Host), and counts reads, writes and watches', async () => {
  counter.reset();
  const upstreamHost = `127.0.0.1:${(upstream.address() as AddressInfo).port}`;
  expect(await send('GET', '/api/v1/pods')).toEqual({
    status: 200,
    body: JSON.stringify({ method: 'GET', url: '/api/v1/pods', host: upstreamHost, authorization: 'Bearer t0ken' }),
  });
  await send('PATCH', '/apis/apps/v1/namespaces/default/statefulsets/kafka');
  await send('GET', '/apis/apps/v1');
  expect(counter.counts()).toEqual({ total: 3, reads: 2, writes: 1, watches: 0, byVerb: { list: 1, patch: 1, discovery: 1 } });
});

test('passes a watch\'s headers on before its first event, so a watching client is not held up', async () => {
  counter.reset();
  const status = await new Promise<number>((resolve, reject) => {
    const req = get(`${counter.url}/api/v1/pods?watch=1&resourceVersion=5`, { ca: proxyCertificate }, (res) => {
      resolve(res.statusCode!);
      res.destroy();
    });
    req.on('error', reject);
  });
  expect(status).toBe(200);
  expect(counter.counts()).toEqual({ total: 1, reads: 0, writes: 0, watches: 1, byVerb: { watch: 1 } });
});

test('writes a kubeconfig that points at the proxy and trusts its certificate, keeping the user', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'request-counter-test-'));
  try {
    fs.writeFileSync(path.join(dir, 'in'), 'clusters:\n- cluster:\n    server: https://127.0.0.1:1234\n    certificate-authority-data: QQ==\n  name: sandbox\nusers:\n- name: sandbox\n  user:\n    token: t0ken\n');
    counter.writeKubeconfig(path.join(dir, 'in'), path.join(dir, 'out'));
    expect(parse(fs.readFileSync(path.join(dir, 'out'), 'utf8'))).toEqual({
      clusters: [{ name: 'sandbox', cluster: { 'server': counter.url, 'certificate-authority-data': Buffer.from(proxyCertificate).toString('base64') } }],
      users: [{ name: 'sandbox', user: { token: 't0ken' } }],
    });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
