// The single executable as krew installs it (issue 16): the archive `npm run package:plugin` built, unpacked into an
// empty folder that is the only one on PATH besides kubectl, and run as `kubectl stage`: no Node, no package.json and
// no node_modules anywhere it could look. Run by `npm run test:plugin` after `npm run package:plugin` (CI does both).
import { execFile, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { HttpSandboxKit, startSandboxKit } from '../support/sandbox-kit';

const PLUGIN_DIR = join(__dirname, '..', '..', 'dist', 'plugin');
const ARCHIVE = join(PLUGIN_DIR, 'kubectl-stage-linux-amd64.tar.gz');
const VERSION = (JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string }).version;

let bin: string;
let kubectl: string;

beforeAll(() => {
  bin = mkdtempSync(join(tmpdir(), 'kubectl-stage-plugin-'));
  execFileSync('tar', ['-xzf', ARCHIVE, '-C', bin]);
  // The machine's kubectl (here the Google Cloud SDK's dispatcher, which finds its kubectl.1.xx beside its real path).
  kubectl = join(bin, 'kubectl');
  symlinkSync(realpathSync(execFileSync('sh', ['-c', 'command -v kubectl'], { encoding: 'utf8' }).trim()), kubectl);
});

afterAll(() => {
  rmSync(bin, { recursive: true, force: true });
});

// As a shell runs `kubectl stage ...` in an empty folder: PATH holds only the plugin and kubectl, `_` is kubectl's path.
function kubectlStage(args: string[], home: string = bin): string {
  return execFileSync(kubectl, ['stage', ...args], { cwd: bin, env: { PATH: bin, HOME: home, _: kubectl }, encoding: 'utf8', stdio: 'pipe' });
}

test('the archive holds exactly the binary and the LICENSE, as the manifest\'s files name them', () => {
  const entries = execFileSync('tar', ['-tzf', ARCHIVE], { encoding: 'utf8' }).trim().split('\n').sort();
  expect(entries).toEqual(['LICENSE', 'kubectl-stage']);
});

test('the krew manifest names the archive by its sha256 and installs kubectl-stage for linux/amd64', () => {
  const manifest = parse(readFileSync(join(PLUGIN_DIR, 'stage.yaml'), 'utf8'));
  expect(manifest).toMatchObject({
    apiVersion: 'krew.googlecontainertools.github.com/v1alpha2',
    kind: 'Plugin',
    metadata: { name: 'stage' },
    spec: { version: `v${VERSION}` },
  });
  expect(manifest.spec.platforms).toEqual([expect.objectContaining({
    selector: { matchLabels: { os: 'linux', arch: 'amd64' } },
    sha256: createHash('sha256').update(readFileSync(ARCHIVE)).digest('hex'),
    bin: 'kubectl-stage',
    files: [{ from: './kubectl-stage', to: '.' }, { from: './LICENSE', to: '.' }],
  })]);
  expect(manifest.spec.platforms[0].uri).toMatch(new RegExp(`/releases/download/v${VERSION.replace(/\./g, '\\.')}/kubectl-stage-linux-amd64\\.tar\\.gz$`));
});

test('kubectl stage --version prints the package version with no Node project around it', () => {
  expect(kubectlStage(['--version'])).toBe(`${VERSION}\n`);
});

test('kubectl stage --help names itself as the user typed it and lists every command', () => {
  const help = kubectlStage(['--help']);
  expect(help).toMatch(/^Usage: kubectl stage \[options\] \[command\]\n/);
  for (const command of ['plan', 'stage', 'promote', 'pause', 'resume', 'abort', 'status', 'history', 'undo', 'sandbox', 'rehearse']) {
    expect(help).toMatch(new RegExp(`\\n  ${command} `));
  }
});

test('kubectl stage status without a cluster configuration fails with kubectl\'s exit code for bad input, before connecting', () => {
  let failure: { status?: number; stderr?: string } = {};
  try {
    kubectlStage(['status', 'sts/kafka']);
  } catch (error) {
    failure = error as { status?: number; stderr?: string };
  }
  expect(failure.status).toBe(4);
  expect(failure.stderr).toBe('error: no cluster configuration found: pass --kubeconfig, set KUBECONFIG, create ~/.kube/config, or run inside a cluster\n');
});

test('kubectl stage keeps the code it compiled in ~/.cache, for the bundles a command loaded, and runs from it next', () => {
  const home = mkdtempSync(join(bin, 'home-'));
  const cached = () => readdirSync(join(home, '.cache', 'kubectl-stage'), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile()).map((entry) => ({ bundle: entry.name.split('.')[0], mtimeMs: statSync(join(entry.parentPath, entry.name)).mtimeMs }));
  const help = kubectlStage(['--help'], home);
  expect(cached().map((entry) => entry.bundle)).toEqual(['kubectl-stage-cli']);
  const written = cached();
  expect(kubectlStage(['--help'], home)).toBe(help);
  // Unchanged: the executable writes a cache only when it compiled without one.
  expect(cached()).toEqual(written);
});

test('kubectl stage status reads a StatefulSet from a cluster: client-node runs inside the executable', async () => {
  const kit: HttpSandboxKit = await startSandboxKit({ transport: 'http', nodes: 1 });
  try {
    await kit.createStatefulSet('kafka', { replicas: 2 });
    // Asynchronous, so that the sandbox in this process answers the executable's requests.
    const { stdout, stderr } = await new Promise<{ stdout: string; stderr: string }>((resolve, reject) => {
      execFile(kubectl, ['stage', 'status', 'sts/kafka'], { cwd: bin, env: { PATH: bin, HOME: bin, _: kubectl, KUBECONFIG: kit.sandbox.kubeconfigPath } },
        (error, out, err) => (error ? reject(new Error(`${error.message}: ${err}`)) : resolve({ stdout: out, stderr: err })));
    });
    expect(stderr).toBe('');
    expect(stdout).toMatch(/^statefulset\/kafka/m);
  } finally {
    await kit.stop();
  }
});
