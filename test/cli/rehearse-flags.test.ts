// `kubectl-stage rehearse` around its engine, which a mock stands in for: bad input is refused with one line and exit
// code 4 before the engine is called; a report is printed in the format asked and ends in promote's exit codes.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { run } from '../../src/cli/main';
import { rehearsalText } from '../../src/cli/render/rehearsal-text';
import { rehearse } from '../../src/rehearsal/rehearse';
import { rehearsalMarkdown } from '../../src/rehearsal/render/rehearsal-markdown';
import { completedNodeExporter, completedReport, rolledBackKafka, rolledBackReport } from '../rehearsal/render-fixtures';

jest.mock('../../src/rehearsal/rehearse', () => ({ rehearse: jest.fn() }));
afterEach(() => jest.mocked(rehearse).mockReset());

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rehearse-flags-'));
const good = path.join(dir, 'good.yaml');
const notYaml = path.join(dir, 'not-yaml.yaml');
const notObject = path.join(dir, 'not-object.yaml');
fs.writeFileSync(good, 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n');
fs.writeFileSync(notYaml, 'apiVersion: v1\nkind: [ConfigMap\n');
fs.writeFileSync(notObject, '- just\n- a list\n');
// cdk8s synth output: a file per chart; kubectl apply -f DIR reads .json, .yaml and .yml files, in name order.
const chartsDir = path.join(dir, 'dist');
fs.mkdirSync(chartsDir);
fs.writeFileSync(path.join(chartsDir, 'b.k8s.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n');
fs.writeFileSync(path.join(chartsDir, 'a.k8s.yaml'), 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: a\n---\n');
fs.writeFileSync(path.join(chartsDir, 'notes.txt'), 'not a manifest');
fs.mkdirSync(path.join(chartsDir, 'nested.yaml'));
const emptyDir = path.join(dir, 'empty');
fs.mkdirSync(emptyDir);
const badDir = path.join(dir, 'bad');
fs.mkdirSync(badDir);
fs.writeFileSync(path.join(badDir, 'a.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n');
fs.writeFileSync(path.join(badDir, 'b.yaml'), '- not an object\n');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

async function rehearseCli(argv: string[]) {
  const out = { stdout: '', stderr: '' };
  const code = await run(['rehearse', ...argv], {
    stdout: (text) => { out.stdout += text; },
    stderr: (text) => { out.stderr += text; },
    isTTY: false,
    env: {},
  });
  return { code, ...out };
}

const MODES = 'ImagePull, CrashLoop, NeverReady, FlappingReadiness';

test.each([
  [['--to', good], 'error: required option \'--from <path>\' not specified\n'],
  [['--from', good], 'error: required option \'--to <path>\' not specified\n'],
  [['--from', path.join(dir, 'missing.yaml'), '--to', good],
    `error: --from ${path.join(dir, 'missing.yaml')}: ENOENT: no such file or directory, stat '${path.join(dir, 'missing.yaml')}'\n`],
  [['--from', good, '--to', emptyDir], `error: --to ${emptyDir}: the directory holds no .json, .yaml or .yml file\n`],
  [['--from', good, '--to', badDir], `error: --to ${path.join(badDir, 'b.yaml')}: document 1 is not a Kubernetes object: it needs string apiVersion and kind fields\n`],
  [['--from', good, '--to', notYaml], `error: --to ${notYaml}: document 1 is not valid YAML: Flow sequence in block collection must be sufficiently indented and end with a ] at line 3, column 1\n`],
  [['--from', notObject, '--to', good], `error: --from ${notObject}: document 1 is not a Kubernetes object: it needs string apiVersion and kind fields\n`],
  [['--from', good, '--to', good, '--fail', 'kafka-2'],
    `error: invalid --fail "kafka-2": expected POD-OR-NODE:MODE, a pod or node name and one of ${MODES} (for example --fail kafka-2:ImagePull or --fail node-1:CrashLoop)\n`],
  [['--from', good, '--to', good, '--fail', 'kafka-2:OutOfMemory'],
    `error: invalid --fail "kafka-2:OutOfMemory": expected POD-OR-NODE:MODE, a pod or node name and one of ${MODES} (for example --fail kafka-2:ImagePull or --fail node-1:CrashLoop)\n`],
  [['--from', good, '--to', good, '--fail', 'Kafka_2:CrashLoop'],
    `error: invalid --fail "Kafka_2:CrashLoop": expected POD-OR-NODE:MODE, a pod or node name and one of ${MODES} (for example --fail kafka-2:ImagePull or --fail node-1:CrashLoop)\n`],
  [['--from', good, '--to', good, '--fail', ':ImagePull'],
    `error: invalid --fail ":ImagePull": expected POD-OR-NODE:MODE, a pod or node name and one of ${MODES} (for example --fail kafka-2:ImagePull or --fail node-1:CrashLoop)\n`],
  [['--from', good, '--to', good, '--fail', 'kafka-2:ImagePull', '--fail', 'kafka-2:crashloop'],
    'error: --fail: kafka-2 is named twice; give each pod or node one failure mode\n'],
  [['--from', good, '--to', good, '--nodes', '0'], 'error: invalid --nodes "0": expected a whole number from 1 to 5000\n'],
  [['--from', good, '--to', good, '--nodes', 'three'], 'error: invalid --nodes "three": expected a whole number from 1 to 5000\n'],
  [['--from', good, '--to', good, '--soak', '5 minutes'],
    'error: invalid duration "5 minutes" for --soak: use a number with a unit (ms, s, m, h), for example 30s, 5m or 1h30m\n'],
  [['--from', good, '--to', good, '--timeout', '-1s'],
    'error: invalid duration "-1s" for --timeout: use a number with a unit (ms, s, m, h), for example 30s, 5m or 1h30m\n'],
  [['--from', good, '--to', good, '--timeout', '0s'],
    'error: invalid --timeout "0s": a rehearsed step needs a time limit above 0, for example 10m\n'],
  [['--from', good, '--to', good, '--plan', ' '],
    'error: invalid --plan " ": the plan is empty; pass one (for example --plan canary or --plan 100,99,90,50,0), or leave --plan out to use the workload\'s\n'],
  [['--from', good, '--to', good, '-o', 'yaml'],
    'error: unable to match a printer suitable for the output format "yaml", allowed formats are: json,markdown,text\n'],
])('rehearse %j is refused in one line with exit code 4, before the rehearsal starts', async (argv, stderr) => {
  const result = await rehearseCli(argv);
  expect(result).toEqual({ code: 4, stdout: '', stderr });
  expect(rehearse).not.toHaveBeenCalled();
});

test('a failure mode is read without regard to case and handed to the engine as the sandbox names it', async () => {
  const nothing = { workloads: [], otherChanges: [], failures: [], nodes: 2, durationMs: 0, succeeded: true, warnings: [] };
  jest.mocked(rehearse).mockResolvedValueOnce(nothing);
  const result = await rehearseCli(['--from', good, '--to', good, '--fail', 'kafka-2:imagepull', '--fail', 'node-1:FLAPPINGREADINESS',
    '--nodes', '2', '--soak', '1m', '--no-auto-rollback']);
  expect(result).toEqual({ code: 0, stderr: '', stdout: expect.stringContaining('rehearsal: nothing to promote') });
  expect(rehearse).toHaveBeenCalledWith({
    from: fs.readFileSync(good, 'utf8'),
    to: fs.readFileSync(good, 'utf8'),
    fromSource: good,
    toSource: good,
    plan: undefined,
    soakMs: 60_000,
    timeoutMs: undefined,
    autoRollback: false,
    failures: [{ target: 'kafka-2', mode: 'ImagePull' }, { target: 'node-1', mode: 'FlappingReadiness' }],
    nodes: 2,
  });
});

test('a directory is read as kubectl apply -f reads one: its manifest files in name order, as one YAML stream', async () => {
  jest.mocked(rehearse).mockResolvedValueOnce(completedReport);
  expect((await rehearseCli(['--from', good, '--to', chartsDir])).code).toBe(0);
  expect(jest.mocked(rehearse).mock.calls[0][0]).toMatchObject({
    to: 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: a\n---\n\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n',
    toSource: chartsDir,
  });
});

test('a kind the sandbox does not serve reaches the engine, which reports it as not rehearsed, where sandbox --apply refuses it', async () => {
  const withDeployment = path.join(dir, 'deployment.yaml');
  fs.writeFileSync(withDeployment, 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n');
  jest.mocked(rehearse).mockResolvedValueOnce(completedReport);
  expect((await rehearseCli(['--from', good, '--to', withDeployment])).code).toBe(0);
  expect(jest.mocked(rehearse).mock.calls[0][0]).toMatchObject({ to: 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n' });
});

describe('what a report prints and exits with', () => {
  test.each([
    ['every promotion complete', completedReport, 0],
    ['one rolled back, the others complete', rolledBackReport, 2],
    ['one failed without a rollback', { ...rolledBackReport, workloads: [{ ...rolledBackKafka, outcome: 'failed' as const }, completedNodeExporter] }, 1],
    ['one rolled back, another aborted', { ...rolledBackReport, workloads: [rolledBackKafka, { ...completedNodeExporter, outcome: 'aborted' as const }] }, 1],
  ])('%s: the text view, and the exit code promote would end with', async (_name, report, code) => {
    jest.mocked(rehearse).mockResolvedValueOnce(report);
    const result = await rehearseCli(['--from', good, '--to', good]);
    expect(result).toEqual({ code, stderr: '', stdout: rehearsalText(report) });
  });

  test('-o json is the report; -o markdown the pull-request comment', async () => {
    jest.mocked(rehearse).mockResolvedValue(rolledBackReport);
    const json = await rehearseCli(['--from', good, '--to', good, '-o', 'json']);
    expect(JSON.parse(json.stdout)).toEqual(rolledBackReport);
    const markdown = await rehearseCli(['--from', good, '--to', good, '-o', 'markdown']);
    expect(markdown).toEqual({ code: 2, stderr: '', stdout: rehearsalMarkdown(rolledBackReport) });
  });
});
