// `kubectl-stage promote | pause | resume | abort` in-process against the sandbox over HTTP: output and exit codes.
import { connectCluster } from '../../src/runtime/cluster/kube-cluster';
import { decideStageDaemonSet } from '../../src/runtime/daemonset/daemonset-canary-strategy';
import { KubeDaemonSet } from '../../src/runtime/kube/kube-types';
import { formatMicroTime } from '../../src/runtime/promotion/promotion-lock';
import { RESOURCES } from '../../src/sandbox/api';
import { CliKit, startCliKit } from '../support/cli-kit';
import { isReady } from '../support/pod-readiness';
import { daemonSetManifest } from '../support/workload-manifests';

jest.setTimeout(30_000);

let cli: CliKit;
afterEach(async () => {
  await cli?.sandbox.stop();
});

async function stagedKafka(image: string): Promise<void> {
  await cli.createStatefulSet('kafka', { replicas: 3, image: 'kafka:1', updateStrategy: 'rolling' });
  expect((await cli.stage(['stage', 'sts/kafka'])).code).toBe(0);
  cli.setImage('kafka', image);
}

const images = () => cli.pods('kafka').map((pod) => pod.spec?.containers?.[0]?.image);

test('promote --plan canary walks the plan and exits 0, one line per event', async () => {
  cli = await startCliKit();
  await stagedKafka('kafka:2');
  const result = await cli.stage(['promote', 'sts/kafka', '--plan', 'canary', '--soak', '10s']);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  const lines = result.stdout.trimEnd().split('\n');
  expect(lines[0]).toBe('promoting sts/kafka with plan canary (partitions 3, 2, 0): step 0 -> 2');
  expect(lines).toContain('step 0: partition 3 (staged)');
  expect(lines).toContain('step 1: partition 2 (kafka-2 on the new revision)');
  expect(lines).toContain('step 2: partition 0 (kafka-2, kafka-1, kafka-0 on the new revision)');
  expect(lines.filter((line) => /^step \d: gate passed; soaking for 10s/.test(line))).toHaveLength(2);
  expect(lines[lines.length - 1]).toMatch(/^promotion complete: every pod of statefulset\/kafka is on revision kafka-\w+$/);
  expect(images()).toEqual(['kafka:2', 'kafka:2', 'kafka:2']);
});

test('-o json prints the engine\'s events as NDJSON', async () => {
  cli = await startCliKit();
  await stagedKafka('kafka:2');
  const result = await cli.stage(['promote', 'sts/kafka', '--plan', 'canary', '--step', '-o', 'json']);
  expect(result.code).toBe(0);
  const events = result.stdout.trimEnd().split('\n').map((line) => JSON.parse(line));
  expect(events[0]).toMatchObject({ type: 'started', plan: 'canary', step: 0, targetStep: 1 });
  expect(events[events.length - 1]).toMatchObject({ type: 'finished', phase: 'complete', message: 'step 1 of 2 complete' });
  expect(images()).toEqual(['kafka:1', 'kafka:1', 'kafka:2']);
});

test('a failed canary with --auto-rollback exits 2 with every pod back on the old image', async () => {
  cli = await startCliKit();
  await stagedKafka('kafka:bad');
  const result = await cli.stage(['promote', 'sts/kafka', '--plan', 'canary', '--auto-rollback', '--timeout', '5m']);
  expect(result.code).toBe(2);
  expect(result.stdout).toContain('\nstep 1 failed: pod kafka-2: ImagePullBackOff - Back-off pulling image "kafka:bad"\n');
  expect(result.stdout).not.toContain('step 1 failed: step 1 failed');
  expect(result.stdout).toMatch(/\nrolled-back: rolled back to revision kafka-\w+: /);
  expect(images()).toEqual(['kafka:1', 'kafka:1', 'kafka:1']);
});

