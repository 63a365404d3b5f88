// The API server's bounds on what a client sends: 3 MiB bodies (413 beyond), 1.5 MiB stored objects (etcd's 500),
// 1 MiB of request line and headers (a 5,000-term selector is read; beyond, Node's bare 431 as Go's), and a body that
// stalls answered 504 instead of being held open.
import { connect } from 'node:tls';
import { CONFIGMAPS, configMap } from './manifests';
import { RESOURCES } from '../../../src/sandbox/api';
import { VirtualClock } from '../../../src/sandbox/clock';
import { ApiServer } from '../../../src/sandbox/server/api-server';
import { FaultInjector } from '../../../src/sandbox/server/faults';
import { MAX_REQUEST_BODY_BYTES } from '../../../src/sandbox/server/request-body';
import { selfSignedCertificate } from '../../../src/sandbox/server/self-signed-certificate';
import { Sandbox, startSandbox } from '../../../src/sandbox/start-sandbox';
import { SandboxStore } from '../../../src/sandbox/store';
import { http, rawExchange } from '../../support/sandbox-clients';

jest.setTimeout(30_000);

const TOO_LARGE = {
  kind: 'Status',
  apiVersion: 'v1',
  metadata: {},
  status: 'Failure',
  message: 'Request entity too large: limit is 3145728',
  reason: 'RequestEntityTooLarge',
  code: 413,
};

describe('request bounds', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ clock: 'virtual', nodes: 1 });
  });
  afterAll(() => sandbox.stop());

  test('a body over 3 MiB is read to its end and answered upstream\'s 413, nothing stored', async () => {
    const big = configMap('big', { blob: 'x'.repeat(MAX_REQUEST_BODY_BYTES) });
    expect(await http(sandbox, 'POST', CONFIGMAPS, big)).toMatchObject({ status: 413, body: TOO_LARGE });
    expect(sandbox.api.get(RESOURCES.configMaps, 'default', 'big')).toBeUndefined();
    // The connection stays usable: the 413 came after the whole body.
    expect((await http(sandbox, 'GET', `${CONFIGMAPS}`)).status).toBe(200);
  });

  test('a chunked body (no Content-Length) over 3 MiB is refused the same way', async () => {
    const chunk = 'x'.repeat(64 * 1024);
    const chunks = Math.ceil(MAX_REQUEST_BODY_BYTES / chunk.length) + 1;
    const body = `${`${chunk.length.toString(16)}\r\n${chunk}\r\n`.repeat(chunks)}0\r\n\r\n`;
    const answer = await rawExchange(sandbox, `POST ${CONFIGMAPS} HTTP/1.1\r\nHost: ${new URL(sandbox.url).host}\r\n`
      + `Authorization: Bearer ${sandbox.token}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n${body}`);
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body)).toEqual(TOO_LARGE);
  });

  test('a body under 3 MiB is read; an object over etcd\'s 1.5 MiB gets upstream\'s 500, also one a patch grows', async () => {
    // ControllerRevision data has no size rule of its own (a ConfigMap's 1 MiB of data would be refused first upstream).
    const revisions = '/apis/apps/v1/namespaces/default/controllerrevisions';
    const revision = (name: string, blob: string) => ({ apiVersion: 'apps/v1', kind: 'ControllerRevision', metadata: { name }, revision: 1, data: { blob } });
    const stored = await http(sandbox, 'POST', revisions, revision('large', 'x'.repeat(MAX_REQUEST_BODY_BYTES - 200)));
    expect(stored).toMatchObject({
      status: 500,
      body: { kind: 'Status', status: 'Failure', code: 500, message: 'etcdserver: request is too large' },
    });
    expect(stored.body.reason).toBeUndefined();
    expect(sandbox.api.get(RESOURCES.controllerRevisions, 'default', 'large')).toBeUndefined();
    expect((await http(sandbox, 'POST', revisions, revision('grows', 'x'.repeat(1024 * 1024)))).status).toBe(201);
    const grown = await http(sandbox, 'PATCH', `${revisions}/grows`, { data: { more: 'y'.repeat(1024 * 1024) } }, { 'Content-Type': 'application/merge-patch+json' });
    expect(grown).toMatchObject({ status: 500, body: { message: 'etcdserver: request is too large' } });
    expect(sandbox.api.get(RESOURCES.controllerRevisions, 'default', 'grows')?.data?.more).toBeUndefined();
  });

  test('a 5,000-term label selector is read and answered (upstream reads 1 MiB of request line and headers)', async () => {
    sandbox.api.create(RESOURCES.configMaps, configMap('labelled', {}, { k0: 'v0' }));
    const selector = Array.from({ length: 5000 }, (_, index) => `k${index}=v${index}`).join(',');
    const list = await http(sandbox, 'GET', `${CONFIGMAPS}?labelSelector=${encodeURIComponent(selector)}`);
    expect(list.status).toBe(200);
    expect(list.body.items).toEqual([]);
    const one = await http(sandbox, 'GET', `${CONFIGMAPS}?labelSelector=${encodeURIComponent(selector.split(',')[0])}`);
    expect(one.body.items.map((item: any) => item.metadata.name)).toEqual(['labelled']);
  });

  test('a request line and headers over 1 MiB are refused with the bare 431 Go\'s server sends too, and the server goes on', async () => {
    const answer = await rawExchange(sandbox, `GET ${CONFIGMAPS}?labelSelector=${'a'.repeat(1024 * 1024 + 1)} HTTP/1.1\r\n`
      + `Host: ${new URL(sandbox.url).host}\r\nAuthorization: Bearer ${sandbox.token}\r\nConnection: close\r\n\r\n`)
      .catch((error: NodeJS.ErrnoException) => ({ status: error.code, body: '' }));
    // The server answers 431 and closes at once; a client still sending may see the reset before the answer.
    expect([431, 'ECONNRESET', 'EPIPE']).toContain(answer.status);
    expect((await http(sandbox, 'GET', '/version')).status).toBe(200);
  });
});

