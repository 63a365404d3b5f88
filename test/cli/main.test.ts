import { ClusterConnector } from '../../src/cli/cli-context';
import { run } from '../../src/cli/main';
import { Cluster, ClusterError } from '../../src/runtime/cluster/cluster';

function io() {
  const out = { stdout: '', stderr: '', slept: 0 };
  // Retries back off on this clock: time passes only when slept.
  const clock = { now: () => out.slept, sleep: async (ms: number) => { out.slept += ms; } };
  return {
    out,
    io: { stdout: (text: string) => { out.stdout += text; }, stderr: (text: string) => { out.stderr += text; }, isTTY: false, env: {}, clock },
  };
}

// A cluster whose every call fails as an API server answering 500 would.
const failing: ClusterConnector = async () => {
  const fail = async (): Promise<never> => {
    throw new ClusterError(500, 'etcdserver: request timed out', { reason: 'InternalError' });
  };
  const cluster: Cluster = { get: fail, list: fail, create: fail, replace: fail, patch: fail, delete: fail, watch: fail, podProxyGet: fail };
  return { cluster, namespace: 'default' };
};

describe('run', () => {
  test('--help is a success and lists the commands', async () => {
    const { out, io: cliIo } = io();
    expect(await run(['--help'], cliIo, failing)).toBe(0);
    for (const command of ['plan', 'stage', 'status', 'history', 'undo', 'sandbox']) {
      expect(out.stdout).toContain(`\n  ${command} `);
    }
  });

  test('no command, an unknown command or a missing argument is bad input', async () => {
    expect(await run([], io().io, failing)).toBe(4);
    const unknown = io();
    expect(await run(['rollout'], unknown.io, failing)).toBe(4);
    expect(unknown.out.stderr).toContain("error: unknown command 'rollout'");
    expect(await run(['history'], io().io, failing)).toBe(4);
  });

  test('an API server error is retried within the budget, then exit code 6 with the server\'s message', async () => {
    const { out, io: cliIo } = io();
    expect(await run(['history', 'sts/web'], cliIo, failing)).toBe(6);
    expect(out.stderr).toBe('error: etcdserver: request timed out\n');
    expect(out.slept).toBeGreaterThan(0);
  });

  test('flags are checked before the cluster is contacted', async () => {
    const { out, io: cliIo } = io();
    expect(await run(['undo', 'sts/web', '--to-revision', 'two'], cliIo, failing)).toBe(4);
    expect(out.stderr).toBe('error: invalid --to-revision "two": expected a whole number\n');
  });
});
