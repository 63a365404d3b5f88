// What kubectl-stage loads before a command runs (issue 16): every command module is loaded to register its flags, so
// anything one imports statically is paid by `--help`, `--version` and a flag error. This file imports nothing but the
// CLI's entry point and reads jest's module registry (require.cache) after each run.
import { run } from '../../src/cli/main';

// Folders and packages a start-up must not load: they serve commands once they run (src/cli/on-use.ts loads them).
const LOADED_ON_USE = [
  '/src/runtime/rollout/', '/src/runtime/statefulset/', '/src/runtime/daemonset/', '/src/runtime/promotion/',
  '/src/runtime/cluster/kube-cluster', '/src/runtime/cluster/retrying-cluster', '/src/runtime/cluster/rollout-snapshot',
  '/src/sandbox/', '/src/rehearsal/', '/src/control-plane/', '/src/cli/render/report-text', '/src/cli/render/promotion-text',
  '/node_modules/@kubernetes/client-node/', '/node_modules/yaml/',
];

function loadedOnUse(): string[] {
  return Object.keys(require.cache).filter((file) => LOADED_ON_USE.some((part) => file.includes(part)));
}

async function runQuietly(argv: string[]): Promise<number> {
  return run(argv, { stdout: () => undefined, stderr: () => undefined, isTTY: false, env: {} });
}

test.each([
  ['--help', ['--help'], 0],
  ['--version', ['--version'], 0],
  ['a command\'s help', ['promote', '--help'], 0],
  ['a bad flag', ['status', 'sts/kafka', '-o', 'yaml'], 4],
  ['a flag commander refuses', ['rehearse', '--from', 'a.yaml'], 4],
])('%s loads no runtime engine, sandbox, rehearsal, client-node or YAML parser', async (_name, argv, code) => {
  expect(await runQuietly(argv)).toBe(code);
  expect(loadedOnUse()).toEqual([]);
});

test('the registry read is jest\'s: it lists the command modules start-up does load', () => {
  expect(Object.keys(require.cache).filter((file) => file.includes('/src/cli/commands/status'))).toHaveLength(1);
});
