// The connection at its edges, through run(argv, io): a server that cannot be reached or never answers fails in one
// line with exit code 6 and no retries; one Ctrl-C ends a command (exit code 130), even one stuck on a request.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ClusterConnector, INTERRUPT_GRACE_MS } from '../../src/cli/cli-context';
import { CliIo, run } from '../../src/cli/main';
import { RolloutKeys } from '../../src/keys';
import { Cluster } from '../../src/runtime/cluster/cluster';
import { leaseNameFor } from '../../src/runtime/promotion/promotion-lock';
import { RESOURCES } from '../../src/sandbox/api';
import { VirtualClock } from '../../src/sandbox/clock';
import { allOn, CliKit, startCliKit } from '../support/cli-kit';
import { useSilentServer } from '../support/silent-server';


// A whole promotion on virtual time takes a few seconds of wall time on an idle machine; the allowance is for a loaded one.
jest.setTimeout(30_000);

// What a run printed, and how long it slept on its clock (retries back off there).
function capture(signal?: AbortSignal) {
  const out = { stdout: '', stderr: '', slept: [] as number[] };
  const io: CliIo = {
    stdout: (text) => { out.stdout += text; },
    stderr: (text) => { out.stderr += text; },
    isTTY: false,
    env: {},
    clock: { now: () => 0, sleep: async (ms) => { out.slept.push(ms); } },
    signal,
  };
  return { out, io };
}

describe('a server that cannot be reached or never answers', () => {
  const silent = useSilentServer('connection-edges-');

  const kubeconfigFor = (server: string) => {
    const file = path.join(silent.dir, 'config');
    fs.writeFileSync(file, JSON.stringify({
      'clusters': [{ name: 'c', cluster: { server } }],
      'users': [{ name: 'u', user: {} }],
      'contexts': [{ name: 'c', context: { cluster: 'c', user: 'u' } }],
      'current-context': 'c',
    }));
    return file;
  };
  const port = () => silent.port();

  test('unreachable: one line, exit code 6, at once (no retries)', async () => {
    const closedPort = port();
    await new Promise((resolve) => silent.server.close(resolve));
    const { out, io } = capture();
    expect(await run(['status', 'sts/web', '--kubeconfig', kubeconfigFor(`http://127.0.0.1:${closedPort}`)], io)).toBe(6);
    expect(out.stderr).toMatch(new RegExp(`^error: cannot reach the API server at http://127\\.0\\.0\\.1:${closedPort}: [^\\n]*ECONNREFUSED[^\\n]*\\n$`));
    expect(out.slept).toEqual([]);
  });

  test('accepts and never answers: fails after --request-timeout in one line, exit code 6', async () => {
    const { out, io } = capture();
    const url = `http://127.0.0.1:${port()}`;
    expect(await run(['status', 'sts/web', '--request-timeout', '50ms', '--kubeconfig', kubeconfigFor(url)], io)).toBe(6);
    expect(out.stderr).toBe(`error: the API server at ${url} did not answer within 50ms (request timeout)\n`);
    expect(out.slept).toEqual([]);
  });

  test('a malformed --request-timeout is bad input before anything is contacted', async () => {
    const { out, io } = capture();
    expect(await run(['status', 'sts/web', '--request-timeout', 'soon', '--kubeconfig', kubeconfigFor(`http://127.0.0.1:${port()}`)], io)).toBe(4);
    expect(out.stderr).toBe('error: invalid duration "soon" for --request-timeout: use a number with a unit (ms, s, m, h), for example 30s, 5m or 1h30m\n');
    expect(silent.sockets).toEqual([]);
  });
});

test('one Ctrl-C ends a command stuck on a request that never returns: exit code 130 after the grace period', async () => {
  const interrupt = new AbortController();
  let asked: () => void = () => undefined;
  const requested = new Promise<void>((resolve) => { asked = resolve; });
  const never = (): Promise<never> => {
    asked();
    return new Promise<never>(() => undefined);
  };
  const cluster: Cluster = { get: never, list: never, create: never, replace: never, patch: never, delete: never, watch: never, podProxyGet: never };
  const connector: ClusterConnector = async () => ({ cluster, namespace: 'default' });
  const { out, io } = capture(interrupt.signal);
  const running = run(['status', 'sts/web'], io, connector);
  await requested;
  interrupt.abort();
  expect(await running).toBe(130);
  expect(out.stderr).toBe('interrupted: gave up waiting for the command to stop after 5s\n');
  expect(out.slept).toEqual([INTERRUPT_GRACE_MS]);
});

describe('Ctrl-C during a promotion', () => {
  let cli: CliKit;
  afterEach(() => cli.sandbox.stop());

  test('ends it with exit code 130, its state kept and its Lease released; a rerun resumes it', async () => {
    cli = await startCliKit();
    await cli.createStatefulSet('kafka', { replicas: 3, image: 'kafka:1', updateStrategy: 'rolling' });
    expect((await cli.stage(['stage', 'sts/kafka'])).code).toBe(0);
    cli.setImage('kafka', 'kafka:2');
    const interrupt = new AbortController();
    // A minute into the run: step 1's pod is on the new revision and its 10-minute soak has begun.
    (cli.sandbox.clock as VirtualClock).setTimer(60_000, () => interrupt.abort());
    const interrupted = await cli.stage(['promote', 'sts/kafka', '--plan', 'canary', '--soak', '10m'], { signal: interrupt.signal });
    expect(interrupted.code).toBe(130);
    const sts = cli.sandbox.api.get(RESOURCES.statefulSets, 'default', 'kafka')!;
    expect(JSON.parse(sts.metadata.annotations![RolloutKeys.STATE_ANNOTATION])).toMatchObject({ plan: 'canary', step: 1 });
    const lease = cli.sandbox.api.get(RESOURCES.leases, 'default', leaseNameFor({ kind: 'StatefulSet', namespace: 'default', name: 'kafka' }));
    expect(lease?.spec?.holderIdentity ?? '').toBe('');
    const resumed = await cli.stage(['promote', 'sts/kafka', '--soak', '10m']);
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toMatch(/^resuming sts\/kafka with plan canary /);
    expect(allOn(cli, 'kafka', 'kafka:2', 3)).toBe(true);
  });
});