test('bad flags exit 4 before the cluster is touched', async () => {
  cli = await startCliKit();
  await stagedKafka('kafka:2');
  expect(await cli.stage(['promote', 'sts/kafka', '--step', '--all'])).toEqual({
    stdout: '', stderr: 'error: --step and --all cannot be combined: pass one of --step, --to or --all\n', code: 4,
  });
  expect(await cli.stage(['promote', 'sts/kafka', '--soak', '5x'])).toEqual({
    stdout: '', stderr: 'error: invalid duration "5x" for --soak: use a number with a unit (ms, s, m, h), for example 30s, 5m or 1h30m\n', code: 4,
  });
  expect((await cli.stage(['promote', 'sts/kafka', '--gate', 'ftp=x'])).stderr)
    .toBe('error: invalid gate "ftp=x": expected http=URL, prom=QUERY (with a condition such as >=3), exec=COMMAND, '
      + 'kafka[:OPTIONS] (min-isr, port=PORT; comma-separated) or zookeeper[:port=PORT]\n');
  expect((await cli.stage(['promote', 'sts/kafka', '--gate', 'kafka:min-isr=2'])).stderr)
    .toBe('error: invalid gate "kafka:min-isr=2": unknown kafka option "min-isr=2"; the options are min-isr and port=PORT (for example kafka:min-isr,port=9404)\n');
  expect(await cli.stage(['promote', 'sts/kafka', '--step', '--to', '50%'])).toMatchObject({ code: 4 });
  expect(images()).toEqual(['kafka:1', 'kafka:1', 'kafka:1']);
});

describe('gates declared on the workload (staged-rollouts.io/gates)', () => {
  const declare = (gates: string[]) => {
    const sts = cli.api.get(RESOURCES.statefulSets, 'default', 'kafka')!;
    cli.api.update(RESOURCES.statefulSets, { ...sts, metadata: { ...sts.metadata, annotations: { ...sts.metadata.annotations, 'staged-rollouts.io/gates': JSON.stringify(gates) } } });
  };

  test('run when no --gate is given: an unhealthy Kafka is refused before the first step, and status names the broker', async () => {
    cli = await startCliKit();
    await stagedKafka('kafka:2');
    declare(['kafka:port=9404']);
    for (const pod of cli.pods('kafka')) {
      const underReplicated = pod.metadata.name === 'kafka-1' ? 2 : 0;
      cli.sandbox.podMetrics.set('default', pod.metadata.name!, 9404, `kafka_server_replicamanager_underreplicatedpartitions ${underReplicated}\n`);
    }
    const result = await cli.stage(['promote', 'sts/kafka', '--plan', 'canary', '--gate-timeout', '10s']);
    expect(result.code).toBe(1);
    const refusal = 'refused before step 1: statefulset/kafka is not healthy: kafka:port=9404: kafka-1 reports 2 under-replicated partitions (still so after 10s)';
    expect(result.stdout).toContain('step 0: gate kafka:port=9404 failed: kafka:port=9404: kafka-1 reports 2 under-replicated partitions (still so after 10s)\n');
    expect(result.stdout).toContain(refusal);
    expect(result.stdout).toContain('step 0: gate kafka:port=9404 waiting: kafka:port=9404: kafka-1 reports 2 under-replicated partitions\n');
    expect(images()).toEqual(['kafka:1', 'kafka:1', 'kafka:1']);
    expect((await cli.stage(['status', 'sts/kafka'])).stdout).toContain(`promotion failed: ${refusal}`);
  });

  test('--gate replaces them', async () => {
    cli = await startCliKit();
    await stagedKafka('kafka:2');
    declare(['kafka']);
    const result = await cli.stage(['promote', 'sts/kafka', '--plan', 'canary', '--gate', 'exec=true']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).not.toContain('kafka:');
    expect(images()).toEqual(['kafka:2', 'kafka:2', 'kafka:2']);
  });

  test('an invalid declared gate is bad input naming the annotation', async () => {
    cli = await startCliKit();
    await stagedKafka('kafka:2');
    declare(['kafka:fast']);
    expect(await cli.stage(['promote', 'sts/kafka', '--plan', 'canary'])).toEqual({
      stdout: '',
      stderr: 'error: annotation staged-rollouts.io/gates on statefulset/kafka: invalid gate "kafka:fast": unknown kafka option "fast"; '
        + 'the options are min-isr and port=PORT (for example kafka:min-isr,port=9404)\n',
      code: 4,
    });
  });
});

