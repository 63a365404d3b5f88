// The contract between StagedRolloutRunner and the CLI: the command line the promotion Job runs, as synthesized, fed to
// kubectl-stage's own run(). First every argument must parse (the cluster stands in as a connector that is never
// reached past its call); then the promotion it starts in the sandbox is read back from the cluster (the state
// annotation's plan, target, soak and gate results, the Lease, the pods) and from the requests it made, each of which the
// runner's own Role must allow. The snapshot in staged-rollout-runner.test.ts pins the arguments; only this proves the
// parser reads them as the construct means them.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Chart, Duration, Testing } from 'cdk8s';
import { Manifest, testChart } from './manifest';
import { allows, Grants, requestAttributes } from './rbac';
import { CliIo } from '../../src/cli/main';
import { NodeAgent } from '../../src/node-agent';
import { PartitionPlan } from '../../src/partition-plan';
import { PROMOTE_JOB_FLAGS } from '../../src/promote-job-flags';
import { KubePod } from '../../src/runtime/kube/kube-types';
import { PromotionState } from '../../src/runtime/promotion/promotion-state';
import { RuntimeError } from '../../src/runtime/runtime-error';
import { KubeObject, RESOURCES } from '../../src/sandbox/api';
import { PodFailureMode } from '../../src/sandbox/controllers';
import { StagedRolloutRunner, StagedRolloutRunnerProps } from '../../src/staged-rollout-runner';
import { StatefulService } from '../../src/stateful-service';
import { StatefulSetRollout } from '../../src/statefulset-rollout';
import { CliKit, startCliKit } from '../support/cli-kit';
import { runKubectlStage } from '../support/kubectl-stage-run';
import { recordingConnector } from '../support/recording-cluster';

const IMAGE = 'ghcr.io/example/kubectl-stage:1.0.0';

/** The promotion Job's command line and the grants of the account it runs as. */
interface JobCommandLine {
  readonly command: string[];
  readonly args: string[];
  readonly grants: Grants;
}

// Synthesizes a chart with one runner and reads its Job's container and the rules its account is bound to.
function jobCommandLine(chart: Chart): JobCommandLine {
  const objects = Testing.synth(chart) as Manifest[];
  const jobs = objects.filter((object) => object.kind === 'Job');
  expect(jobs).toHaveLength(1);
  const [container] = jobs[0].spec.template.spec.containers;
  const role = objects.find((object) => object.kind === 'Role')!;
  return {
    command: container.command,
    args: container.args,
    grants: {
      namespace: role.metadata.namespace,
      roleRules: role.rules,
      clusterRules: objects.filter((object) => object.kind === 'ClusterRole').flatMap((object) => object.rules),
    },
  };
}

// A runner alone in a Chart without a namespace.
function runnerJob(props: StagedRolloutRunnerProps): JobCommandLine {
  const chart = testChart();
  new StagedRolloutRunner(chart, 'runner', props);
  return jobCommandLine(chart);
}

