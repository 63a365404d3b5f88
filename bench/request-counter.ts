// A counting HTTPS proxy in front of the sandbox: both sides of the promotion benchmark (our engine through
// client-node, the kubectl loop) reach the sandbox through it, so their API requests are counted the same way,
// on the wire, watches and discovery included. It serves TLS with a certificate of its own (kubectl sends the
// kubeconfig's bearer token only over TLS) and passes each request on, token included, to the sandbox.
import * as fs from 'fs';
import { createServer, request, Server } from 'https';
import { AddressInfo } from 'net';
import * as path from 'path';
import { parse, stringify } from 'yaml';
import { selfSignedCertificate } from '../src/sandbox/server/self-signed-certificate';

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
  /** Every request by Kubernetes verb (get, list, watch, create, update, patch, delete; `discovery` for /api, /apis, /version, /openapi). */
  readonly byVerb: Readonly<Record<string, number>>;
}

/** A running counting proxy. */
export interface RequestCounter {
  /** `https://127.0.0.1:PORT` of the proxy. */
  readonly url: string;
  /** The counts since the start or the last reset. */
  counts(): RequestCounts;
  /** Starts counting from zero. */
  reset(): void;
  /** Writes a copy of the kubeconfig at `kubeconfigPath` whose clusters are the proxy, to `targetPath`. */
  writeKubeconfig(kubeconfigPath: string, targetPath: string): void;
  /** Closes the proxy and every open connection. */
  close(): Promise<void>;
}

function isWatch(url: string): boolean {
  return /[?&]watch=(1|true)(&|$)/.test(url);
}

const VERB_OF_WRITE: Record<string, string> = { POST: 'create', PUT: 'update', PATCH: 'patch', DELETE: 'delete' };

/**
 * The Kubernetes verb of a request, as the API server's request info names it: a GET of a named object is `get`, of a
 * collection `list` (or `watch`); a path that names no resource is `discovery`.
 */
function verbOf(method: string, url: string): string {
  const segments = url.split('?')[0].split('/').filter((s) => s !== '');
  const rest = segments[0] === 'api' ? segments.slice(2) : segments[0] === 'apis' ? segments.slice(3) : [];
  // namespaces/NS/RESOURCE[/NAME[/SUBRESOURCE]], or RESOURCE[/NAME...] (namespaces/NS itself is a named namespace).
  const resourcePath = rest[0] === 'namespaces' && rest.length >= 3 ? rest.slice(2) : rest;
  if (resourcePath.length === 0) {
    return 'discovery';
  }
  if (method !== 'GET') {
    return VERB_OF_WRITE[method] ?? method.toLowerCase();
  }
  return isWatch(url) ? 'watch' : resourcePath.length >= 2 ? 'get' : 'list';
}

/** The server a proxy forwards to. */
export interface ProxyUpstream {
  /** `https://HOST:PORT`. */
  readonly url: string;
  /** The upstream's certificate authority (PEM). */
  readonly certificate: string;
}

/** Starts a proxy on a free port of 127.0.0.1 that forwards every request to `upstream` and counts it. */
export async function startRequestCounter(upstream: ProxyUpstream): Promise<RequestCounter> {
  const zero = (): RequestCounts => ({ total: 0, watches: 0, reads: 0, writes: 0, byVerb: {} });
  let counts = zero();
  const target = new URL(upstream.url);
  const tls = selfSignedCertificate();
  const server: Server = createServer({ cert: tls.certificate, key: tls.privateKey }, (req, res) => {
    const url = req.url ?? '/';
    const verb = verbOf(req.method ?? 'GET', url);
    counts = {
      total: counts.total + 1,
      watches: counts.watches + (isWatch(url) ? 1 : 0),
      reads: counts.reads + (req.method === 'GET' && !isWatch(url) ? 1 : 0),
      writes: counts.writes + (req.method !== 'GET' ? 1 : 0),
      byVerb: { ...counts.byVerb, [verb]: (counts.byVerb[verb] ?? 0) + 1 },
    };
    // The sandbox answers only requests addressed to itself: the Host header names the upstream, not the proxy.
    const headers = { ...req.headers, host: target.host };
    const options = { host: target.hostname, port: target.port, method: req.method, path: url, headers, ca: upstream.certificate };
    const forward = request(options, (answer) => {
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
  const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    counts: () => counts,
    reset: () => {
      counts = zero();
    },
    writeKubeconfig: (kubeconfigPath, targetPath) => {
      const kubeconfig = parse(fs.readFileSync(kubeconfigPath, 'utf8'));
      for (const { cluster } of kubeconfig.clusters ?? []) {
        cluster.server = url;
        cluster['certificate-authority-data'] = Buffer.from(tls.certificate).toString('base64');
      }
      fs.mkdirSync(path.dirname(targetPath), { recursive: true });
      fs.writeFileSync(targetPath, stringify(kubeconfig), { mode: 0o600 });
    },
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
