// `kubectl-stage sandbox --engine`: which engine, and the kube engine's options, are checked before anything starts.
// The kube engine itself is started in test/cluster/sandbox-engine.cluster.ts (it needs the built binaries).
import { run } from '../../src/cli/main';

async function stage(args: string[], env: Record<string, string> = {}) {
  let stdout = '';
  let stderr = '';
  const code = await run(args, { stdout: (text) => { stdout += text; }, stderr: (text) => { stderr += text; }, isTTY: false, env });
  return { code, stdout, stderr };
}

test('an unknown engine, --port with the kube engine and --kube-bin with the sandbox are one line, exit 4', async () => {
  expect(await stage(['sandbox', '--engine', 'kind'])).toEqual({ code: 4, stdout: '', stderr: 'error: --engine: "kind" is not an engine; use sandbox or kube\n' });
  expect(await stage(['sandbox', '--engine', 'kube', '--port', '8080'])).toEqual({
    code: 4, stdout: '', stderr: 'error: --port applies to --engine sandbox; the kube engine picks free ports on 127.0.0.1\n',
  });
  expect(await stage(['sandbox', '--kube-bin', '/opt/kube'])).toEqual({ code: 4, stdout: '', stderr: 'error: --kube-bin applies to --engine kube\n' });
});

test('the kube engine without its binaries says where it looked and how to build them, exit 4', async () => {
  const result = await stage(['sandbox', '--engine', 'kube', '--kube-bin', '/nonexistent/kube-bin']);
  expect(result.code).toBe(4);
  expect(result.stderr).toBe('error: --engine kube: control plane binaries not found (etcd, kube-apiserver, kube-controller-manager, '
    + 'kube-scheduler, kwok) in /nonexistent/kube-bin; build them with `npm run cluster:build` (needs Go) or put them on the PATH\n');
});
