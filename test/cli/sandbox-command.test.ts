import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
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
    expect(stdout).toMatch(/^statefulset\.apps\/web created\nconfigmap\/settings created\nsandbox API server on http:\/\/127\.0\.0\.1:\d+ with 2 nodes\nexport KUBECONFIG=/);
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
    expect(stderr).toBe('error: invalid --nodes "0": expected a whole number >= 1\n');
  });
});
