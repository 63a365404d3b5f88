// The sandbox's HTTPS listener on 127.0.0.1: checks who is asking (access.ts), reads each request within upstream's
// bounds (request-body.ts), routes it to discovery, OpenAPI or a resource handler, applies injected faults, and answers
// JSON (or a watch stream). It counts the requests being worked on so the virtual clock can wait for HTTP clients to
// settle before moving time.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, Server } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { RESOURCES, SandboxApi } from '../api';
import type { SandboxClock } from '../clock';
import { SandboxAccess } from './access';
import { handleDelete } from './delete-handler';
import { apiGroup, apiGroupList, apiResourceList, apiVersions, versionInfo } from './discovery';
import { handleEviction, isEviction } from './eviction-handler';
import { injectedFault } from './fault-status';
import { FaultInjector } from './faults';
import { refuseDeepBody } from './json-depth';
import { ListPages } from './list-pages';
import { sizeLimited } from './object-size';
import { openapiV2, openapiV3GroupVersion, openapiV3Root } from './openapi';
import { handlePatch } from './patch-handler';
import { handleUpgrade } from './pod-exec';
import { PodMetrics } from '../pod-metrics';
import { handleGet } from './read-handler';
import { ApiRequest, ApiResponse, isWatch } from './request';
import { MAX_REQUEST_BODY_BYTES, readRequestBody, REQUEST_TIMEOUT_MS } from './request-body';
import { DocumentRoute, parseRoute, requestUrl, ResourceRoute } from './routes';
import type { SelfSignedCertificate } from './self-signed-certificate';
import { methodNotAllowed, notServed, statusOfError } from './status';
import { openWatchStream, WatchStream } from './watch-stream';
import { handleCreate, handleUpdate } from './write-handler';

/** Options of {@link ApiServer.listen}. */
export interface ApiServerOptions {
  /** The store to serve. */
  readonly api: SandboxApi;
  /** The store's current resourceVersion (watch bookmarks carry it). */
  readonly currentResourceVersion: () => string;
  /** The sandbox clock: fault latency, bookmarks, watch timeouts and Table ages run on it. */
  readonly clock: SandboxClock;
  /** The pods' simulated metrics endpoints, which `pods/<name>/proxy/...` reaches. @default none: no pod listens */
  readonly podMetrics?: PodMetrics;
  /** The fault policy in force; read per request so it can be replaced while the server runs. */
  readonly faults: () => FaultInjector;
  /** The bearer token every request must carry (`Authorization: Bearer <token>`). */
  readonly token: string;
  /** The server's TLS certificate and key. */
  readonly tls: SelfSignedCertificate;
  /**
   * Real milliseconds a request body may take to arrive before the request is answered 504.
   * @default 60_000 (upstream's default request timeout)
   */
  readonly bodyTimeoutMs?: number;
  /**
   * TCP port on 127.0.0.1; 0 picks a free one.
   * @default 0
   */
  readonly port?: number;
}

/** The sandbox's HTTP API server. */
export class ApiServer {
  /** Starts listening on 127.0.0.1. */
  public static async listen(options: ApiServerOptions): Promise<ApiServer> {
    const server = new ApiServer(options);
    await server.start(options.port ?? 0);
    return server;
  }

  private server: Server | undefined;
  private boundPort = 0;
  private busy = 0;
  private readonly watches = new Set<WatchStream>();
  private readonly pages = new ListPages(() => this.options.clock.now());
  private readonly access: SandboxAccess;
  // What HTTP clients write goes through etcd's object size limit.
  private readonly sizeLimitedApi: SandboxApi;
  // Connections whose first request has not arrived, by connectionKey: the release of their in-flight count.
  private readonly handshakes = new Map<string, () => void>();

  private constructor(private readonly options: ApiServerOptions) {
    this.access = new SandboxAccess(options.token, () => this.boundPort);
    this.sizeLimitedApi = sizeLimited(options.api);
  }

  /** `https://127.0.0.1:PORT`. */
  public get url(): string {
    return `https://127.0.0.1:${this.boundPort}`;
  }

  /** The port listened on. */
  public get port(): number {
    return this.boundPort;
  }

  /** Requests being read or worked on (not those waiting on the sandbox clock, nor open watch streams). */
  public get requestsInFlight(): number {
    return this.busy;
  }

  /** Ends every watch stream and stops listening; open keep-alive connections are closed. */
  public async close(): Promise<void> {
    for (const watch of [...this.watches]) {
      watch.close();
    }
    const server = this.server;
    this.server = undefined;
    if (!server) {
      return;
    }
    await new Promise<void>((resolve, reject) => {
      server.close((error) => (error ? reject(error) : resolve()));
      server.closeAllConnections();
    });
  }

  /** Closes (ending every watch) and listens again on the same port; the store keeps its state. */
  public async restart(): Promise<void> {
    await this.close();
    await this.start(this.boundPort);
  }