describe('every argument the promotion Job writes is one promote parses', () => {
  // promote checks every flag before it connects: reaching the connector means the command line parsed, and the
  // namespace it receives is the one the Job's pod connects to.
  async function parse(args: string[]): Promise<{ code: number; stderr: string; namespaces: (string | undefined)[] }> {
    const namespaces: (string | undefined)[] = [];
    const { code, stderr } = await runKubectlStage(args, {
      kubeconfig: 'the-pods-in-cluster-config',
      connector: async (flags) => {
        namespaces.push(flags.namespace);
        throw new RuntimeError('api', 'the cluster was reached');
      },
    });
    return { code, stderr, namespaces };
  }

  const STS = { image: IMAGE, workload: 'sts/kafka' };
  const DS = { image: IMAGE, workload: 'ds/agent' };
  // Each prop that becomes an argument, alone and together, at the bounds the construct accepts.
  const cases: [string, StagedRolloutRunnerProps, string][] = [
    ['the workload alone, in the Chart\'s namespace', { promotionJob: STS }, 'default'],
    ...['statefulset/kafka', 'statefulsets/kafka'].map((workload): [string, StagedRolloutRunnerProps, string] =>
      [`workload ${workload}`, { promotionJob: { ...STS, workload } }, 'default']),
    ...['ds/agent', 'daemonset/agent', 'daemonsets/agent'].map((workload): [string, StagedRolloutRunnerProps, string] =>
      [`workload ${workload}`, { allowDaemonSetCanary: true, promotionJob: { ...DS, workload } }, 'default']),
    ['namespace', { namespace: 'kafka', promotionJob: STS }, 'kafka'],
    ['a partition plan', { promotionJob: { ...STS, plan: '100,99,90,50,0' } }, 'default'],
    ['a node canary plan', { allowDaemonSetCanary: true, promotionJob: { ...DS, plan: 'canary,nodes=topology.kubernetes.io/zone in (a,b),50%' } }, 'default'],
    ['soak 0', { promotionJob: { ...STS, soak: Duration.seconds(0) } }, 'default'],
    ['the longest soak', { promotionJob: { ...STS, soak: Duration.seconds(2147483647) } }, 'default'],
    ['timeout 0', { promotionJob: { ...STS, timeout: Duration.seconds(0) } }, 'default'],
    ['the longest timeout', { promotionJob: { ...STS, timeout: Duration.seconds(2147483647) } }, 'default'],
    ['auto-rollback', { allowUndo: true, promotionJob: { ...STS, autoRollback: true } }, 'default'],
    ['every prop of a DaemonSet Job', {
      namespace: 'monitoring',
      allowUndo: true,
      allowDaemonSetCanary: true,
      promotionJob: { ...DS, plan: '1,25%,100%', soak: Duration.minutes(2), timeout: Duration.hours(1), autoRollback: true },
    }, 'monitoring'],
    ['extra args: gates, approval, one step', {
      promotionJob: {
        ...STS,
        plan: 'canary',
        soak: Duration.minutes(5),
        extraArgs: ['--gate', 'exec=./smoke.sh', '--gate', 'http=http://kafka:8080/healthz', '--gate-timeout', '1m', '--approve-each', '--step'],
      },
    }, 'default'],
    ['extra args: Prometheus gates, a target, JSON events', {
      promotionJob: {
        ...STS,
        extraArgs: ['--prometheus', 'http://prometheus:9090', '--gate', 'prom=sum(up{job="kafka"})', '--prom-condition', '>=3', '--to', '50%', '-o', 'json'],
      },
    }, 'default'],
  ];

  test.each(cases)('%s', async (_name, props, namespace) => {
    const { args } = runnerJob(props);
    expect(args[0]).toBe('promote');
    expect(await parse(args)).toEqual({ code: 6, stderr: 'error: the cluster was reached\n', namespaces: [namespace] });
  });

  // A value each flag accepts; a flag promote gains fails here until it has one (and a row in PROMOTE_JOB_FLAGS).
  const VALUES: Record<string, string> = {
    '--to': '50%',
    '--gate': 'exec=./smoke.sh',
    '--prometheus': 'http://prometheus:9090',
    '--prom-condition': '>=1',
    '--gate-timeout': '1m',
    '--output': 'json',
    '--request-timeout': '10s',
  };
  const allowed = PROMOTE_JOB_FLAGS.filter((flag) => flag.refused === undefined);

  test.each(allowed.map((flag) => [flag.name, flag]))('extraArgs %s (and its value, next or after =) parses', async (_name, flag) => {
    const forms = flag.takesValue ? [[flag.name, VALUES[flag.name]], [`${flag.name}=${VALUES[flag.name]}`]] : [[flag.name]];
    for (const extraArgs of forms) {
      expect(extraArgs.every((arg) => arg !== undefined)).toBe(true);
      expect((await parse(runnerJob({ promotionJob: { ...STS, extraArgs } }).args)).stderr).toBe('error: the cluster was reached\n');
    }
  });

  test('the flags extraArgs may carry are the flags promote parses', async () => {
    const { code, stdout: help } = await runKubectlStage(['promote', '--help'], { kubeconfig: 'unused' });
    expect(code).toBe(0);
    // `  -o, --output <format>  text ...`: the short form, the long form and whether a value follows.
    const parsed = [...help.matchAll(/^ {2}(?:(-\w), )?(--[a-z-]+)( <[^>]+>)?/gm)]
      .map(([, short, name, value]) => ({ name, short, takesValue: value !== undefined }))
      .filter((flag) => flag.name !== '--help' && flag.name !== '--version');
    const table = PROMOTE_JOB_FLAGS.map(({ name, short, takesValue }) => ({ name, short, takesValue }));
    const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);
    expect(parsed.sort(byName)).toEqual(table.sort(byName));
  });

  test('the Job starts the CLI by the name the package installs it as', () => {
    const { command } = runnerJob({ promotionJob: STS });
    const bin = (JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as { bin: Record<string, string> }).bin;
    expect(command).toHaveLength(1);
    expect(Object.keys(bin)).toContain(command[0]);
  });
});

