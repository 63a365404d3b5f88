// The published package as a user's project sees it (issue 16): the packed tarball unpacked into a scratch project's
// node_modules, its subpaths type-checked under the tsconfig `cdk8s init typescript-app` generates (node10 resolution)
// and under node16, and the runtime loaded (client-node included) from plain node and from a ts-jest test, neither
// given --experimental-vm-modules; the jest test also synthesizes the blog app's workloads with the constructs.
// Needs `npx projen compile && npx projen bundle` first (`npm run test:package`).
import { execFileSync, ExecFileSyncOptions, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PackedPackage, packPackage } from '../../projenrc/package-report';

const repo = join(__dirname, '..', '..');
const SUBPATHS = ['runtime', 'sandbox', 'rehearse', 'control-plane'];

// cdk8s-team/cdk8s-cli templates/typescript-app/tsconfig.json, as `cdk8s init typescript-app` writes it. Its module
// CommonJS means node10 resolution under the TypeScript it installs (4.9); TypeScript 6 deprecates node10, so the test
// names it and silences only that deprecation, and lists the @types packages 4.9 included by default (6 includes none).
const CDK8S_INIT_TSCONFIG = {
  compilerOptions: {
    alwaysStrict: true,
    declaration: true,
    experimentalDecorators: true,
    inlineSourceMap: true,
    inlineSources: true,
    lib: ['es2016'],
    module: 'CommonJS',
    noEmit: false,
    noEmitOnError: true,
    noFallthroughCasesInSwitch: true,
    noImplicitAny: true,
    noImplicitReturns: true,
    noImplicitThis: true,
    noUnusedLocals: true,
    noUnusedParameters: true,
    resolveJsonModule: true,
    strict: true,
    strictNullChecks: true,
    strictPropertyInitialization: true,
    stripInternal: true,
    target: 'ES2017',
  },
  include: ['**/*.ts'],
  exclude: ['node_modules'],
};

// A kubeconfig client-node loads without reaching any server: connectCluster only builds the client.
const KUBECONFIG = `apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: "https://127.0.0.1:1"}}]
users: [{name: u, user: {token: t}}]
contexts: [{name: x, context: {cluster: c, user: u, namespace: from-kubeconfig}}]
current-context: x
`;

const CONNECT = `
import { connectCluster } from 'cdk8s-staged-rollouts/runtime';
import { startSandbox } from 'cdk8s-staged-rollouts/sandbox';
import { rehearse } from 'cdk8s-staged-rollouts/rehearse';
import { startKubeCluster } from 'cdk8s-staged-rollouts/control-plane';

export const entryPoints = [startSandbox, rehearse, startKubeCluster];

export async function namespaceOf(kubeconfig: string): Promise<string> {
  return (await connectCluster({ kubeconfig })).namespace;
}
`;

// The blog app's workloads, as a cdk8s app's main.ts would declare them with the constructs.
const MAIN = `
import { App, Chart } from 'cdk8s';
import { KafkaCluster, NodeExporter, ZooKeeperEnsemble } from 'cdk8s-staged-rollouts';

const app = new App();
const chart = new Chart(app, 'blog');
const zk = new ZooKeeperEnsemble(chart, 'zk', { name: 'zk', replicas: 3 });
new KafkaCluster(chart, 'kafka', { name: 'kafka', replicas: 3, zooKeeper: zk });
new NodeExporter(chart, 'node-exporter');

export const manifests = app.synthYaml();
`;

const JEST_TEST = `
import { namespaceOf } from './connect';
import { manifests } from './main';

test('the constructs synthesize', () => {
  expect(manifests).toContain('kind: StatefulSet');
  expect(manifests).toContain('kind: DaemonSet');
});

test('the runtime loads client-node without --experimental-vm-modules', async () => {
  expect(await namespaceOf(${JSON.stringify('kubeconfig.yaml')})).toBe('from-kubeconfig');
});
`;

let dir: string;
let consumer: string;
let packed: PackedPackage;

