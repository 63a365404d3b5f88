// `kubectl-stage sandbox --engine kube`: a real control plane behind the same kubeconfig line, the --apply objects
// created through its API server, and the kubeconfig removed on Ctrl-C.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../src/cli/main';

jest.setTimeout(120_000);

test('serves a real control plane with the applied objects until Ctrl-C, then removes its kubeconfig', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'engine-kube-'));
  const manifest = join(dir, 'app.yaml');
  writeFileSync(manifest, 'apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: web}\nspec:\n  serviceName: web\n  replicas: 2\n'
    + '  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec: {containers: [{name: web, image: "web:1"}]}\n');
  const kubeconfig = join(dir, 'kubeconfig');
  const interrupt = new AbortController();
  let stdout = '';
  let announced: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => { announced = resolve; });
  const serving = run(['sandbox', '--engine', 'kube', '--nodes', '2', '--apply', manifest, '--write-kubeconfig', kubeconfig], {
    stdout: (text) => {
      stdout += text;
      if (/^export KUBECONFIG=/m.test(stdout)) {
        announced();
      }
    },
    stderr: () => undefined,
    isTTY: false,
    env: {},
    signal: interrupt.signal,
  });
  await Promise.race([ready, serving]);
  expect(stdout).toMatch(/^statefulset\.apps\/web created\nkube-apiserver on https:\/\/127\.0\.0\.1:\d+ with 2 kwok nodes \(binaries from .*\)\nexport KUBECONFIG=.*\n$/);
  expect(stdout).toContain(`export KUBECONFIG=${kubeconfig}\n`);
  const version = execFileSync('kubectl', ['--kubeconfig', kubeconfig, 'version', '-o', 'json'], { encoding: 'utf8' });
  expect(JSON.parse(version).serverVersion.gitVersion).toMatch(/^v1\.\d+\.\d+$/);
  const nodes = execFileSync('kubectl', ['--kubeconfig', kubeconfig, 'get', 'nodes', '-o', 'name'], { encoding: 'utf8' });
  expect(nodes).toBe('node/node-1\nnode/node-2\n');
  interrupt.abort();
  expect(await serving).toBe(0);
  expect(existsSync(kubeconfig)).toBe(false);
});
