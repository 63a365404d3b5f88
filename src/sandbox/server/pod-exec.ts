// pods/exec over WebSocket, the remote command protocol kubectl 1.30 and later speak first (v5.channel.k8s.io, or
// v4): one binary frame per write, its first byte the stream (1 stdout, 2 stderr, 3 the error stream carrying the
// final metav1.Status). No container runs in the sandbox, so a command is answered from the pod object when it can be
// (hostname, hostname -f, env, printenv, echo, true, false) and otherwise fails with exit code 126, saying so.
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { ApiError, KubeObject, RESOURCES, SandboxApi } from '../api';
import { notFound } from '../api-errors';
import { parseRoute } from './routes';
import { badRequest, notServed, statusOfError } from './status';

// RFC 6455's GUID, appended to the client's key for Sec-WebSocket-Accept.
const WEBSOCKET_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const PROTOCOLS = ['v5.channel.k8s.io', 'v4.channel.k8s.io'];
const STDOUT = 1;
const STDERR = 2;
const ERROR = 3;
const OPCODE_BINARY = 2;
const OPCODE_CLOSE = 8;
// The exit code of a command that cannot be run (as a runtime's "cannot execute").
const CANNOT_RUN = 126;

/** What a simulated command printed and how it exited. */
export interface ExecResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly exitCode: number;
}

/**
 * Answers an HTTP upgrade request: a WebSocket exec into a pod's container, or an error Status on the plain
 * connection when the request is refused (`refusal`, e.g. a missing token), addressed elsewhere or invalid.
 */
export function handleUpgrade(api: SandboxApi, request: IncomingMessage, socket: Duplex, refusal: ApiError | undefined): void {
  try {
    if (refusal) {
      throw refusal;
    }
    const url = new URL(request.url ?? '/', 'https://sandbox');
    const route = parseRoute(url.pathname);
    if (route.kind !== 'resource' || route.type !== RESOURCES.pods || route.name === undefined || route.subresource !== 'exec') {
      throw notServed();
    }
    const pod = api.get(RESOURCES.pods, route.namespace, route.name);
    if (!pod) {
      throw notFound(RESOURCES.pods, route.name);
    }
    // Checked before the protocol, so kubectl's SPDY retry after a refused WebSocket gets the same answer.
    const container = containerFor(pod, url.searchParams.get('container'));
    const protocol = (request.headers['sec-websocket-protocol'] ?? '').split(',').map((value) => value.trim())
      .find((offered) => PROTOCOLS.includes(offered));
    const key = request.headers['sec-websocket-key'];
    if ((request.headers.upgrade ?? '').toLowerCase() !== 'websocket' || !key || !protocol) {
      throw badRequest(`the sandbox serves pods/exec over WebSocket with the ${PROTOCOLS.join(' or ')} protocol only`);
    }
    const command = url.searchParams.getAll('command');
    const result = container.running ? simulateCommand(pod, container.spec, command) : undefined;
    socket.write(['HTTP/1.1 101 Switching Protocols', 'Upgrade: websocket', 'Connection: Upgrade',
      `Sec-WebSocket-Accept: ${createHash('sha1').update(key + WEBSOCKET_GUID).digest('base64')}`,
      `Sec-WebSocket-Protocol: ${protocol}`, '', ''].join('\r\n'));
    // Whatever the client sends (a v5 close of stdin) is read and dropped.
    socket.on('data', () => undefined);
    socket.on('error', () => socket.destroy());
    if (result && url.searchParams.get('stdout') !== 'false' && result.stdout) {
      socket.write(frame(OPCODE_BINARY, channel(STDOUT, result.stdout)));
    }
    if (result && url.searchParams.get('stderr') !== 'false' && result.stderr) {
      socket.write(frame(OPCODE_BINARY, channel(STDERR, result.stderr)));
    }
    const status = result ? exitStatus(command, result.exitCode) : { metadata: {}, status: 'Failure', message: `container not found ("${container.spec.name}")` };
    socket.write(frame(OPCODE_BINARY, channel(ERROR, JSON.stringify(status))));
    socket.end(frame(OPCODE_CLOSE, Buffer.from([0x03, 0xe8])));
  } catch (error) {
    const status = statusOfError(error);
    const body = JSON.stringify(status);
    socket.end([`HTTP/1.1 ${status.code} ${status.reason ?? ''}`, 'Content-Type: application/json',
      `Content-Length: ${Buffer.byteLength(body)}`, 'Connection: close', '', body].join('\r\n'));
  }
}

