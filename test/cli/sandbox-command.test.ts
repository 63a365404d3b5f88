import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../src/cli/main';

jest.setTimeout(30_000);

const manifest = `apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
spec:
  replicas: 1
  serviceName: web
  selector:
    matchLabels: { app: web }
  template:
    metadata:
      labels: { app: web }
    spec:
      containers:
        - name: web
          image: web:1
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  a: "1"
`;

function kubectl(kubeconfig: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('kubectl', args, { env: { ...process.env, KUBECONFIG: kubeconfig } }, (error, stdout, stderr) => {
      if (error) {
        reject(new Error(`${error.message}\n${stderr}`));
      } else {
        resolve(stdout);
      }
    });
  });
}

describe('kubectl-stage sandbox', () => {
  test('applies the files, prints the kubeconfig to export, serves kubectl, and stops on Ctrl-C', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stage-sandbox-'));
    const file = join(dir, 'app.yaml');
    writeFileSync(file, manifest);
    const interrupt = new AbortController();
    let stdout = '';
    let announced: (kubeconfig: string) => void = () => undefined;
    const ready = new Promise<string>((resolve) => { announced = resolve; });
    const running = run(['sandbox', '--nodes', '2', '--apply', file], {
      stdout: (text) => {
        stdout += text;
        const match = /^export KUBECONFIG=(.+)$/m.exec(stdout);
        if (match) {
          announced(match[1]);
        }
      },
      stderr: (text) => { stdout += text; },
      isTTY: false,
      env: {},
      signal: interrupt.signal,
    });
    const kubeconfig = await ready;
    expect(stdout).toMatch(/^statefulset\.apps\/web created\nconfigmap\/settings created\nsandbox API server on https:\/\/127\.0\.0\.1:\d+ with 2 nodes\nexport KUBECONFIG=/);
    expect(await kubectl(kubeconfig, ['get', 'nodes', '-o', 'name'])).toBe('node/node-1\nnode/node-2\n');
    expect(await kubectl(kubeconfig, ['get', 'sts', 'web', '-o', 'jsonpath={.spec.template.spec.containers[0].image}'])).toBe('web:1');
    interrupt.abort();
    expect(await running).toBe(0);
  });

  test('a manifest the sandbox cannot serve is bad input, before anything starts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stage-sandbox-'));
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n');
    let stderr = '';
    const code = await run(['sandbox', '--apply', file, '--nodes', '1'], { stdout: () => undefined, stderr: (text) => { stderr += text; }, isTTY: false, env: {} });
    expect(code).toBe(4);
    expect(stderr).toMatch(/^error: --apply .*bad\.yaml: document 1 is example\.com\/v1\/Widget, which the sandbox does not serve \(it serves Namespace, Node, Pod, /);
    const zero = await run(['sandbox', '--nodes', '0'], { stdout: () => undefined, stderr: (text) => { stderr = text; }, isTTY: false, env: {} });
    expect(zero).toBe(4);
    expect(stderr).toBe('error: invalid --nodes "0": expected a whole number from 1 to 5000\n');
  });

  test('a port out of range or in use is one line and exit code 4', async () => {
    const port = await run(['sandbox', '--port', '99999'], capture().io);
    expect(port).toBe(4);
    const busy: Server = await new Promise((resolve) => { const server = createServer().listen(0, '127.0.0.1', () => resolve(server)); });
    const taken = (busy.address() as { port: number }).port;
    const result = capture();
    expect(await run(['sandbox', '--port', String(taken), '--nodes', '1'], result.io)).toBe(4);
    busy.close();
    expect(result.out.stderr).toBe(`error: cannot listen on 127.0.0.1:${taken} (listen EADDRINUSE: address already in use 127.0.0.1:${taken}); `
      + 'choose another port, or 0 for a free one\n');
    const range = capture();
    expect(await run(['sandbox', '--port', '99999'], range.io)).toBe(4);
    expect(range.out.stderr).toBe('error: invalid --port "99999": expected a whole number from 0 to 65535\n');
  });

  test('malformed --apply YAML is one line and exit code 4, before anything starts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stage-sandbox-'));
    const file = join(dir, 'broken.yaml');
    writeFileSync(file, 'apiVersion: v1\nkind: ConfigMap\nmetadata: [\n  - name: : x\n');
    const result = capture();
    expect(await run(['sandbox', '--apply', file], result.io)).toBe(4);
    expect(result.out.stderr).toBe(`error: --apply ${file}: document 1 is not valid YAML: Nested mappings are not allowed in compact mappings at line 4, column 11\n`);
  });

  test('--write-kubeconfig never overwrites a file a sandbox did not write, and removes its own on Ctrl-C', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stage-sandbox-'));
    const theirs = join(dir, 'config');
    const credentials = 'apiVersion: v1\nkind: Config\nusers:\n- name: admin\n  user: {token: secret}\n';
    writeFileSync(theirs, credentials);
    const refused = capture();
    expect(await run(['sandbox', '--nodes', '1', '--write-kubeconfig', theirs], refused.io)).toBe(4);
    expect(refused.out.stderr).toBe(`error: ${theirs} exists and was not written by a sandbox: refusing to overwrite it; choose another kubeconfig path\n`);
    expect(readFileSync(theirs, 'utf8')).toBe(credentials);

    const ours = join(dir, 'sandbox', 'kubeconfig');
    for (let round = 0; round < 2; round++) {
      // The second round finds the first one's file (as after kill -9 it would) and may overwrite it.
      const interrupt = new AbortController();
      const serving = capture(interrupt.signal);
      const running = run(['sandbox', '--nodes', '1', '--write-kubeconfig', ours], serving.io);
      await serving.ready;
      expect(serving.out.stdout).toContain(`export KUBECONFIG=${ours}\n`);
      expect(await kubectl(ours, ['get', 'nodes', '-o', 'name'])).toBe('node/node-1\n');
      if (round === 0) {
        writeFileSync(join(dir, 'leftover'), readFileSync(ours));
      }
      interrupt.abort();
      expect(await running).toBe(0);
      expect(existsSync(ours)).toBe(false);
      if (round === 0) {
        writeFileSync(ours, readFileSync(join(dir, 'leftover')));
      }
    }
  });
});

// A run's output, and a promise that resolves once it prints the export line.
function capture(signal?: AbortSignal) {
  const out = { stdout: '', stderr: '' };
  let announced: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => { announced = resolve; });
  const io = {
    stdout: (text: string) => {
      out.stdout += text;
      if (/^export KUBECONFIG=/m.test(out.stdout)) {
        announced();
      }
    },
    stderr: (text: string) => { out.stderr += text; },
    isTTY: false,
    env: {},
    signal,
  };
  return { out, io, ready };
}
