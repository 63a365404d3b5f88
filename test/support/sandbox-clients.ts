// Clients of a running cluster for the tests: the real kubectl (through execFile, never a shell), an HTTPS request
// helper, a raw one that writes whatever bytes it is given, and a line reader for watch streams.
import { execFile } from 'node:child_process';
import type { IncomingMessage } from 'node:http';
import { request as httpsRequest, RequestOptions } from 'node:https';
import { dirname, join } from 'node:path';
import { connect } from 'node:tls';
import type { CommandResult } from './kubectl-stage-run';
import type { Sandbox } from '../../src/sandbox/start-sandbox';

/** How {@link execKubectl} runs kubectl. */
export interface KubectlRunOptions {
  /** The kubectl binary. @default 'kubectl' */
  readonly binary?: string;
  /** Written to kubectl's stdin, which is then closed. @default - stdin left open */
  readonly stdin?: string;
  /** How long the process may run before it is killed. */
  readonly timeoutMs: number;
  /** The most output kept, in bytes. @default Node's execFile default (1 MiB) */
  readonly maxBuffer?: number;
}

/**
 * Runs kubectl with `args` against `kubeconfig`. kubectl's discovery cache sits beside the kubeconfig: nothing leaks
 * between clusters that reuse a port, nor into the home directory.
 */
export function execKubectl(kubeconfig: string, args: readonly string[], options: KubectlRunOptions): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = execFile(options.binary ?? 'kubectl', [...args], {
      env: { ...process.env, KUBECONFIG: kubeconfig, KUBECACHEDIR: join(dirname(kubeconfig), 'kube-cache') },
      timeout: options.timeoutMs,
      ...(options.maxBuffer === undefined ? {} : { maxBuffer: options.maxBuffer }),
    }, (error, stdout, stderr) => {
      if (error && typeof error.code !== 'number') {
        reject(error);
        return;
      }
      resolve({ stdout, stderr, code: error ? (error.code as number) : 0 });
    });
    if (options.stdin !== undefined) {
      child.stdin!.end(options.stdin);
    }
  });
}

/** Runs the real kubectl against the sandbox's kubeconfig, each request bounded to 5 s. */
export function kubectl(sandbox: Sandbox, args: readonly string[], stdin?: string): Promise<CommandResult> {
  return execKubectl(sandbox.kubeconfigPath, ['--request-timeout=5s', ...args], { stdin, timeoutMs: 20_000 });
}

/** The Authorization header the sandbox requires (the bearer token of its kubeconfig). */
export function authorization(sandbox: Sandbox): Record<string, string> {
  return { Authorization: `Bearer ${sandbox.token}` };
}

/** HTTPS request options that trust the sandbox's certificate and carry its token, plus `headers`. */
export function clientOptions(sandbox: Sandbox, headers: Record<string, string> = {}): RequestOptions {
  return { ca: sandbox.certificate, headers: { ...authorization(sandbox), ...headers } };
}

/** A response read in full. */
export interface HttpResult {
  readonly status: number;
  readonly headers: IncomingMessage['headers'];
  readonly body: any;
}

/** Sends one request to the sandbox and parses the JSON answer. */
export function http(sandbox: Sandbox, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const text = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
    const req = httpsRequest(sandbox.url + path, {
      method,
      ca: sandbox.certificate,
      headers: {
        'Content-Type': 'application/json',
        ...authorization(sandbox),
        ...(text === undefined ? {} : { 'Content-Length': String(Buffer.byteLength(text)) }),
        ...headers,
      },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode!, headers: res.headers, body: raw === '' ? undefined : JSON.parse(raw) });
      });
    });
    req.on('error', reject);
    req.end(text);
  });
}

/** What a raw exchange returned: the status code and the body, as text. */
export interface RawResult {
  readonly status: number;
  readonly body: string;
}

/**
 * Writes `bytes` (a whole request, malformed or not) on a fresh TLS connection to the sandbox and reads one response:
 * its Content-Length of body, or up to the close. A streamed (chunked) response, a watch, is cut after its headers.
 * For requests Node's own client refuses to send.
 */
export function rawExchange(sandbox: Sandbox, bytes: string | Buffer): Promise<RawResult> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port: Number(new URL(sandbox.url).port), ca: sandbox.certificate }, () => socket.write(bytes));
    let received = Buffer.alloc(0);
    let done = false;
    const finish = () => {
      if (done) {
        return;
      }
      done = true;
      socket.destroy();
      const text = received.toString('utf8');
      const headerEnd = text.indexOf('\r\n\r\n');
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(text)?.[1] ?? 0);
      resolve({ status, body: headerEnd < 0 ? '' : text.slice(headerEnd + 4) });
    };
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      const headerEnd = received.indexOf('\r\n\r\n');
      if (headerEnd < 0) {
        return;
      }
      const headers = received.subarray(0, headerEnd).toString('latin1');
      const length = /\r\ncontent-length: *(\d+)/i.exec(headers);
      if (/\r\ntransfer-encoding: *chunked/i.test(headers) || (length && received.length - headerEnd - 4 >= Number(length[1]))) {
        finish();
      }
    });
    socket.on('error', (error) => (done ? undefined : reject(error)));
    socket.on('close', finish);
  });
}

/** An open watch stream: the events received so far, and promises for more. */
export interface WatchClient {
  /** Every event received, in order. */
  readonly events: Array<{ type: string; object: any }>;
  /** The response's status code. */
  readonly status: number;
  /** Whether the server has ended the stream. */
  ended(): boolean;
  /** Resolves once `count` events have arrived in total; rejects if the stream ends first. */
  received(count: number): Promise<Array<{ type: string; object: any }>>;
  /** Resolves when the server ends the stream. */
  end(): Promise<void>;
  /** Closes the connection from the client side. */
  close(): void;
}

/** Opens a watch (a GET with watch=1 in `path`) and collects its newline-delimited events. */
export function openWatch(sandbox: Sandbox, path: string, headers: Record<string, string> = {}): Promise<WatchClient> {
  return new Promise((resolve, reject) => {
    const events: Array<{ type: string; object: any }> = [];
    const waiters: Array<() => void> = [];
    let ended = false;
    let buffered = '';
    const notify = () => waiters.splice(0).forEach((waiter) => waiter());
    const req = httpsRequest(sandbox.url + path, clientOptions(sandbox, headers), (res) => {
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffered += chunk;
        for (let newline = buffered.indexOf('\n'); newline >= 0; newline = buffered.indexOf('\n')) {
          events.push(JSON.parse(buffered.slice(0, newline)));
          buffered = buffered.slice(newline + 1);
        }
        notify();
      });
      const onEnd = () => {
        ended = true;
        notify();
      };
      res.on('end', onEnd);
      res.on('close', onEnd);
      resolve({
        events,
        status: res.statusCode!,
        ended: () => ended,
        received: (count) => new Promise((resolveCount, rejectCount) => {
          const check = () => {
            if (events.length >= count) {
              resolveCount(events.slice(0, count));
            } else if (ended) {
              rejectCount(new Error(`watch ended after ${events.length} events, expected ${count}: ${JSON.stringify(events.map((event) => event.type))}`));
            } else {
              waiters.push(check);
            }
          };
          check();
        }),
        end: () => new Promise((resolveEnd) => {
          const check = () => (ended ? resolveEnd() : waiters.push(check));
          check();
        }),
        close: () => req.destroy(),
      });
    });
    req.on('error', (error) => {
      if (!ended) {
        reject(error);
      }
    });
    req.end();
  });
}