  private async start(port: number): Promise<void> {
    // Upstream's http.Server (apiserver secure_serving.go): MaxHeaderBytes 1 MiB, so a long label selector in the
    // URL is read (Node's own 16 KiB limit would answer a bare 431), and ReadHeaderTimeout 32 s.
    const { certificate, privateKey } = this.options.tls;
    const server = createServer({ cert: certificate, key: privateKey, maxHeaderSize: MAX_HEADER_BYTES },
      (request, response) => this.serve(request, response));
    server.headersTimeout = HEADERS_TIMEOUT_MS;
    server.keepAliveTimeout = 60_000;
    server.on('connection', (socket: Socket) => this.trackHandshake(socket));
    // kubectl exec asks for a WebSocket: pods/exec is the one upgrade served (pod-exec.ts).
    server.on('upgrade', (request: IncomingMessage, socket: Duplex) => handleUpgrade(this.options.api, request, socket, this.access.refusal(request.headers)));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.removeListener('error', reject);
        resolve();
      });
    });
    this.server = server;
    this.boundPort = (server.address() as AddressInfo).port;
  }

  // A new connection counts as in flight until its first request arrives (or it closes): the TLS handshake takes
  // several event-loop turns, and the virtual clock must not take them for a client that has settled.
  private trackHandshake(socket: Socket): void {
    const key = connectionKey(socket);
    const tracker = this.track();
    const release = () => {
      tracker.release();
      if (this.handshakes.get(key) === release) {
        this.handshakes.delete(key);
      }
    };
    this.handshakes.set(key, release);
    socket.once('close', release);
  }

  private serve(request: IncomingMessage, response: ServerResponse): void {
    this.handshakes.get(connectionKey(request.socket))?.();
    const tracker = this.track();
    response.on('close', () => tracker.release());
    const refusal = this.access.refusal(request.headers);
    if (refusal) {
      // Whatever body came with it is discarded unread.
      request.resume();
      send(response, refusal.code, statusOfError(refusal));
      tracker.release();
      return;
    }
    readRequestBody(request, { maxBytes: MAX_REQUEST_BODY_BYTES, timeoutMs: this.options.bodyTimeoutMs ?? REQUEST_TIMEOUT_MS })
      .then((body) => this.route(request, body, response, tracker), (error) => {
        // A body that has not ended (the timeout) leaves the connection mid-request: answer and close it.
        const status = statusOfError(error);
        send(response, status.code, status, status.code === 413 ? {} : { Connection: 'close' });
      })
      .catch((error) => send(response, statusOfError(error).code, statusOfError(error)))
      .finally(() => tracker.release());
  }

  private async route(request: IncomingMessage, body: Buffer, response: ServerResponse, tracker: InFlightTracker): Promise<void> {
    const url = requestUrl(request.url ?? '/');
    const route = parseRoute(url.pathname);
    if (route.kind === 'unknown') {
      throw notServed();
    }
    if (route.kind !== 'resource') {
      if (request.method !== 'GET' && request.method !== 'HEAD') {
        throw methodNotAllowed();
      }
      const { contentType, body: document } = this.document(route, request);
      response.writeHead(200, { 'Content-Type': contentType, 'Content-Length': document.length });
      response.end(document);
      return;
    }
    const apiRequest: ApiRequest = {
      method: request.method ?? 'GET',
      route,
      query: url.searchParams,
      accept: request.headers.accept ?? '',
      contentType: request.headers['content-type'] ?? '',
      userAgent: request.headers['user-agent'],
      body: body.toString('utf8'),
      bytes: body,
    };
    const watch = apiRequest.method === 'GET' && isWatch(apiRequest);
    const decision = this.options.faults().decide(verbOf(apiRequest, watch), faultResource(route));
    if (decision.delayMs > 0) {
      // Time spent waiting on the sandbox clock is not "in flight": a virtual clock must be free to advance to it.
      tracker.release();
      await new Promise<void>((resolve) => this.options.clock.setTimer(decision.delayMs, resolve));
      if (response.destroyed) {
        return;
      }
      tracker.acquire();
    }
    if (decision.status) {
      const error = injectedFault(decision.status, route);
      send(response, decision.status, statusOfError(error), decision.status === 429 ? { 'Retry-After': '1' } : {});
      return;
    }
    if (watch) {
      // The stream may end while it opens (a 410, a drop during replay): it is only registered if still open.
      let ended = false;
      let stream: WatchStream | undefined;
      stream = openWatchStream({
        api: this.options.api,
        clock: this.options.clock,
        currentResourceVersion: this.options.currentResourceVersion,
        shouldDrop: (sent) => this.options.faults().shouldDropWatch(sent),
      }, apiRequest, response, () => {
        ended = true;
        if (stream) {
          this.watches.delete(stream);
        }
      });
      if (!ended) {
        this.watches.add(stream);
      }
      tracker.release();
      return;
    }
    if (route.subresource === 'proxy' && route.type === RESOURCES.pods && route.name !== undefined) {
      this.proxyToPod(apiRequest, response);
      return;
    }
    refuseDeepBody(apiRequest);
    const result = this.handle(apiRequest);
    send(response, result.status, result.body);
  }

  // GET pods/<name>[:<port>]/proxy/<path>: the pod's own answer (PodMetrics), passed through with its status and type.
  private proxyToPod(request: ApiRequest, response: ServerResponse): void {
    if (request.method !== 'GET') {
      throw methodNotAllowed();
    }
    const { route } = request;
    const answer = (this.options.podMetrics ?? new PodMetrics()).proxy(this.options.api, route.namespace!, route.name!, route.proxyPath ?? '');
    response.writeHead(answer.status, { 'Content-Type': answer.contentType, 'Content-Length': Buffer.byteLength(answer.body) });
    response.end(answer.body);
  }

  // Counts one request as in flight until released; acquire() counts it again after a wait on the clock.
  private track(): InFlightTracker {
    let counted = false;
    const tracker = {
      acquire: () => {
        if (!counted) {
          counted = true;
          this.busy++;
        }
      },
      release: () => {
        if (counted) {
          counted = false;
          this.busy--;
        }
      },
    };
    tracker.acquire();
    return tracker;
  }

  private handle(request: ApiRequest): ApiResponse {
    const { clock } = this.options;
    const api = this.sizeLimitedApi;
    switch (request.method) {
      case 'GET':
        return handleGet({ api, now: () => clock.now(), pages: this.pages }, request);
      case 'POST':
        return isEviction(request) ? handleEviction({ api, now: () => clock.now() }, request) : handleCreate(api, request);
      case 'PUT':
        return handleUpdate(api, request);
      case 'PATCH':
        return handlePatch(api, request);
      case 'DELETE':
        return handleDelete(api, request);
      default:
        throw methodNotAllowed();
    }
  }

  private document(route: DocumentRoute, request: IncomingMessage): { contentType: string; body: Buffer } {
    switch (route.kind) {
      case 'version':
        return jsonDocument(versionInfo());
      case 'health':
        // /healthz, /livez, /readyz: the sandbox serves as soon as it listens.
        return { contentType: 'text/plain; charset=utf-8', body: Buffer.from('ok') };
      case 'apiVersions':
        return jsonDocument(apiVersions(request.headers.host ?? `127.0.0.1:${this.boundPort}`));
      case 'groupList':
        return jsonDocument(apiGroupList());
      case 'group':
        return jsonDocument(apiGroup(route.group!));
      case 'resourceList':
        return jsonDocument(apiResourceList(route.group!, route.version!));
      case 'openapiV2':
        return openapiV2(request.headers.accept ?? '');
      case 'openapiV3Root':
        return jsonDocument(openapiV3Root());
      case 'openapiV3GroupVersion':
        return jsonDocument(openapiV3GroupVersion(route.group!, route.version!));
    }
  }
}

