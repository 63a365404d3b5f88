// kubectl-stage controller on the real control plane, as it runs in a cluster: processes of their own started with the
// command line StagedRolloutController synthesizes, authenticated with the token of the ServiceAccount it synthesizes,
// so kube-apiserver enforces the construct's RBAC on every request. The scenarios the sandbox tests play on the virtual
// clock (test/runtime/controller, test/cli/gitops-controller.test.ts), in real time: many workloads changing at once,
// two replicas with one leading and the leader killed mid-soak, a CLI promoter holding a workload's Lease, a GitOps
// re-apply mid-promotion, and annotations with bad values.
import { hostname } from 'node:os';
import { Chart, Duration, Testing } from 'cdk8s';
import { RolloutKeys } from '../../src/keys';
import { PartitionPlan } from '../../src/partition-plan';
import { ApprovalPolicy } from '../../src/promotion-policy-options';
import { parseLeaseHolder } from '../../src/runtime/promotion/lease-holder';
import { StagedRolloutController } from '../../src/staged-rollout-controller';
import { PartitionOwner, StatefulSetRollout } from '../../src/statefulset-rollout';
import { KubectlStageProcess, spawnKubectlStage } from '../support/kubectl-stage-run';
import { allReadyOn, ClusterSnapshot, ScenarioCluster, startScenarioCluster } from '../support/scenario-cluster';
import { serviceAccountKubeconfig } from '../support/service-account-kubeconfig';
import { statefulSetManifest } from '../support/workload-manifests';

jest.setTimeout(300_000);

const NAME = 'stage-controller';
/** client-go's defaults, which the controller keeps: a standby takes an unchanged Lease after 15 s, trying every 2 s. */
const LEASE_DURATION_MS = 15_000;
const RETRY_PERIOD_MS = 2_000;

let cluster: ScenarioCluster;
/** The kubeconfig of the controller's ServiceAccount. */
let kubeconfig: string;
/** The controller's command line as its Deployment runs it. */
let controllerArgs: string[];

beforeAll(async () => {
  cluster = await startScenarioCluster('kube', { nodes: 3 });
  const chart = new Chart(Testing.app(), 'controller', { namespace: 'default' });
  const construct = new StagedRolloutController(chart, 'controller', { image: 'example.com/kubectl-stage:1', name: NAME, watchNamespace: 'default' });
  // Everything but the Deployment (there is no image): the ServiceAccount, the Roles and their bindings, the Service.
  await cluster.apply(Testing.synth(chart).filter((object) => object.kind !== 'Deployment'));
  kubeconfig = await serviceAccountKubeconfig(cluster, construct.serviceAccount.name);
  const container = construct.deployment.toJson().spec.template.spec.containers[0];
  // The metrics server on a port of the system's choosing, on loopback: several replicas run on this one machine.
  controllerArgs = container.args.map((arg: string, index: number) => (container.args[index - 1] === '--metrics-addr' ? '127.0.0.1:0' : arg));
});

/** A controller process and what it said. */
interface Controller {
  readonly process: KubectlStageProcess;
  /** Its /metrics, /healthz and /readyz. */
  readonly url: string;
  /** Its JSON log lines so far. */
  log(): Array<Record<string, any>>;
}

const running: Controller[] = [];

afterEach(async () => {
  // A graceful stop (SIGTERM, as the kubelet stops a pod) ends each one with exit code 0.
  const stopping = running.splice(0);
  for (const controller of stopping) {
    controller.process.child.kill('SIGTERM');
  }
  const exits = await Promise.all(stopping.map((controller) => controller.process.exited));
  expect(exits.map((exit) => exit.code)).toEqual(stopping.map(() => 0));
});
afterAll(() => cluster?.stop());

