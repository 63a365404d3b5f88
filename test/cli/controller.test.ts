// `kubectl-stage controller`: its flags refused in one line with the bad-input exit code before any request, and a run
// against the sandbox over HTTP that promotes an annotated StatefulSet, logs JSON lines and stops on the signal.
import { RolloutKeys } from '../../src/keys';
import { PartitionPlan } from '../../src/partition-plan';
import { RESOURCES } from '../../src/sandbox/api';
import { allOn, CliKit, startCliKit } from '../support/cli-kit';
import { runKubectlStage } from '../support/kubectl-stage-run';
import { statefulSetManifest } from '../support/workload-manifests';

jest.setTimeout(60_000);

let cli: CliKit;
afterEach(() => cli?.sandbox.stop());

describe('kubectl-stage controller', () => {
  test.each([
    [['-n', 'kafka', '-A'], 'error: --namespace and --all-namespaces cannot be combined: pass one of them'],
    [['--max-concurrent', '0'], 'error: invalid --max-concurrent "0": expected a whole number from 1 to 1000'],
    [['--metrics-addr', '8080'], 'error: invalid --metrics-addr "8080": use [HOST]:PORT, for example :8080 or 127.0.0.1:8080 (0 turns the server off)'],
    [['--metrics-addr', ':70000'], 'error: invalid --metrics-addr port "70000": expected a whole number from 0 to 65535'],
    [['-l', 'team in data'], expect.stringMatching(/^error: invalid --selector: invalid label selector "team in data": /)],
    [['--lease-name', 'Leader_Lease'], 'error: invalid --lease-name "Leader_Lease": use a DNS subdomain name (lower case letters, digits, \'-\' and \'.\')'],
    [['--gate-timeout', '0'], 'error: invalid --gate-timeout "0": a gate needs a time limit above 0, for example 30s'],
  ])('refuses %j in one line with exit code 4, before contacting the cluster', async (flags, message) => {
    cli = await startCliKit();
    const before = cli.sandbox.api.list(RESOURCES.leases).items.length;
    const result = await cli.stage(['controller', ...flags]);
    expect(result.code).toBe(4);
    expect(result.stderr.trimEnd().split('\n')).toEqual([message]);
    expect(cli.sandbox.api.list(RESOURCES.leases).items.length).toBe(before);
  });

  test('promotes an annotated StatefulSet as it changes, stages it again, logs JSON lines, and stops on SIGTERM with exit code 0', async () => {
    cli = await startCliKit();
    const manifest = statefulSetManifest('kafka', { replicas: 3, updateStrategy: 'staged', image: 'kafka:1' });
    cli.sandbox.api.create(RESOURCES.statefulSets, {
      ...manifest, metadata: { ...manifest.metadata, annotations: { [RolloutKeys.PLAN_ANNOTATION]: 'canary', [RolloutKeys.SOAK_ANNOTATION]: '10s' } },
    });
    await cli.runUntil(() => allOn(cli, 'kafka', 'kafka:1', 3));
    const stop = new AbortController();
    const running = runKubectlStage(['controller', '--metrics-addr', '0', '--max-concurrent', '2'],
      { kubeconfig: cli.sandbox.kubeconfigPath, clock: cli.runtimeClock, signal: stop.signal });
    cli.setImage('kafka', 'kafka:2');
    await cli.runUntil(() => cli.promotionState('kafka')?.phase === 'complete'
      && cli.statefulSet('kafka').spec.updateStrategy?.rollingUpdate?.partition === PartitionPlan.STAGED_PARTITION, 600_000);
    expect(allOn(cli, 'kafka', 'kafka:2', 3)).toBe(true);
    stop.abort();
    await cli.runUntil(running);
    const result = await running;
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('');
    const entries = result.stderr.trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(entries.every((entry) => typeof entry.time === 'string' && typeof entry.level === 'string' && typeof entry.msg === 'string')).toBe(true);
    expect(entries.map((entry) => entry.msg)).toEqual(expect.arrayContaining(['controller started', 'promoting', 'promotion finished', 'staged', 'controller stopped']));
    expect(entries.find((entry) => entry.msg === 'promotion finished')).toMatchObject({ workload: 'default/statefulset/kafka', phase: 'complete' });
  });
});
