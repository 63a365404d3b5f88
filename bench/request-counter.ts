// A counting HTTP proxy in front of the sandbox: both sides of the promotion benchmark (our engine through
// client-node, the kubectl loop) reach the sandbox through it, so their API requests are counted the same way,
// on the wire, watches and discovery included.
import * as fs from 'fs';
import { createServer, request, Server } from 'http';
import { AddressInfo } from 'net';
import * as path from 'path';

/** Requests seen by the proxy, by kind. */
export interface RequestCounts {
  /** Every request. */
  readonly total: number;
  /** Requests with `watch=1` / `watch=true`: long-lived streams. */
  readonly watches: number;
  /** GETs that are not watches (gets, lists, discovery). */
  readonly reads: number;
  /** POST, PUT, PATCH and DELETE. */
  readonly writes: number;
}

/** A running counting proxy. */
export interface RequestCounter {
  /** `http://127.0.0.1:PORT` of the proxy. */
  readonly url: string;
  /** The counts since the start or the last reset. */
  counts(): RequestCounts;
  /** Starts counting from zero. */
  reset(): void;
  /** Writes a copy of the kubeconfig at `kubeconfigPath` whose server is the proxy, to `targetPath`. */
  writeKubeconfig(kubeconfigPath: string, targetPath: string, upstreamUrl: string): void;
  /** Closes the proxy and every open connection. */
  close(): Promise<void>;
}

function isWatch(url: string): boolean {
  return /[?&]watch=(1|true)(&|$)/.test(url);
}

/** Starts a proxy on a free port of 127.0.0.1 that forwards every request to `upstream` and counts it. */
export async function startRequestCounter(upstream: string): Promise<RequestCounter> {
  let counts = { total: 0, watches: 0, reads: 0, writes: 0 };
  const target = new URL(upstream);
  const server: Server = createServer((req, res) => {
    const url = req.url ?? '/';
    counts = {
      total: counts.total + 1,
      watches: counts.watches + (isWatch(url) ? 1 : 0),
      reads: counts.reads + (req.method === 'GET' && !isWatch(url) ? 1 : 0),
      writes: counts.writes + (req.method !== 'GET' ? 1 : 0),
    };
    const forward = request({ host: target.hostname, port: target.port, method: req.method, path: url, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      // Send the headers now: a watch answers them long before its first event, and clients wait for them.
      res.flushHeaders();
      answer.pipe(res);
    });
    forward.on('error', () => res.destroy());
    res.on('close', () => forward.destroy());
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    counts: () => counts,
    reset: () => {
      counts = { total: 0, watches: 0, reads: 0, writes: 0 };
    },
    writeKubeconfig: (kubeconfigPath, targetPath, upstreamUrl) => {
      fs.mkdirSync(path.dirname(targetPath), { recursive: true });
      fs.writeFileSync(targetPath, fs.readFileSync(kubeconfigPath, 'utf8').split(upstreamUrl).join(url), { mode: 0o600 });
    },
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