/** Polls `condition` in real time until it holds. */
async function until<T>(what: string, condition: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await condition();
    if (value) {
      return value;
    }
    if (Date.now() > deadline) {
      throw new Error(`waiting for ${what}: still false after ${timeoutMs} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Starts `kubectl-stage controller` with the Deployment's arguments and the ServiceAccount's token; resolves once it serves. */
async function startController(): Promise<Controller> {
  const process = spawnKubectlStage(controllerArgs, { kubeconfig });
  const log = () => process.stderr().split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line));
  const serving = await until('the controller serving /metrics', () => {
    if (process.child.exitCode !== null) {
      throw new Error(`the controller exited (${process.child.exitCode}): ${process.stderr()}`);
    }
    return log().find((entry) => entry.msg === 'serving /metrics, /healthz and /readyz');
  }, 60_000);
  const controller = { process, log, url: `http://127.0.0.1:${serving.port}` };
  running.push(controller);
  return controller;
}

async function metric(controller: Controller, series: string): Promise<number | undefined> {
  const text = await (await fetch(`${controller.url}/metrics`)).text();
  const line = text.split('\n').find((entry) => entry.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

async function ready(controller: Controller): Promise<boolean> {
  return (await fetch(`${controller.url}/readyz`)).status === 200;
}

const workloadKey = (name: string) => `default/statefulset/${name}`;
const stepsStarted = (controller: Controller, name: string) => controller.log()
  .filter((entry) => entry.msg === 'step-started' && entry.workload === workloadKey(name)).map((entry) => entry.step as number);
const statefulSet = (snapshot: ClusterSnapshot, name: string) => snapshot.statefulSets.find((set) => set.metadata.name === name);
const stateOf = (snapshot: ClusterSnapshot, name: string) => {
  const text = statefulSet(snapshot, name)?.metadata.annotations?.[RolloutKeys.STATE_ANNOTATION];
  return text === undefined ? undefined : JSON.parse(text);
};
const partitionOf = (snapshot: ClusterSnapshot, name: string) => statefulSet(snapshot, name)?.spec.updateStrategy.rollingUpdate?.partition;
const gatesOf = (snapshot: ClusterSnapshot, name: string) => stateOf(snapshot, name).gates.map((record: any) => `${record.step}:${record.gate}`);
/** Promoted to the end and pinned again, every pod Ready on `image`. */
const promotedAndPinned = (snapshot: ClusterSnapshot, name: string, image: string) => stateOf(snapshot, name)?.phase === 'complete'
  && partitionOf(snapshot, name) === PartitionPlan.STAGED_PARTITION && allReadyOn(snapshot, name, 3, image);

/** A staged StatefulSet of 3 pods on `<name>:1` carrying the plan annotation (and `annotations`), Ready. */
function annotated(name: string, image: string, annotations: Record<string, string> = {}) {
  const manifest = statefulSetManifest(name, { replicas: 3, image, updateStrategy: 'staged' });
  return { ...manifest, metadata: { ...manifest.metadata, annotations: { [RolloutKeys.PLAN_ANNOTATION]: 'canary', ...annotations } } };
}

async function leaseHolder(): Promise<number | undefined> {
  const lease = await cluster.kubectl(['get', 'lease', NAME, '-o', 'json']);
  const holder = lease.code === 0 ? JSON.parse(lease.stdout).spec?.holderIdentity : undefined;
  return holder ? parseLeaseHolder(holder)?.pid : undefined;
}

test('three staged StatefulSets changed at once are all promoted to the end and pinned again', async () => {
  const names = ['alpha', 'beta', 'gamma'];
  await cluster.apply(names.map((name) => annotated(name, `${name}:1`)));
  await cluster.waitFor('3 pods Ready each', (s) => names.every((name) => allReadyOn(s, name, 3, `${name}:1`)));
  const controller = await startController();
  await until('the controller ready', () => ready(controller));

  await cluster.apply(names.map((name) => annotated(name, `${name}:2`)));
  const done = await cluster.waitFor('every StatefulSet promoted and pinned', (s) => names.every((name) => promotedAndPinned(s, name, `${name}:2`)));
  for (const name of names) {
    expect(stepsStarted(controller, name)).toEqual([0, 1, 2]);
    expect(gatesOf(done, name)).toEqual(['0:built-in', '1:built-in', '2:built-in']);
  }
  expect(await metric(controller, 'staged_rollouts_promotions_total{kind="StatefulSet",phase="complete"}')).toBe(3);
  expect(await metric(controller, 'staged_rollouts_promotions_in_progress')).toBe(0);
  // Every request the controller made was one its Role grants.
  expect(controller.log().filter((entry) => entry.level === 'error')).toEqual([]);
  expect(controller.process.stderr()).not.toContain('forbidden');
});

test('two replicas: exactly one leads; the leader SIGKILLed mid-soak is replaced within the Lease duration, no step repeated or skipped', async () => {
  await cluster.apply([annotated('kafka', 'kafka:1', { [RolloutKeys.SOAK_ANNOTATION]: '10s' })]);
  await cluster.waitFor('kafka Ready', (s) => allReadyOn(s, 'kafka', 3, 'kafka:1'));
  const replicas = await Promise.all([startController(), startController()]);
  await until('both replicas ready', async () => (await Promise.all(replicas.map(ready))).every(Boolean));
  const holder = await until('a leader', leaseHolder);
  const leader = replicas.find((replica) => replica.process.child.pid === holder)!;
  const standby = replicas.find((replica) => replica !== leader)!;
  expect(leader).toBeDefined();
  expect(await metric(leader, 'staged_rollouts_leader')).toBe(1);
  expect(await metric(standby, 'staged_rollouts_leader')).toBe(0);

  await cluster.apply([annotated('kafka', 'kafka:2', { [RolloutKeys.SOAK_ANNOTATION]: '10s' })]);
  await cluster.waitFor('step 1 soaking', (s) => stateOf(s, 'kafka')?.phase === 'soaking' && stateOf(s, 'kafka')?.step === 1);
  leader.process.child.kill('SIGKILL');
  const killedAt = Date.now();
  running.splice(running.indexOf(leader), 1);
  expect((await leader.process.exited).signal).toBe('SIGKILL');

  await until('the standby leading', async () => (await leaseHolder()) === standby.process.child.pid, 60_000);
  // client-go's semantics: the standby takes an unchanged Lease a Lease duration after it saw the last renewal (at most
  // one retry period before the kill), trying every retry period; plus the requests' latency on a shared machine.
  expect(Date.now() - killedAt).toBeLessThanOrEqual(LEASE_DURATION_MS + 2 * RETRY_PERIOD_MS + 2_000);
  expect(await metric(standby, 'staged_rollouts_leader')).toBe(1);

  const done = await cluster.waitFor('kafka promoted and pinned', (s) => promotedAndPinned(s, 'kafka', 'kafka:2'));
  expect(stepsStarted(leader, 'kafka')).toEqual([0, 1]);
  expect(stepsStarted(standby, 'kafka')).toEqual([2]);
  expect(standby.log().find((entry) => entry.msg === 'started' && entry.workload === workloadKey('kafka'))).toMatchObject({ resumed: true, step: 1 });
  expect(gatesOf(done, 'kafka')).toEqual(['0:built-in', '1:built-in', '1:soak', '2:built-in', '2:soak']);
  expect(parseLeaseHolder(stateOf(done, 'kafka').holder)?.pid).toBe(standby.process.child.pid);
});

test('a CLI promoter holding the workload\'s Lease: the controller waits, and only the CLI promotes', async () => {
  await cluster.apply([annotated('web', 'web:1')]);
  await cluster.waitFor('web Ready', (s) => allReadyOn(s, 'web', 3, 'web:1'));
  await cluster.apply([annotated('web', 'web:2')]);
  await cluster.waitFor('the new revision held by the pin', (s) => statefulSet(s, 'web').status.updateRevision !== statefulSet(s, 'web').status.currentRevision);
  // The CLI takes the Lease and stops after the first step, waiting for an approval.
  const promote = cluster.stage(['promote', 'sts/web', '--plan', 'canary', '--approve-each']);
  await cluster.waitFor('the CLI awaiting approval', (s) => stateOf(s, 'web')?.phase === 'awaiting-approval');

  const controller = await startController();
  await until('the controller waiting for the Lease', () => controller.log()
    .find((entry) => entry.msg === 'waiting for the lease' && entry.workload === workloadKey('web')));
  expect(await cluster.stage(['resume', 'sts/web'])).toMatchObject({ code: 0 });
  expect(await promote).toMatchObject({ code: 0 });

  const done = await cluster.waitFor('web promoted and pinned', (s) => promotedAndPinned(s, 'web', 'web:2'));
  expect(parseLeaseHolder(stateOf(done, 'web').holder)).toMatchObject({ host: hostname(), pid: process.pid });
  expect(stepsStarted(controller, 'web')).toEqual([]);
  expect(gatesOf(done, 'web')).toEqual(['0:built-in', '1:built-in', '1:approval', '2:built-in']);
  expect(controller.log()).toContainEqual(expect.objectContaining({ msg: 'staged', workload: workloadKey('web') }));
  expect(controller.log().filter((entry) => entry.level === 'error')).toEqual([]);
});

describe.each([
  ['server-side', ['--server-side']],
  ['client-side', []],
])('GitOps, %s apply', (mode, flags) => {
  const name = `gitops-${mode}`;
  const manifest = (image: string) => {
    const rollout = StatefulSetRollout.staged(PartitionPlan.canary(),
      { partitionOwner: PartitionOwner.PROMOTER, approval: ApprovalPolicy.EACH_STEP, soak: Duration.seconds(1) });
    const sts = statefulSetManifest(name, { replicas: 3, image, spec: JSON.parse(JSON.stringify(rollout._toSpec(3))) });
    return JSON.stringify({ ...sts, metadata: { ...sts.metadata, annotations: rollout._annotations() } });
  };
  const apply = async (image: string) => expect(await cluster.kubectl(['apply', ...flags, '-f', '-'], { stdin: manifest(image) })).toMatchObject({ code: 0 });

  test('the PROMOTER manifest re-applied mid-promotion moves neither the partition nor the promotion', async () => {
    await apply(`${name}:1`);
    await cluster.waitFor(`${name} Ready`, (s) => allReadyOn(s, name, 3, `${name}:1`));
    const controller = await startController();
    // The manifest leaves the partition out (the API server's default is 0): the controller pins it.
    await cluster.waitFor('the controller pinning it', (s) => partitionOf(s, name) === PartitionPlan.STAGED_PARTITION);

    await apply(`${name}:2`);
    const waiting = await cluster.waitFor('step 1 awaiting approval', (s) => stateOf(s, name)?.phase === 'awaiting-approval');
    const before = { partition: partitionOf(waiting, name), state: statefulSet(waiting, name).metadata.annotations[RolloutKeys.STATE_ANNOTATION] };
    expect(before.partition).toBe(2);
    await apply(`${name}:2`);
    const reapplied = await cluster.waitFor('a stable point after the re-apply', () => true);
    const after = { partition: partitionOf(reapplied, name), state: statefulSet(reapplied, name).metadata.annotations[RolloutKeys.STATE_ANNOTATION] };
    expect(after).toEqual(before);
    expect(reapplied.pods.filter((pod) => pod.metadata.labels?.app === name).map((pod) => pod.spec.containers[0].image))
      .toEqual([`${name}:1`, `${name}:1`, `${name}:2`]);

    expect(await cluster.stage(['resume', `sts/${name}`])).toMatchObject({ code: 0 });
    const done = await cluster.waitFor(`${name} promoted and pinned`, (s) => promotedAndPinned(s, name, `${name}:2`));
    expect(gatesOf(done, name)).toEqual(['0:built-in', '1:built-in', '1:soak', '1:approval', '2:built-in', '2:soak']);
    expect(stepsStarted(controller, name)).toEqual([0, 1, 2]);
  });
});

test('bad annotation values: a Warning Event and the metric, and the workload untouched', async () => {
  const bad = { [RolloutKeys.SOAK_ANNOTATION]: '5 minutes', [RolloutKeys.GATES_ANNOTATION]: '["bogus"]' };
  await cluster.apply([annotated('bad', 'bad:1', bad)]);
  await cluster.waitFor('bad Ready', (s) => allReadyOn(s, 'bad', 3, 'bad:1'));
  const controller = await startController();
  await until('the controller ready', () => ready(controller));
  await cluster.apply([annotated('bad', 'bad:2', bad)]);
  const changed = await cluster.waitFor('the new revision held by the pin', (s) => statefulSet(s, 'bad').status.updateRevision !== statefulSet(s, 'bad').status.currentRevision);

  const events = await until('the InvalidAnnotations Event', async () => {
    const listed = await cluster.kubectl(['get', 'events', '--field-selector', 'involvedObject.name=bad,reason=InvalidAnnotations', '-o', 'json']);
    const items = JSON.parse(listed.stdout).items;
    return items.length > 0 && items;
  });
  expect(events).toHaveLength(1);
  expect(events[0]).toMatchObject({ type: 'Warning', involvedObject: { kind: 'StatefulSet', name: 'bad' } });
  expect(events[0].message).toContain('annotation staged-rollouts.io/soak has "5 minutes": use a number with a unit');
  expect(events[0].message).toContain('annotation staged-rollouts.io/gates');
  expect(await metric(controller, 'staged_rollouts_invalid_annotations_total{kind="StatefulSet"}')).toBe(1);

  const after = await cluster.snapshot();
  const [was, is] = [statefulSet(changed, 'bad'), statefulSet(after, 'bad')];
  expect([is.metadata.generation, is.metadata.annotations, is.spec.updateStrategy])
    .toEqual([was.metadata.generation, was.metadata.annotations, was.spec.updateStrategy]);
  expect(allReadyOn(after, 'bad', 3, 'bad:1')).toBe(true);
});
