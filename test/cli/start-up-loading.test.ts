// What kubectl-stage loads before a command runs (issue 16): every command module is loaded to register its flags, so
// anything one imports statically is paid by `--help`, `--version` and a flag error. This file imports nothing but the
// CLI's entry point and on-use.ts (which main.ts loads anyway) and reads jest's module registry (require.cache) after
// each run. The bundled bin is checked from the packed package (test/package: --help loads no actions bundle).
import { run } from '../../src/cli/main';
import * as onUse from '../../src/cli/on-use';

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

test('every export of on-use.ts is a thunk: the CLI\'s bundle forwards each to the actions bundle as one', () => {
  // projenrc/bundle.ts replaces on-use.ts in the CLI's bundle by `export const <name> = () => actions().<name>()`.
  const exports = Object.entries(onUse);
  expect(exports.length).toBeGreaterThan(0);
  expect(exports.filter(([, value]) => typeof value !== 'function' || value.length !== 0).map(([name]) => name)).toEqual([]);
});