describe('a watcher that stops reading', () => {
  test('has its stream ended once 64 MiB wait unread, instead of the server buffering every later event', async () => {
    const sandbox = await startSandbox({ clock: 'virtual', nodes: 1 });
    try {
      const socket = connect({ host: '127.0.0.1', port: Number(new URL(sandbox.url).port), ca: sandbox.certificate });
      await new Promise<void>((resolve) => socket.once('secureConnect', () => resolve()));
      socket.write(`GET ${CONFIGMAPS}?watch=1 HTTP/1.1\r\nHost: ${new URL(sandbox.url).host}\r\nAuthorization: Bearer ${sandbox.token}\r\n\r\n`);
      await new Promise<void>((resolve) => socket.once('data', () => resolve()));
      socket.pause();
      // 150 events of 700 KiB each (105 MiB) while the client reads nothing.
      const blob = 'x'.repeat(700 * 1024);
      for (let i = 0; i < 150; i++) {
        sandbox.api.create(RESOURCES.configMaps, configMap(`c${i}`, { blob }));
      }
      let received = 0;
      socket.on('data', (chunk: Buffer) => { received += chunk.length; });
      socket.resume();
      await new Promise<void>((resolve) => socket.once('end', () => resolve()));
      socket.destroy();
      // The stream ended short of the 105 MiB of events.
      expect(received).toBeLessThan(150 * 700 * 1024);
      expect(received).toBeGreaterThan(64 * 1024 * 1024);
    } finally {
      await sandbox.stop();
    }
  });
});

describe('a stalled body', () => {
  test('is answered upstream\'s 504 Timeout Status when the request timeout passes, and the connection closed', async () => {
    const clock = new VirtualClock();
    const tls = selfSignedCertificate();
    const server = await ApiServer.listen({
      api: new SandboxStore({ clock }),
      clock,
      currentResourceVersion: () => '1',
      faults: () => new FaultInjector({}),
      token: 't0ken',
      tls,
      bodyTimeoutMs: 50,
    });
    try {
      const answer = await new Promise<string>((resolve, reject) => {
        const socket = connect({ host: '127.0.0.1', port: server.port, ca: tls.certificate }, () => {
          // Promises 100 bytes, sends 2, then waits.
          socket.write(`POST /api/v1/namespaces/default/configmaps HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\n`
            + 'Authorization: Bearer t0ken\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"');
        });
        const chunks: Buffer[] = [];
        socket.on('data', (chunk: Buffer) => chunks.push(chunk));
        socket.on('error', reject);
        socket.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
      });
      expect(answer).toMatch(/^HTTP\/1\.1 504 /);
      expect(answer).toMatch(/\r\nconnection: close\r\n/i);
      expect(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4))).toEqual({
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        reason: 'Timeout',
        code: 504,
        details: {},
        message: 'Timeout: request did not complete within requested timeout - context deadline exceeded',
      });
      expect(server.requestsInFlight).toBe(0);
    } finally {
      await server.close();
    }
  });
});
