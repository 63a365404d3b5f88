// What users expect of a kubectl plugin: --version, examples and the connection flags in every command's help, hints
// naming the program as it was invoked, kubectl's `TYPE NAME` form, and -o json (times as RFC 3339) on every command.
import { ClusterConnector } from '../../src/cli/cli-context';
import { CliIo, run } from '../../src/cli/main';
import { RESOURCES } from '../../src/sandbox/api';
import { CliKit, startCliKit } from '../support/cli-kit';
import { isReady } from '../support/pod-readiness';
import { statefulSetManifest } from '../support/workload-manifests';

jest.setTimeout(30_000);

const RFC_3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
const COMMANDS = ['plan', 'stage', 'promote', 'pause', 'resume', 'abort', 'status', 'history', 'undo', 'sandbox'];

function capture(env: Record<string, string | undefined> = {}) {
  const out = { stdout: '', stderr: '' };
  const io: CliIo = { stdout: (text) => { out.stdout += text; }, stderr: (text) => { out.stderr += text; }, isTTY: false, env };
  return { out, io };
}

const untouched: ClusterConnector = async () => {
  throw new Error('the cluster must not be contacted');
};

test('--version prints the package version and exits 0', async () => {
  const { out, io } = capture();
  expect(await run(['--version'], io, untouched)).toBe(0);
  expect(out.stdout).toMatch(/^\d+\.\d+\.\d+\S*\n$/);
});

test.each(COMMANDS)('%s --help has examples and lists the connection flags', async (command) => {
  const { out, io } = capture();
  expect(await run([command, '--help'], io, untouched)).toBe(0);
  expect(out.stdout).toMatch(new RegExp(`^Usage: kubectl-stage ${command} `));
  expect(out.stdout).toContain('\nExamples:\n  # ');
  expect(out.stdout).toContain(`\n  kubectl-stage ${command} `);
  for (const flag of ['--kubeconfig <path>', '--context <name>', '-n, --namespace <namespace>', '--request-timeout <duration>']) {
    expect(out.stdout).toContain(flag);
  }
});

test('run as a kubectl plugin (the shell ran kubectl), usage and examples say "kubectl stage"', async () => {
  const { out, io } = capture({ _: '/usr/local/bin/kubectl' });
  expect(await run(['status', '--help'], io, untouched)).toBe(0);
  expect(out.stdout).toMatch(/^Usage: kubectl stage status /);
  expect(out.stdout).toContain('\n  kubectl stage status sts/kafka\n');
  expect(out.stdout).not.toContain('kubectl-stage status');
});

test('a name after TYPE/NAME is refused with kubectl\'s message before the cluster is contacted', async () => {
  const { out, io } = capture();
  expect(await run(['status', 'sts/web', 'web'], io, untouched)).toBe(4);
  expect(out.stderr).toBe('error: there is no need to specify a resource type as a separate argument when passing arguments in '
    + 'resource/name form (e.g. \'sts/kafka\' instead of \'sts sts/kafka\'): got "sts/web web"\n');
});

describe('against a sandbox', () => {
  let cli: CliKit;
  beforeAll(async () => {
    cli = await startCliKit();
    await cli.createStatefulSet('web', { replicas: 3, image: 'web:1', updateStrategy: 'rolling' });
  });
  afterAll(() => cli.sandbox.stop());

  test('TYPE NAME works as TYPE/NAME does', async () => {
    const slash = await cli.stage(['history', 'sts/web']);
    expect(slash.code).toBe(0);
    expect(await cli.stage(['history', 'sts', 'web'])).toEqual(slash);
    expect((await cli.stage(['status', 'statefulset', 'web'])).stdout).toBe((await cli.stage(['status', 'sts/web'])).stdout);
  });

  test('hints name the program as invoked: kubectl stage as a plugin', async () => {
    let stderr = '';
    const running = run(['--kubeconfig', cli.sandbox.kubeconfigPath, 'pause', 'sts/web'], {
      stdout: () => undefined, stderr: (text) => { stderr += text; }, isTTY: false, env: { _: '/usr/bin/kubectl' },
    });
    await cli.sandbox.runUntil(running);
    expect(await running).toBe(4);
    expect(stderr).toContain('start one with "kubectl stage promote sts/web"');
    expect((await cli.stage(['pause', 'sts/web'])).stderr).toContain('start one with "kubectl-stage promote sts/web"');
  });

  test('-o json on stage, promote, status, undo and history: JSON lines, every time RFC 3339, no internal conflict retries', async () => {
    const staged = await cli.stage(['stage', 'sts/web', '-o', 'json']);
    expect(staged.code).toBe(0);
    expect(JSON.parse(staged.stdout)).toEqual({ workload: 'statefulset/web', action: 'patch', message: expect.stringMatching(/^staged/) });
    cli.setImage('web', 'web:2');
    const promoted = await cli.stage(['promote', 'sts/web', '--plan', 'canary', '--soak', '10s', '-o', 'json']);
    expect(promoted.code).toBe(0);
    const events = promoted.stdout.trimEnd().split('\n').map((line) => JSON.parse(line));
    expect(events.every((event) => RFC_3339.test(event.at))).toBe(true);
    expect(events.filter((event) => event.type === 'soak-started').every((event) => RFC_3339.test(event.until))).toBe(true);
    expect(events.some((event) => event.type === 'conflict')).toBe(false);
    const status = await cli.stage(['status', 'sts/web', '-o', 'json']);
    expect(RFC_3339.test(JSON.parse(status.stdout).at)).toBe(true);
    const undone = await cli.stage(['undo', 'sts/web', '-o', 'json']);
    expect(undone.code).toBe(0);
    expect(JSON.parse(undone.stdout.split('\n')[0])).toMatchObject({ type: 'decided', workload: 'statefulset/web', action: 'patch', message: 'rolled back' });
    const history = await cli.stage(['history', 'sts/web', '-o', 'json']);
    expect(JSON.parse(history.stdout).map((row: { revision: number }) => row.revision)).toEqual([2, 3]);
  });
});

describe('a fresh workload is not an "update staged"', () => {
  let cli: CliKit;
  beforeEach(async () => {
    cli = await startCliKit();
  });
  afterEach(() => cli.sandbox.stop());

  test.each([
    ['pinned from the start', { type: 'RollingUpdate', rollingUpdate: { partition: 32767 } }],
    ['OnDelete', { type: 'OnDelete' }],
  ])('a StatefulSet %s whose pods are being created is rolling, and complete once they are Ready', async (_name, updateStrategy) => {
    cli.sandbox.api.create(RESOURCES.statefulSets, statefulSetManifest('fresh', { replicas: 3, image: 'fresh:1', spec: { updateStrategy } }));
    await cli.runUntil(() => cli.pods('fresh').length > 0 && !cli.pods('fresh').every(isReady));
    const starting = JSON.parse((await cli.stage(['status', 'sts/fresh', '-o', 'json'])).stdout);
    expect(starting.phase).toBe('rolling');
    expect(starting.message).toMatch(/^statefulset\/fresh: rolling: \d of 3 pods on revision fresh-\w+; waiting for /);
    await cli.runUntil(() => cli.pods('fresh').length === 3 && cli.pods('fresh').every(isReady));
    const watched = await cli.stage(['status', 'sts/fresh', '--watch', '-o', 'json']);
    expect(JSON.parse(watched.stdout.trimEnd().split('\n').pop()!).phase).toBe('complete');
  });
});
