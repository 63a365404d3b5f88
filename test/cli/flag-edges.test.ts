// Flag values at their edges: each is refused with one line and exit code 4 before the cluster is contacted, or read
// as kubectl reads it (`--timeout 0s` is no limit).
import { ClusterConnector } from '../../src/cli/cli-context';
import { run } from '../../src/cli/main';
import { allOn, CliKit, startCliKit } from '../support/cli-kit';

jest.setTimeout(30_000);

// Counts connections: a flag refused before the cluster is contacted never opens one.
function untouched() {
  const out = { stdout: '', stderr: '', connections: 0 };
  const connector: ClusterConnector = async () => {
    out.connections++;
    throw new Error('the cluster must not be contacted');
  };
  const io = { stdout: (text: string) => { out.stdout += text; }, stderr: (text: string) => { out.stderr += text; }, isTTY: false, env: {} };
  return { out, run: (argv: string[]) => run(argv, io, connector) };
}

test.each([
  [['promote', 'sts/kafka', '--plan', ''], 'error: invalid --plan "": the plan is empty; pass one (for example --plan canary or --plan 100,99,90,50,0), or leave --plan out to use the workload\'s\n'],
  [['promote', 'sts/kafka', '--plan', '   '], 'error: invalid --plan "   ": the plan is empty; pass one (for example --plan canary or --plan 100,99,90,50,0), or leave --plan out to use the workload\'s\n'],
  [['plan', 'sts/kafka', '--plan', ''], 'error: invalid --plan "": the plan is empty; pass one (for example --plan canary or --plan 100,99,90,50,0), or leave --plan out to use the workload\'s\n'],
  [['undo', 'sts/kafka', '--through-plan', '--plan', ' '], 'error: invalid --plan " ": the plan is empty; pass one (for example --plan canary or --plan 100,99,90,50,0), or leave --plan out to use the workload\'s\n'],
  [['promote', 'sts/kafka', '--prometheus', 'not a url'], 'error: invalid --prometheus "not a url": expected an absolute http or https URL, for example http://prometheus:9090\n'],
  [['promote', 'sts/kafka', '--prometheus', 'ftp://prometheus'], 'error: invalid --prometheus "ftp://prometheus": expected an absolute http or https URL, for example http://prometheus:9090\n'],
  [['promote', 'sts/kafka', '--gate-timeout', '0s'], 'error: invalid --gate-timeout "0s": a gate needs a time limit above 0, for example 30s\n'],
  [['status', 'sts/kafka', '--watch', '--timeout', '3000000h'], 'error: invalid duration "3000000h" for --timeout: longer than the longest duration kubectl accepts (2562047h47m16s)\n'],
  [['history', 'sts/kafka', '--revision', '-1'], 'error: invalid --revision "-1": expected a whole number >= 0\n'],
  [['sandbox', '--nodes', '5001'], 'error: invalid --nodes "5001": expected a whole number from 1 to 5000\n'],
  [['promote', 'sts/kafka', '--soak', '3000000h'], 'error: invalid duration "3000000h" for --soak: longer than the longest duration kubectl accepts (2562047h47m16s)\n'],
])('%j is refused with one line before the cluster is contacted', async (argv, stderr) => {
  const cli = untouched();
  expect(await cli.run(argv)).toBe(4);
  expect(cli.out).toEqual({ stdout: '', stderr, connections: 0 });
});

describe('--timeout 0s is no limit, as kubectl rollout status --timeout has it', () => {
  let cli: CliKit;
  afterEach(() => cli.sandbox.stop());

  test('promote --timeout 0s walks the whole plan', async () => {
    cli = await startCliKit();
    await cli.createStatefulSet('kafka', { replicas: 3, image: 'kafka:1', updateStrategy: 'rolling' });
    expect((await cli.stage(['stage', 'sts/kafka'])).code).toBe(0);
    cli.setImage('kafka', 'kafka:2');
    const result = await cli.stage(['promote', 'sts/kafka', '--plan', 'canary', '--timeout', '0s']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(allOn(cli, 'kafka', 'kafka:2', 3)).toBe(true);
  });

  test('status --watch --timeout 0 follows the rollout to its end', async () => {
    cli = await startCliKit();
    await cli.createStatefulSet('web', { replicas: 3, image: 'web:1', updateStrategy: 'rolling' });
    cli.setImage('web', 'web:2');
    const result = await cli.stage(['status', 'sts/web', '--watch', '--timeout', '0', '-o', 'json']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const reports = result.stdout.trimEnd().split('\n').map((line) => JSON.parse(line));
    expect(reports[reports.length - 1].phase).toBe('complete');
  });
});