describe('extraArgs that promote would not read as the props mean are refused at synth', () => {
  const synth = (extraArgs: string[]) => () => runnerJob({ allowUndo: true, promotionJob: { image: IMAGE, workload: 'sts/kafka', extraArgs } });

  test('a flag a prop writes, or the connection the Role is bound to', () => {
    const fix = (prop: string) => `set ${prop} instead: it is checked at synth, and a repeated flag overrides it`;
    expect(synth(['--step', '--plan', 'bogus'])).toThrow(`test/runner: promotionJob.extraArgs[1]: "--plan" is not valid; ${fix('promotionJob.plan')}`);
    expect(synth(['--soak=5m'])).toThrow(`test/runner: promotionJob.extraArgs[0]: "--soak=5m" is not valid; ${fix('promotionJob.soak')}`);
    expect(synth(['--timeout', '1m'])).toThrow(fix('promotionJob.timeout'));
    expect(synth(['--auto-rollback'])).toThrow(fix('promotionJob.autoRollback'));
    expect(synth(['-n', 'other'])).toThrow(`test/runner: promotionJob.extraArgs[0]: "-n" is not valid; ${fix('namespace (the Role is bound there)')}`);
    expect(synth(['--namespace=other'])).toThrow(fix('namespace (the Role is bound there)'));
    for (const flag of ['--kubeconfig', '--context']) {
      expect(synth([flag, 'x'])).toThrow(`test/runner: promotionJob.extraArgs[0]: "${flag}" is not valid; the Job connects in the cluster as the runner's `
        + 'ServiceAccount, the identity its Role is bound to: leave it out');
    }
  });

  test('an unknown flag, help or version, a bare word, a missing or unexpected value', () => {
    expect(synth(['--gaet', 'exec=true'])).toThrow(/^test\/runner: promotionJob\.extraArgs\[0\]: "--gaet" is not valid; pass flags of "kubectl-stage promote" \(--step, --to, --all, --gate, /);
    for (const arg of ['--help', '-h', '--version', '--', '-x']) {
      expect(synth([arg])).toThrow(`promotionJob.extraArgs[0]: "${arg}" is not valid; pass flags of "kubectl-stage promote"`);
    }
    expect(synth(['--step', 'kafka'])).toThrow('promotionJob.extraArgs[1]: "kafka" is not valid; pass flags of "kubectl-stage promote"');
    expect(synth(['--step', '--gate'])).toThrow('test/runner: promotionJob.extraArgs[1]: "--gate" is not valid; --gate needs a value after it');
    expect(synth(['--step=true'])).toThrow('test/runner: promotionJob.extraArgs[0]: "--step=true" is not valid; --step takes no value');
    // A value that looks like a flag belongs to the flag before it.
    expect(synth(['--prom-condition', '-1', '-ojson'])).not.toThrow();
  });
});

// The Job run against the sandbox: its arguments fed to run() unchanged, after the sandbox's --kubeconfig (standing in
// for the pod's in-cluster config), each request recorded beneath the retrying layer for the RBAC check, and the
// `--gate` checks answered in process (a real shell or fetch is I/O the virtual clock cannot wait for).
describe('the promotion Job\'s command line starts the promotion its props describe', () => {
  jest.setTimeout(120_000);

  let cli: CliKit;
  afterEach(async () => {
    await cli?.stop();
  });

  /** What the Job's run printed, returned and sent. */
  interface JobRun {
    readonly code: number;
    readonly stdout: string;
    readonly stderr: string;
    /** Requests the runner's Role does not allow (`verb group/resource namespace/name`). */
    readonly denied: string[];
    /** The commands the `exec=` gates ran and the URLs the `http=` gates fetched. */
    readonly gateCalls: string[];
  }

  async function runJob(job: JobCommandLine): Promise<JobRun> {
    const recording = recordingConnector();
    const gateCalls: string[] = [];
    const gateIo: CliIo['gateIo'] = {
      exec: async (command) => {
        gateCalls.push(`exec ${command}`);
        return { exitCode: 0, output: 'ok' };
      },
      fetch: async (url) => {
        gateCalls.push(`fetch ${url}`);
        return { status: 200, text: async () => 'ok' };
      },
    };
    const result = await cli.stage(job.args, { connector: recording.connector, gateIo });
    const denied = recording.requests().map(requestAttributes)
      .filter((request) => !allows(job.grants, request))
      .map((request) => `${request.verb} ${request.apiGroup}/${request.resource} ${request.namespace}/${request.name}`);
    return { ...result, denied: [...new Set(denied)], gateCalls };
  }

  function createNamespace(name: string): void {
    cli.api.create(RESOURCES.namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  }

  // Creates the chart's StatefulSet and DaemonSet (the workloads its constructs synthesized) and waits for their pods.
  async function createWorkloads(chart: Chart): Promise<void> {
    for (const object of Testing.synth(chart) as KubeObject[]) {
      if (object.kind === 'StatefulSet') {
        cli.api.create(RESOURCES.statefulSets, object);
      } else if (object.kind === 'DaemonSet') {
        cli.api.create(RESOURCES.daemonSets, object);
      }
    }
    await cli.runUntil(() => workloads().every((workload) => workload.kind === 'StatefulSet'
      ? workload.status?.readyReplicas === workload.spec.replicas
      : workload.status?.desiredNumberScheduled > 0 && workload.status?.numberReady === workload.status?.desiredNumberScheduled));
  }

  function workloads(): KubeObject[] {
    return [...cli.api.list(RESOURCES.statefulSets).items, ...cli.api.list(RESOURCES.daemonSets).items];
  }


  // Each gate result as `step gate passed: message`, in the order written, revision hashes left out.
  const gateRecords = (state: PromotionState) => state.gates
    .map((record) => `${record.step} ${record.gate} ${record.passed}: ${record.message.replace(/ on revision \S+,/, ' on the new revision,')}`);

  function images(namespace: string, app: string): string[] {
    return (cli.api.list(RESOURCES.pods, { namespace, labelSelector: `app.kubernetes.io/instance=${app}` }).items as unknown as KubePod[])
      .filter((pod) => !pod.metadata.deletionTimestamp)
      .map((pod) => pod.spec?.containers?.[0]?.image ?? '');
  }

  function lease(namespace: string, name: string): KubeObject | undefined {
    return cli.api.get(RESOURCES.leases, namespace, name);
  }

  // A staged StatefulService `kafka` (plan linear:1 in its annotation) and a runner, in the Chart's namespace.
  function kafkaChart(namespace: string, runner: StagedRolloutRunnerProps): Chart {
    const chart = testChart(namespace);
    new StatefulService(chart, 'kafka', {
      name: 'kafka',
      replicas: 3,
      selector: { 'app.kubernetes.io/instance': 'kafka' },
      podSpec: { containers: [{ name: 'kafka', image: 'kafka:1' }] },
      peerPorts: [{ name: 'peer', port: 9093 }],
      rollout: StatefulSetRollout.staged(PartitionPlan.linear(1)),
    });
    new StagedRolloutRunner(chart, 'runner', runner);
    return chart;
  }

  test('a StatefulSet Job with every prop: its namespace, plan, soak and gates reach the promotion', async () => {
    cli = await startCliKit();
    createNamespace('kafka');
    const chart = kafkaChart('kafka', {
      allowUndo: true,
      promotionJob: {
        image: IMAGE,
        workload: 'sts/kafka',
        plan: 'canary',
        soak: Duration.seconds(30),
        timeout: Duration.minutes(10),
        autoRollback: true,
        extraArgs: ['--gate', 'exec=./smoke.sh', '--gate', 'http=http://kafka.kafka:8080/healthz'],
      },
    });
    await createWorkloads(chart);
    cli.setImage('kafka', 'kafka:2', { namespace: 'kafka' });

    const job = await runJob(jobCommandLine(chart));
    expect({ code: job.code, stderr: job.stderr, denied: job.denied }).toEqual({ code: 0, stderr: '', denied: [] });
    const state = cli.promotionState('kafka', { namespace: 'kafka' })!;
    // --plan canary, not the annotation's linear:1: partitions 3, 2, 0, walked to the end (--all is the default).
    expect(state).toMatchObject({ kind: 'StatefulSet', plan: 'canary', step: 2, targetStep: 2, phase: 'complete' });
    expect(job.stdout).toMatch(/^promoting sts\/kafka with plan canary \(partitions 3, 2, 0\): step 0 -> 2\n/);
    // Each step passed its pods' gate, both --gate checks and a soak of --soak 30s.
    expect(gateRecords(state)).toEqual([
      '0 built-in true: no pod to update',
      '1 built-in true: 1 pod on the new revision, Ready and Available',
      '1 exec=./smoke.sh true: "./smoke.sh" exited with status 0: ok',
      '1 http=http://kafka.kafka:8080/healthz true: GET http://kafka.kafka:8080/healthz answered 200',
      '1 soak true: no infant mortality in 30s',
      '2 built-in true: 3 pods on the new revision, Ready and Available',
      '2 exec=./smoke.sh true: "./smoke.sh" exited with status 0: ok',
      '2 http=http://kafka.kafka:8080/healthz true: GET http://kafka.kafka:8080/healthz answered 200',
      '2 soak true: no infant mortality in 30s',
    ]);
    expect(job.gateCalls).toEqual([
      'exec ./smoke.sh', 'fetch http://kafka.kafka:8080/healthz', 'exec ./smoke.sh', 'fetch http://kafka.kafka:8080/healthz',
    ]);
    // --namespace kafka: the Lease was taken (and released) there, by the promoter the state names.
    expect(state.holder).toEqual(expect.any(String));
    expect(lease('kafka', 'statefulset-kafka-stage')?.spec).toMatchObject({ holderIdentity: '' });
    expect(lease('default', 'statefulset-kafka-stage')).toBeUndefined();
    expect(images('kafka', 'kafka')).toEqual(['kafka:2', 'kafka:2', 'kafka:2']);
  });

  test('a StatefulSet Job: --timeout ends a stuck step and --auto-rollback restores the previous revision', async () => {
    cli = await startCliKit({ kubelet: { failureRules: [{ mode: PodFailureMode.NEVER_READY, image: 'kafka:never' }] } });
    createNamespace('kafka');
    const chart = kafkaChart('kafka', {
      allowUndo: true,
      promotionJob: { image: IMAGE, workload: 'statefulset/kafka', plan: 'canary', timeout: Duration.minutes(2), autoRollback: true },
    });
    await createWorkloads(chart);
    cli.setImage('kafka', 'kafka:never', { namespace: 'kafka' });

    const job = await runJob(jobCommandLine(chart));
    expect({ code: job.code, stderr: job.stderr, denied: job.denied }).toEqual({ code: 2, stderr: '', denied: [] });
    const state = cli.promotionState('kafka', { namespace: 'kafka' })!;
    expect(state).toMatchObject({ kind: 'StatefulSet', plan: 'canary', step: 1, phase: 'rolled-back' });
    // --timeout 120s was the step's deadline; no soak or gate was asked for.
    expect(gateRecords(state)).toEqual(['0 built-in true: no pod to update', '1 timeout false: step 1 timed out after 2m0s waiting for kafka-2 not Ready']);
    expect(images('kafka', 'kafka')).toEqual(['kafka:1', 'kafka:1', 'kafka:1']);
  });

  test('a StatefulSet Job without a plan: the plan its construct wrote, and --step from extra args', async () => {
    cli = await startCliKit();
    const chart = kafkaChart('default', { promotionJob: { image: IMAGE, workload: 'statefulsets/kafka', extraArgs: ['--step'] } });
    await createWorkloads(chart);
    cli.setImage('kafka', 'kafka:2', { namespace: 'default' });

    const job = await runJob(jobCommandLine(chart));
    expect({ code: job.code, stderr: job.stderr, denied: job.denied }).toEqual({ code: 0, stderr: '', denied: [] });
    // linear:1 on 3 replicas is partitions 3, 2, 1, 0; --step stops after the first; no --soak, no soak.
    const state = cli.promotionState('kafka', { namespace: 'default' })!;
    expect(state).toMatchObject({ plan: 'linear:1', step: 1, targetStep: 1, phase: 'complete' });
    expect(gateRecords(state)).toEqual(['0 built-in true: no pod to update', '1 built-in true: 1 pod on the new revision, Ready and Available']);
    expect(images('default', 'kafka').sort()).toEqual(['kafka:1', 'kafka:1', 'kafka:2']);
  });

  // A NodeAgent DaemonSet `agent` on every node, staged with `kubectl-stage stage`, and a runner, in `monitoring`.
  async function stagedAgent(runner: StagedRolloutRunnerProps): Promise<JobCommandLine> {
    createNamespace('monitoring');
    const chart = testChart('monitoring');
    new NodeAgent(chart, 'agent', { name: 'agent', image: 'agent:1' });
    new StagedRolloutRunner(chart, 'runner', runner);
    await createWorkloads(chart);
    expect(await cli.stage(['stage', 'ds/agent', '--namespace', 'monitoring'])).toMatchObject({ code: 0, stderr: '' });
    return jobCommandLine(chart);
  }

  test('a DaemonSet Job: the node canary plan and soak reach the canary', async () => {
    cli = await startCliKit({ nodes: 4 });
    const job = await stagedAgent({
      allowDaemonSetCanary: true,
      promotionJob: { image: IMAGE, workload: 'daemonset/agent', plan: 'nodes=kubernetes.io/hostname=node-2,50%,100%', soak: Duration.seconds(20) },
    });
    cli.setImage('agent', 'agent:2', { kind: 'DaemonSet', namespace: 'monitoring' });

    const result = await runJob(job);
    expect({ code: result.code, stderr: result.stderr, denied: result.denied }).toEqual({ code: 0, stderr: '', denied: [] });
    const state = cli.promotionState('agent', { kind: 'DaemonSet', namespace: 'monitoring' })!;
    expect(state).toMatchObject({ kind: 'DaemonSet', plan: 'nodes=kubernetes.io/hostname=node-2,50%,100%', step: 3, targetStep: 3, phase: 'complete' });
    expect(result.stdout).toMatch(/\nstep 1: 1 node\(s\) to the new revision \(node-2\)\n/);
    expect(gateRecords(state)).toEqual([
      '0 built-in true: no node to update',
      '1 built-in true: 1 node on the new revision, Ready and Available',
      '1 soak true: no infant mortality in 20s',
      '2 built-in true: 2 nodes on the new revision, Ready and Available',
      '2 soak true: no infant mortality in 20s',
      '3 built-in true: 4 nodes on the new revision, Ready and Available',
      '3 soak true: no infant mortality in 20s',
    ]);
    expect(lease('monitoring', 'daemonset-agent-stage')?.spec).toMatchObject({ holderIdentity: '' });
    expect(images('monitoring', 'agent')).toEqual(['agent:2', 'agent:2', 'agent:2', 'agent:2']);
  });

  test('a DaemonSet Job: --timeout and --auto-rollback reach the canary, and its rollback is within the Role', async () => {
    cli = await startCliKit({ kubelet: { failureRules: [{ mode: PodFailureMode.NEVER_READY, image: 'agent:never' }] } });
    const job = await stagedAgent({
      allowUndo: true,
      allowDaemonSetCanary: true,
      promotionJob: { image: IMAGE, workload: 'ds/agent', plan: 'canary', timeout: Duration.minutes(3), autoRollback: true },
    });
    cli.setImage('agent', 'agent:never', { kind: 'DaemonSet', namespace: 'monitoring' });

    const result = await runJob(job);
    expect({ code: result.code, stderr: result.stderr, denied: result.denied }).toEqual({ code: 2, stderr: '', denied: [] });
    const state = cli.promotionState('agent', { kind: 'DaemonSet', namespace: 'monitoring' })!;
    expect(state).toMatchObject({ kind: 'DaemonSet', plan: 'canary', step: 1, phase: 'rolled-back' });
    expect(gateRecords(state)).toEqual([
      '0 built-in true: no node to update',
      expect.stringMatching(/^1 timeout false: step 1 timed out after 3m0s waiting for agent-\w+ on node-1 not Ready$/),
    ]);
    expect(images('monitoring', 'agent')).toEqual(['agent:1', 'agent:1', 'agent:1']);
  });
});
