// A server that accepts connections and reads requests but never answers, with a temporary folder for the kubeconfig
// that points at it: the fixture of the tests of request timeouts and unreachable servers. Registers its own
// beforeEach/afterEach hooks.
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

/** The silent server of the current test. */
export interface SilentServer {
  /** A fresh temporary folder. */
  readonly dir: string;
  /** The listening server (a test may close it to make its port unreachable). */
  readonly server: net.Server;
  /** Every connection accepted so far. */
  readonly sockets: net.Socket[];
  /** The port it listens on, on 127.0.0.1. */
  port(): number;
}

/** Starts a silent server and a temporary folder before each test of the enclosing block, and ends both after it. */
export function useSilentServer(folderPrefix: string): SilentServer {
  let dir = '';
  let server: net.Server;
  let sockets: net.Socket[] = [];
  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), folderPrefix));
    sockets = [];
    server = net.createServer((socket) => sockets.push(socket.on('data', () => undefined)));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  afterEach(async () => {
    sockets.forEach((socket) => socket.destroy());
    if (server.listening) {
      await new Promise((resolve) => server.close(resolve));
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });
  return {
    get dir() { return dir; },
    get server() { return server; },
    get sockets() { return sockets; },
    port: () => (server.address() as net.AddressInfo).port,
  };
}