/** Runs a command in the scratch project without the flag the repository's own jest runs with. */
function runInConsumer(file: string, args: string[], options: ExecFileSyncOptions = {}): string {
  const { NODE_OPTIONS: _flags, ...env } = process.env;
  try {
    return execFileSync(file, args, { cwd: consumer, encoding: 'utf8', env, stdio: 'pipe', ...options }) as string;
  } catch (error) {
    const failed = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${[file, ...args].join(' ')} failed: ${failed.message}\n${failed.stdout ?? ''}${failed.stderr ?? ''}`);
  }
}

function tsc(tsconfig: string): string {
  return runInConsumer(process.execPath, [join(repo, 'node_modules', 'typescript', 'lib', 'tsc.js'), '-p', tsconfig]);
}

beforeAll(() => {
  if (!existsSync(join(repo, 'lib', 'bundle', 'runtime.js'))) {
    throw new Error('lib/bundle/ is missing: run `npx projen compile && npx projen bundle` before this test');
  }
  dir = mkdtempSync(join(tmpdir(), 'package-consumer-'));
  packed = packPackage(dir);
  consumer = dir;
  // The peers a cdk8s app already has, and the app's test tools, from this repository's node_modules.
  for (const name of ['cdk8s', 'constructs', 'cdk8s-plus-28', '@types/node', '@types/jest', 'jest', 'ts-jest', 'typescript']) {
    mkdirSync(join(consumer, 'node_modules', name, '..'), { recursive: true });
    symlinkSync(join(repo, 'node_modules', name), join(consumer, 'node_modules', name));
  }
  writeFileSync(join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }));
  writeFileSync(join(consumer, 'kubeconfig.yaml'), KUBECONFIG);
  writeFileSync(join(consumer, 'connect.ts'), CONNECT);
  writeFileSync(join(consumer, 'main.ts'), MAIN);
  writeFileSync(join(consumer, 'connect.test.ts'), JEST_TEST);
  writeFileSync(join(consumer, 'tsconfig.json'), JSON.stringify(CDK8S_INIT_TSCONFIG, undefined, 2));
  writeFileSync(join(consumer, 'tsconfig.node10.json'), JSON.stringify({
    extends: './tsconfig.json', compilerOptions: { moduleResolution: 'node10', ignoreDeprecations: '6.0', types: ['node', 'jest'], noEmit: true },
  }));
  writeFileSync(join(consumer, 'tsconfig.node16.json'), JSON.stringify({
    extends: './tsconfig.json', compilerOptions: { module: 'node16', moduleResolution: 'node16', types: ['node', 'jest'], noEmit: true },
  }));
  // cdk8s-team/cdk8s-cli templates/typescript-app/jest.config.js, with the node10 tsconfig for ts-jest.
  writeFileSync(join(consumer, 'jest.config.js'), `module.exports = {
    roots: ['<rootDir>'],
    moduleFileExtensions: ['ts', 'tsx', 'js', 'mjs', 'cjs', 'jsx', 'json', 'node'],
    testMatch: ['**/*.test.ts'],
    transform: { '^.+\\\\.tsx?$': ['ts-jest', { tsconfig: 'tsconfig.node10.json' }] },
  };`);
}, 120_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('the tarball carries no node_modules, the bundles and their third-party notice', () => {
  expect(packed.files.filter((file) => file.startsWith('node_modules/'))).toEqual([]);
  expect(packed.files).toEqual(expect.arrayContaining([
    ...SUBPATHS.map((subpath) => `lib/bundle/${subpath}.js`), 'lib/bundle/THIRD-PARTY-NOTICES.md',
    'lib/bundle/kubectl-stage.js', 'lib/bundle/kubectl-stage-cli.js', 'lib/bundle/kubectl-stage-actions.js', 'lib/bundle/client-node.js',
  ]));
  // The layers' per-file JavaScript is in the bundles; their declarations stay.
  expect(packed.files.filter((file) => /^lib\/(runtime|sandbox|rehearsal|control-plane|cli)\/.*\.js$/.test(file))).toEqual([]);
  expect(packed.files).toContain('lib/runtime/index.d.ts');
});

test.each([
  ['the cdk8s init tsconfig (node10 resolution)', 'tsconfig.node10.json'],
  ['node16 resolution', 'tsconfig.node16.json'],
])('the subpaths type-check under %s', (_name, tsconfig) => {
  expect(tsc(tsconfig)).toBe('');
}, 120_000);

test('plain node requires the runtime and connects through the inlined client-node', () => {
  const script = "require('cdk8s-staged-rollouts/runtime').connectCluster({ kubeconfig: 'kubeconfig.yaml' }).then((c) => console.log(c.namespace))";
  expect(runInConsumer(process.execPath, ['-e', script]).trim()).toBe('from-kubeconfig');
  for (const subpath of SUBPATHS) {
    const exported = runInConsumer(process.execPath, ['-e', `console.log(Object.keys(require('cdk8s-staged-rollouts/${subpath}')).length)`]);
    expect(Number(exported)).toBeGreaterThan(0);
  }
});

test('a ts-jest test synthesizes with the constructs, imports the runtime and connects, without --experimental-vm-modules', () => {
  const results = JSON.parse(runInConsumer(process.execPath, [join(repo, 'node_modules', 'jest', 'bin', 'jest.js'), '--ci', '--no-cache', '--json']));
  expect(results).toMatchObject({ success: true, numPassedTests: 2, numFailedTests: 0 });
}, 120_000);

test('the kubectl-stage bin runs from the bundle', () => {
  const manifest = JSON.parse(readFileSync(join(packed.installedDir, 'package.json'), 'utf8')) as { version: string; bin: Record<string, string> };
  expect(runInConsumer(process.execPath, [join(packed.installedDir, manifest.bin['kubectl-stage']), '--version']).trim()).toBe(manifest.version);
});

describe('the kubectl-stage bin\'s start-up (issue 16)', () => {
  let cacheHome: string;

  beforeEach(() => {
    cacheHome = mkdtempSync(join(dir, 'cache-home-'));
  });

  /** Runs the bin with its code cache under XDG_CACHE_HOME `cache` and no cluster configuration; its exit code and output. */
  function bin(args: string[], cache: string = cacheHome): { status: number; stdout: string; stderr: string } {
    const manifest = JSON.parse(readFileSync(join(packed.installedDir, 'package.json'), 'utf8')) as { bin: Record<string, string> };
    const { NODE_OPTIONS: _flags, KUBECONFIG: _cluster, ...env } = process.env;
    const result = spawnSync(process.execPath, [join(packed.installedDir, manifest.bin['kubectl-stage']), ...args], {
      cwd: consumer, encoding: 'utf8', env: { ...env, HOME: consumer, XDG_CACHE_HOME: cache },
    });
    return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
  }

  /** The bundles whose compiled code the runs so far kept: the bundles they loaded. */
  function cachedBundles(): string[] {
    return readdirSync(cacheHome, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile()).map((entry) => entry.name.split('.')[0]).sort();
  }

  test('--help loads the CLI\'s bundle only: what commands do, and client-node, are loaded on use', () => {
    expect(bin(['--help'])).toMatchObject({ status: 0, stdout: expect.stringMatching(/^Usage: kubectl-stage /) });
    expect(cachedBundles()).toEqual(['kubectl-stage-cli']);
    expect(bin(['status', 'sts/kafka'])).toMatchObject({ status: 4, stderr: expect.stringMatching(/^error: no cluster configuration found/) });
    expect(cachedBundles()).toEqual(['client-node', 'kubectl-stage-actions', 'kubectl-stage-cli']);
  });

  test('a second run uses the code the first kept, and the same output', () => {
    const first = bin(['--help']);
    const [cache] = readdirSync(cacheHome, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile());
    const written = statSync(join(cache.parentPath, cache.name)).mtimeMs;
    expect(bin(['--help'])).toEqual(first);
    // V8 took the code: the bin rewrites a cache only when it compiled without one.
    expect(statSync(join(cache.parentPath, cache.name)).mtimeMs).toBe(written);
  });

  test('a cache folder that cannot be made leaves the bin uncached, not failed', () => {
    const blocked = join(cacheHome, 'a-file');
    writeFileSync(blocked, '');
    expect(bin(['--help'], blocked)).toMatchObject({ status: 0, stderr: '', stdout: expect.stringMatching(/^Usage: kubectl-stage /) });
    expect(bin(['status', 'sts/kafka'], blocked)).toMatchObject({ status: 4, stderr: expect.stringMatching(/^error: no cluster configuration found/) });
  });
});