test('a Lease held by another promoter exits 5 naming it', async () => {
  cli = await startCliKit();
  await stagedKafka('kafka:2');
  const now = formatMicroTime(cli.sandbox.clock.now());
  cli.sandbox.api.create(RESOURCES.leases, {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: { name: 'statefulset-kafka-stage', namespace: 'default' },
    spec: { holderIdentity: 'ci-runner/42', leaseDurationSeconds: 3600, acquireTime: now, renewTime: now },
  });
  const result = await cli.stage(['promote', 'sts/kafka', '--plan', 'canary']);
  expect(result.code).toBe(5);
  expect(result.stdout).toBe('');
  expect(result.stderr).toMatch(/^error: statefulset\/kafka is being promoted by ci-runner\/42 \(lease default\/statefulset-kafka-stage expires at .*, in (\d+h)?\d+m\d+s\); wait for it to finish, or ask it to stop with "kubectl-stage abort sts\/kafka"\n$/);
});

test('pause, resume and abort without a promotion in progress exit 4', async () => {
  cli = await startCliKit();
  await stagedKafka('kafka:2');
  for (const command of ['pause', 'resume', 'abort']) {
    expect(await cli.stage([command, 'sts/kafka'])).toEqual({
      stdout: '', stderr: 'error: no promotion of statefulset/kafka is in progress; start one with "kubectl-stage promote sts/kafka"\n', code: 4,
    });
  }
});

test('promote ds/NAME runs the node canary on 10 nodes and restores the DaemonSet\'s strategy', async () => {
  cli = await startCliKit({ nodes: 10 });
  const strategy = { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } };
  cli.api.create(RESOURCES.daemonSets, daemonSetManifest('agent', { image: 'agent:1', updateStrategy: strategy, hostPort: 9100 }));
  await cli.runUntil(() => cli.pods('agent').filter(isReady).length === 10);
  const { cluster } = await connectCluster({ kubeconfig: cli.sandbox.kubeconfigPath, env: {} });
  const stage = decideStageDaemonSet(cli.sandbox.api.get(RESOURCES.daemonSets, 'default', 'agent') as unknown as KubeDaemonSet);
  const { patch, patchType } = stage as Extract<typeof stage, { action: 'patch' }>;
  await cluster.patch('DaemonSet', 'default', 'agent', patch, patchType);
  cli.setImage('agent', 'agent:2', { kind: 'DaemonSet' });
  const result = await cli.stage(['promote', 'ds/agent', '--plan', '1,25%,100%']);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  expect(result.stdout).toMatch(/^promoting ds\/agent with plan 1,25%,100% \(nodes /);
  expect(result.stdout).toMatch(/\nstep 1: 1 node\(s\) to the new revision \(node-\d+\)\n/);
  expect(cli.pods('agent').filter((pod) => !pod.metadata.deletionTimestamp).map((pod) => pod.spec?.containers?.[0]?.image))
    .toEqual(Array(10).fill('agent:2'));
  expect(cli.sandbox.api.get(RESOURCES.daemonSets, 'default', 'agent')?.spec.updateStrategy).toEqual(strategy);
  expect(await cli.stage(['abort', 'ds/agent'])).toMatchObject({
    code: 4, stderr: expect.stringMatching(/^error: no promotion of daemonset\/agent is in progress \(the last one ended complete at step 3\)/),
  });
});
