// `kubectl-stage rehearse` end to end through run(): two small releases in temporary files, rehearsed by the real
// engine in its in-process sandbox; no cluster and no kubeconfig.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Yaml } from 'cdk8s';
import { run } from '../../src/cli/main';
import { RehearsalReport } from '../../src/rehearsal/rehearsal-report';

jest.setTimeout(60_000);

// A 3-replica StatefulSet on `image` with a PodDisruptionBudget that allows one pod down.
function release(image: string): string {
  return Yaml.stringify(
    {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'web', namespace: 'default' },
      spec: {
        replicas: 3,
        serviceName: 'web',
        podManagementPolicy: 'Parallel',
        selector: { matchLabels: { app: 'web' } },
        template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image }] } },
      },
    },
    { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'web', namespace: 'default' }, spec: { maxUnavailable: 1, selector: { matchLabels: { app: 'web' } } } },
  );
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rehearse-cli-'));
const from = path.join(dir, 'from.yaml');
const to = path.join(dir, 'to.yaml');
fs.writeFileSync(from, release('web:1'));
fs.writeFileSync(to, release('web:2'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

async function rehearseCli(argv: string[]) {
  const out = { stdout: '', stderr: '' };
  const code = await run(['rehearse', '--from', from, '--to', to, ...argv], {
    stdout: (text) => { out.stdout += text; },
    stderr: (text) => { out.stderr += text; },
    isTTY: false,
    env: {},
  });
  return { code, ...out };
}

test('-o json: the report of a canary walk, every step within the budget', async () => {
  const result = await rehearseCli(['--plan', 'canary', '--soak', '1m', '-o', 'json']);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  const report = JSON.parse(result.stdout) as RehearsalReport;
  expect(report.succeeded).toBe(true);
  expect(report.nodes).toBe(3);
  const [web] = report.workloads;
  expect(web).toMatchObject({ kind: 'StatefulSet', name: 'web', plan: 'canary', planSource: 'option', outcome: 'complete', maxUnavailable: 1 });
  expect(web.changes).toEqual([{ path: 'spec.containers[web].image', from: 'web:1', to: 'web:2' }]);
  expect(web.steps.map((step) => step.pods)).toEqual([[], ['web-2'], ['web-1', 'web-0']]);
  expect(web.steps.every((step) => step.result === 'passed' && step.budgets.every((budget) => !budget.violated))).toBe(true);
  // Each step that moves pods soaks a minute of simulated time after they pass the gate.
  expect(web.steps[1].durationMs).toBeGreaterThanOrEqual(60_000);
  expect(report.warnings).toEqual([]);
});

test('--fail web-2:ImagePull: the canary step fails, the update is rolled back, exit code 2; the text says where', async () => {
  const result = await rehearseCli(['--plan', 'canary', '--fail', 'web-2:imagepull']);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(2);
  expect(result.stdout.split('\n')[0]).toBe('rehearsal: statefulset/web rolled back at step 1');
  expect(result.stdout).toMatch(/\n {2}1 +web-2 .*failed: .*ImagePullBackOff/);
  expect(result.stdout).toMatch(/\n {2}2 +web-1, web-0 +- +- +- +- +not reached\n/);
});

test('--no-auto-rollback: the failed step stays where it stopped, exit code 1', async () => {
  const result = await rehearseCli(['--plan', 'canary', '--fail', 'node-1:NeverReady', '--fail', 'web-2:CrashLoop', '--timeout', '2m', '--no-auto-rollback', '-o', 'json']);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(1);
  expect(JSON.parse(result.stdout).workloads[0].outcome).toBe('failed');
});

test('a failure target that is neither a node nor a pod of the release is refused in one line', async () => {
  const result = await rehearseCli(['--fail', 'web-7:CrashLoop']);
  expect(result.code).toBe(4);
  expect(result.stdout).toBe('');
  expect(result.stderr).toMatch(/^error: failure web-7:CrashLoop: "web-7" is neither a node of the rehearsal \(node-1, node-2, node-3\) nor a pod .*\(web-0, web-1, web-2\)\n$/);
});

test('-o markdown is the same bytes on every run', async () => {
  const first = await rehearseCli(['--fail', 'web-2:ImagePull', '-o', 'markdown']);
  const second = await rehearseCli(['--fail', 'web-2:ImagePull', '-o', 'markdown']);
  expect(first.code).toBe(2);
  expect(second.stdout).toBe(first.stdout);
  expect(first.stdout).toContain('| 1 | web-2 |');
});