// The client end of a connection: the same for the TCP socket and the TLS socket over it.
function connectionKey(socket: Socket): string {
  return `${socket.remoteAddress}:${socket.remotePort}`;
}

// Upstream's MaxHeaderBytes (1 << 20), the request line included.
const MAX_HEADER_BYTES = 1024 * 1024;
// Upstream's ReadHeaderTimeout: "just shy of requestTimeoutUpperBound".
const HEADERS_TIMEOUT_MS = 32_000;

function jsonDocument(document: unknown): { contentType: string; body: Buffer } {
  return { contentType: 'application/json', body: Buffer.from(JSON.stringify(document)) };
}

interface InFlightTracker {
  acquire(): void;
  release(): void;
}

// The authorization verb of a request, as the fault policy names them.
function verbOf(request: ApiRequest, watch: boolean): string {
  switch (request.method) {
    case 'GET':
      return watch ? 'watch' : request.route.name === undefined ? 'list' : 'get';
    case 'POST':
      return 'create';
    case 'PUT':
      return 'update';
    case 'PATCH':
      return 'patch';
    case 'DELETE':
      return request.route.name === undefined ? 'deletecollection' : 'delete';
    default:
      return request.method.toLowerCase();
  }
}

function faultResource(route: ResourceRoute): string {
  return route.subresource ? `${route.type.resource}/${route.subresource}` : route.type.resource;
}

function send(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (response.headersSent) {
    response.end();
    return;
  }
  // As upstream's ErrorNegotiated: a 429 or 5xx Status that suggests a delay says so in Retry-After.
  const retryAfter = (body as { details?: { retryAfterSeconds?: number } } | undefined)?.details?.retryAfterSeconds;
  if ((status === 429 || status >= 500) && retryAfter && retryAfter > 0 && !('Retry-After' in headers)) {
    headers = { ...headers, 'Retry-After': String(retryAfter) };
  }
  const text = JSON.stringify(body);
  response.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), ...headers });
  response.end(text);
}
