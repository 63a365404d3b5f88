// Clients of a running sandbox for the server tests: the real kubectl (through execFile, never a shell), a raw
// HTTP request helper, and a line reader for watch streams.
import { execFile } from 'node:child_process';
import { request as httpRequest, IncomingMessage } from 'node:http';
import type { Sandbox } from '../../../src/sandbox/start-sandbox';

/** What a kubectl run printed and its exit code. */
export interface KubectlResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly code: number;
}

/** Runs the real kubectl against the sandbox's kubeconfig. */
export function kubectl(sandbox: Sandbox, args: readonly string[], stdin?: string): Promise<KubectlResult> {
  return new Promise((resolve, reject) => {
    const child = execFile('kubectl', ['--request-timeout=5s', ...args], {
      env: { ...process.env, KUBECONFIG: sandbox.kubeconfigPath, HOME: process.env.HOME },
      timeout: 20_000,
    }, (error, stdout, stderr) => {
      if (error && typeof error.code !== 'number') {
        reject(error);
        return;
      }
      resolve({ stdout, stderr, code: error ? (error.code as number) : 0 });
    });
    if (stdin !== undefined) {
      child.stdin!.end(stdin);
    }
  });
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
    const req = httpRequest(sandbox.url + path, {
      method,
      headers: { 'Content-Type': 'application/json', ...(text === undefined ? {} : { 'Content-Length': String(Buffer.byteLength(text)) }), ...headers },
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

/** An open watch stream: the events received so far, and whether the server ended it. */
export interface WatchClient {
  readonly events: Array<{ type: string; object: any }>;
  readonly ended: () => boolean;
  readonly status: number;
  close(): void;
}

/** Opens a watch (GET with watch=1) and collects its newline-delimited events. */
export function openWatch(sandbox: Sandbox, path: string, headers: Record<string, string> = {}): Promise<WatchClient> {
  return new Promise((resolve, reject) => {
    const events: Array<{ type: string; object: any }> = [];
    let ended = false;
    let buffered = '';
    const req = httpRequest(sandbox.url + path, { headers }, (res) => {
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffered += chunk;
        for (let newline = buffered.indexOf('\n'); newline >= 0; newline = buffered.indexOf('\n')) {
          events.push(JSON.parse(buffered.slice(0, newline)));
          buffered = buffered.slice(newline + 1);
        }
      });
      res.on('end', () => { ended = true; });
      res.on('close', () => { ended = true; });
      resolve({ events, ended: () => ended, status: res.statusCode!, close: () => req.destroy() });
    });
    req.on('error', (error) => {
      if (!ended) {
        reject(error);
      }
    });
    req.end();
  });
}
