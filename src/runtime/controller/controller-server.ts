// The controller's HTTP endpoints: /metrics (Prometheus text format 0.0.4), /healthz (the process serves) and /readyz
// (what the probe of a Deployment asks: the controller can do its work). Nothing else is served.
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';

/** What the endpoints answer from. */
export interface ControllerEndpoints {
  /** The metrics in Prometheus text format. */
  readonly metrics: () => string;
  /** Why the controller is not ready yet, or undefined when it is. */
  readonly notReady: () => string | undefined;
}

/** A started endpoint server. */
export interface ControllerServer {
  /** The port it listens on (the one asked for, or the one the system chose for port 0). */
  readonly port: number;
  /** Stops listening and closes open connections. */
  close(): Promise<void>;
}

/** The content type of the Prometheus text exposition format. */
export const PROMETHEUS_TEXT_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/**
 * Serves the endpoints on `host:port`.
 * @param host the address to bind; empty for every interface
 */
export async function startControllerServer(host: string, port: number, endpoints: ControllerEndpoints): Promise<ControllerServer> {
  const server: Server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    const answer = (code: number, body: string, type = 'text/plain; charset=utf-8') => {
      response.writeHead(code, { 'Content-Type': type, 'Cache-Control': 'no-store' });
      response.end(request.method === 'HEAD' ? undefined : body);
    };
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      answer(405, 'method not allowed\n');
    } else if (path === '/metrics') {
      answer(200, endpoints.metrics(), PROMETHEUS_TEXT_CONTENT_TYPE);
    } else if (path === '/healthz') {
      answer(200, 'ok\n');
    } else if (path === '/readyz') {
      const why = endpoints.notReady();
      answer(why === undefined ? 200 : 503, why === undefined ? 'ok\n' : `not ready: ${why}\n`);
    } else {
      answer(404, 'not found\n');
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host === '' ? undefined : host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
