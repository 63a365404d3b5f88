import * as fs from 'fs';
import { createServer, get, request, Server } from 'http';
import { AddressInfo } from 'net';
import * as os from 'os';
import * as path from 'path';
import { RequestCounter, startRequestCounter } from '../../bench/request-counter';

let upstream: Server;
let counter: RequestCounter;

beforeAll(async () => {
  // An upstream that answers lists at once and holds watches open after sending their headers, as the API server does.
  upstream = createServer((req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    if (req.url?.includes('watch=1')) {
      res.flushHeaders();
      return;
    }
    res.end(JSON.stringify({ method: req.method, url: req.url }));
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  counter = await startRequestCounter(`http://127.0.0.1:${(upstream.address() as AddressInfo).port}`);
});

afterAll(async () => {
  await counter.close();
  upstream.closeAllConnections();
  await new Promise((resolve) => upstream.close(resolve));
});

function send(method: string, urlPath: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${counter.url}${urlPath}`, { method }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('forwards requests and counts reads, writes and watches', async () => {
  counter.reset();
  expect(await send('GET', '/api/v1/pods')).toEqual({ status: 200, body: '{"method":"GET","url":"/api/v1/pods"}' });
  await send('PATCH', '/apis/apps/v1/namespaces/default/statefulsets/kafka');
  await send('GET', '/apis/apps/v1');
  expect(counter.counts()).toEqual({ total: 3, reads: 2, writes: 1, watches: 0 });
});

test('passes a watch\'s headers on before its first event, so a watching client is not held up', async () => {
  counter.reset();
  const status = await new Promise<number>((resolve, reject) => {
    const req = get(`${counter.url}/api/v1/pods?watch=1&resourceVersion=5`, (res) => {
      resolve(res.statusCode!);
      res.destroy();
    });
    req.on('error', reject);
  });
  expect(status).toBe(200);
  expect(counter.counts()).toEqual({ total: 1, reads: 0, writes: 0, watches: 1 });
});

test('writes a kubeconfig that points at the proxy', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'request-counter-test-'));
  try {
    fs.writeFileSync(path.join(dir, 'in'), 'clusters:\n- cluster:\n    server: http://127.0.0.1:1234\n  name: sandbox\n');
    counter.writeKubeconfig(path.join(dir, 'in'), path.join(dir, 'out'), 'http://127.0.0.1:1234');
    expect(fs.readFileSync(path.join(dir, 'out'), 'utf8')).toBe(`clusters:\n- cluster:\n    server: ${counter.url}\n  name: sandbox\n`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