// The container exec addresses (the only one, or the one named), and whether it runs; upstream's validation errors.
function containerFor(pod: KubeObject, name: string | null): { spec: Record<string, any>; running: boolean } {
  if (!pod.spec?.nodeName) {
    throw badRequest(`pod ${pod.metadata.name} does not have a host assigned`);
  }
  if (pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') {
    throw badRequest(`cannot exec into a container in a completed pod; current phase is ${pod.status.phase}`);
  }
  const containers: Array<Record<string, any>> = pod.spec.containers ?? [];
  const spec = name ? containers.find((container) => container.name === name) : containers[0];
  if (!spec) {
    throw badRequest(name
      ? `container ${name} is not valid for pod ${pod.metadata.name}`
      : `a container name must be specified for pod ${pod.metadata.name}, choose one of: [${containers.map((c) => c.name).join(' ')}]`);
  }
  const state = (pod.status?.containerStatuses ?? []).find((status: Record<string, any>) => status.name === spec.name)?.state;
  return { spec, running: state?.running !== undefined };
}

/** What a command prints in a pod's container, as far as the pod object tells; other commands cannot run. */
export function simulateCommand(pod: KubeObject, container: Record<string, any>, command: readonly string[]): ExecResult {
  const hostname: string = pod.spec?.hostname || pod.metadata.name!;
  const env = environment(container, hostname);
  const [program, ...args] = command;
  const ok = (stdout: string): ExecResult => ({ stdout, stderr: '', exitCode: 0 });
  switch (program) {
    case 'hostname':
      if (args.length === 0) {
        return ok(`${hostname}\n`);
      }
      if (args.length === 1 && args[0] === '-f') {
        return ok(pod.spec?.subdomain ? `${hostname}.${pod.spec.subdomain}.${pod.metadata.namespace}.svc.cluster.local\n` : `${hostname}\n`);
      }
      break;
    case 'env':
      if (args.length === 0) {
        return ok(env.map(([name, value]) => `${name}=${value}\n`).join(''));
      }
      break;
    case 'printenv': {
      if (args.length === 0) {
        return ok(env.map(([name, value]) => `${name}=${value}\n`).join(''));
      }
      const wanted = env.filter(([name]) => args.includes(name));
      return { stdout: wanted.map(([, value]) => `${value}\n`).join(''), stderr: '', exitCode: wanted.length > 0 ? 0 : 1 };
    }
    case 'echo':
      return ok(`${args.join(' ')}\n`);
    case 'true':
      return ok('');
    case 'false':
      return { stdout: '', stderr: '', exitCode: 1 };
    default:
      break;
  }
  return {
    stdout: '',
    stderr: `the sandbox runs no container, so ${JSON.stringify(command.join(' '))} cannot run in ${pod.metadata.name}; it answers hostname, hostname -f, env, printenv, echo, true and false\n`,
    exitCode: CANNOT_RUN,
  };
}

// The literal env vars of the container, then HOSTNAME, as a shell in it would see them (valueFrom is not resolved).
function environment(container: Record<string, any>, hostname: string): Array<[string, string]> {
  const vars: Array<[string, string]> = [['HOSTNAME', hostname]];
  for (const variable of container.env ?? []) {
    if (variable.valueFrom === undefined) {
      vars.push([variable.name, variable.value ?? '']);
    }
  }
  return vars;
}

// The Status on the error stream: Success, or upstream's NonZeroExitCode with the exit code as a cause.
function exitStatus(command: readonly string[], exitCode: number): Record<string, unknown> {
  if (exitCode === 0) {
    return { metadata: {}, status: 'Success' };
  }
  return {
    metadata: {},
    status: 'Failure',
    message: `command terminated with non-zero exit code: error executing command [${command.join(' ')}], exit code ${exitCode}`,
    reason: 'NonZeroExitCode',
    details: { causes: [{ reason: 'ExitCode', message: String(exitCode) }] },
  };
}

function channel(stream: number, text: string): Buffer {
  return Buffer.concat([Buffer.from([stream]), Buffer.from(text, 'utf8')]);
}

// An unmasked server frame with FIN set (RFC 6455 section 5.2).
function frame(opcode: number, payload: Buffer): Buffer {
  const first = 0x80 + opcode;
  if (payload.length < 126) {
    return Buffer.concat([Buffer.from([first, payload.length]), payload]);
  }
  if (payload.length < 65536) {
    const header = Buffer.alloc(4);
    header[0] = first;
    header[1] = 126;
    header.writeUInt16BE(payload.length, 2);
    return Buffer.concat([header, payload]);
  }
  const header = Buffer.alloc(10);
  header[0] = first;
  header[1] = 127;
  header.writeBigUInt64BE(BigInt(payload.length), 2);
  return Buffer.concat([header, payload]);
}
