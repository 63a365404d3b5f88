// Controller processes on the in-process sandbox (virtual clock): leader election among replicas, a leader killed
// mid-step and the standby resuming, a leader whose renewal hangs, a graceful stop, and the HTTP endpoints after a
// promotion.
import { RolloutKeys } from '../../../src/keys';
import { Cluster } from '../../../src/runtime/cluster/cluster';
import { ClusterDecorator, ClusterRequest } from '../../../src/runtime/cluster/cluster-decorator';
import { ControllerLogEntry } from '../../../src/runtime/controller/controller-log';
import { ControllerProcess, ControllerProcessOptions } from '../../../src/runtime/controller/controller-process';
import { PROMETHEUS_TEXT_CONTENT_TYPE, startControllerServer } from '../../../src/runtime/controller/controller-server';
import { LeaderElector } from '../../../src/runtime/controller/leader-election';
import { formatLeaseHolder, isLeaseHolderGone, parseLeaseHolder } from '../../../src/runtime/promotion/lease-holder';
import { formatMicroTime, leaseNameFor } from '../../../src/runtime/promotion/promotion-lock';
import { RESOURCES } from '../../../src/sandbox/api';
import { KillableCluster } from '../../support/killable-cluster';
import { isReady } from '../../support/pod-readiness';
import { InProcessSandboxKit, startSandboxKit } from '../../support/sandbox-kit';
import { statefulSetManifest } from '../../support/workload-manifests';
import { imagesOf } from '../promotion-fixture';

const ELECTION = { namespace: 'kube-system', name: 'kubectl-stage-controller' };
const KAFKA = { kind: 'StatefulSet' as const, namespace: 'default', name: 'kafka' };

let sandbox: InProcessSandboxKit;
const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(stops.splice(0).map((stop) => stop()));
  await sandbox?.stop();
});

interface Replica {
  readonly process: ControllerProcess;
  readonly log: ControllerLogEntry[];
  readonly cluster: KillableCluster;
  readonly stop: AbortController;
  readonly done: Promise<void>;
}

function startReplica(identity: string, leaderElection = true, extra: Partial<ControllerProcessOptions> = {}): Replica {
  const log: ControllerLogEntry[] = [];
  const cluster = new KillableCluster(sandbox.cluster);
  const process = new ControllerProcess({
    cluster,
    clock: sandbox.runtimeClock,
    holder: identity,
    namespace: 'default',
    log: (entry) => log.push(entry),
    retryDelayMs: 1000,
    ...leaderElection ? { leaderElection: ELECTION } : {},
    ...extra,
  });
  const stop = new AbortController();
  const done = process.run(stop.signal);
  stops.push(async () => {
    stop.abort();
    if (!cluster.killed) {
      await sandbox.runUntil(done);
    }
  });
  return { process, log, cluster, stop, done };
}

async function stagedKafka(soak = '60s', more: Record<string, string> = {}): Promise<void> {
  const manifest = statefulSetManifest('kafka', { replicas: 3, updateStrategy: 'staged' });
  const annotations = { [RolloutKeys.PLAN_ANNOTATION]: 'canary', [RolloutKeys.SOAK_ANNOTATION]: soak, ...more };
  sandbox.api.create(RESOURCES.statefulSets, { ...manifest, metadata: { ...manifest.metadata, annotations } });
  await sandbox.runUntil(() => sandbox.pods('kafka').length === 3 && sandbox.pods('kafka').every(isReady));
}

// A controller replica's identity on its own host (lease-holder.ts's format).
const onHost = (host: string) => formatLeaseHolder({ host, pid: 1, scope: `boot-${host}`, nonce: host });
// The CLI's liveness check of holders on this host, told that every pid is alive: no holder is ever found gone by it.
const noPidEverGone = (self: string) => (holder: string) => isLeaseHolderGone(holder, parseLeaseHolder(self)!, () => true);
const stepsStarted = (log: readonly ControllerLogEntry[]) => log.filter((entry) => entry.msg === 'step-started').map((entry) => entry.step as number);
const electionLease = () => sandbox.api.get(RESOURCES.leases, ELECTION.namespace, ELECTION.name);

describe('ControllerProcess', () => {
  test('two replicas: one leads and promotes, the other stands by ready', async () => {
    sandbox = await startSandboxKit();
    await stagedKafka('0');
    const a = startReplica('replica-a');
    const b = startReplica('replica-b');
    await sandbox.runUntil(() => a.process.notReady() === undefined && b.process.notReady() === undefined);
    expect([a.process.leading, b.process.leading]).toEqual([true, false]);
    expect(electionLease()?.spec).toMatchObject({ holderIdentity: 'replica-a', leaseDurationSeconds: 15, leaseTransitions: 0 });
    sandbox.setImage('kafka', 'kafka:2');
    await sandbox.runUntil(() => sandbox.promotionState('kafka')?.phase === 'complete', 600_000);
    expect(sandbox.promotionState('kafka')!.holder).toBe('replica-a');
    expect(stepsStarted(b.log)).toEqual([]);
    expect(a.process.metrics.value('staged_rollouts_leader')).toBe(1);
    expect(b.process.metrics.value('staged_rollouts_leader')).toBe(0);
  });

  test('the leader killed mid-soak: the standby leads within the lease duration and resumes, no step repeated or skipped', async () => {
    sandbox = await startSandboxKit();
    await stagedKafka('60s');
    const a = startReplica('replica-a');
    await sandbox.runUntil(() => a.process.leading && a.process.notReady() === undefined);
    const b = startReplica('replica-b');
    await sandbox.runUntil(() => b.process.notReady() === undefined);
    sandbox.setImage('kafka', 'kafka:2');
    await sandbox.runUntil(() => sandbox.promotionState('kafka')?.phase === 'soaking' && sandbox.promotionState('kafka')?.step === 1);
    a.cluster.kill();
    const killedAt = sandbox.clock.now();
    await sandbox.runUntil(() => b.process.leading, 60_000);
    // client-go semantics: the standby takes an unchanged Lease leaseDurationSeconds after it saw it change.
    // It saw the last renewal up to one retry period (2 s) before the kill, and tries every retry period.
    expect(sandbox.clock.now() - killedAt).toBeLessThanOrEqual(15_000 + 2 * 2_000);
    expect(electionLease()?.spec).toMatchObject({ holderIdentity: 'replica-b', leaseTransitions: 1 });
    await sandbox.runUntil(() => sandbox.promotionState('kafka')?.phase === 'complete', 600_000);
    expect(stepsStarted(a.log)).toEqual([0, 1]);
    expect(stepsStarted(b.log)).toEqual([2]);
    expect(b.log.find((entry) => entry.msg === 'started')).toMatchObject({ resumed: true, step: 1 });
    expect(sandbox.promotionState('kafka')!.gates.map((record) => `${record.step}:${record.gate}`))
      .toEqual(['0:built-in', '1:built-in', '1:soak', '2:built-in', '2:soak']);
    expect(imagesOf(sandbox.pods('kafka'))).toEqual({ 'kafka-0': 'kafka:2', 'kafka-1': 'kafka:2', 'kafka-2': 'kafka:2' });
  });

  test('replicas on different hosts: the new leader takes the killed leader\'s workload Lease at once and resumes within the leader Lease duration', async () => {
    sandbox = await startSandboxKit();
    await stagedKafka('300s');
    const a = startReplica(onHost('node-a'), true, { holderGone: noPidEverGone(onHost('node-a')) });
    await sandbox.runUntil(() => a.process.leading && a.process.notReady() === undefined);
    const b = startReplica(onHost('node-b'), true, { holderGone: noPidEverGone(onHost('node-b')) });
    await sandbox.runUntil(() => b.process.notReady() === undefined);
    sandbox.setImage('kafka', 'kafka:2');
    await sandbox.runUntil(() => sandbox.promotionState('kafka')?.phase === 'soaking' && sandbox.promotionState('kafka')?.step === 1);
    const workloadLease = () => sandbox.api.get(RESOURCES.leases, 'default', leaseNameFor(KAFKA))?.spec;
    expect(workloadLease()?.holderIdentity).toBe(onHost('node-a'));
    a.cluster.kill();
    const killedAt = sandbox.clock.now();
    await sandbox.runUntil(() => b.log.some((entry) => entry.msg === 'started'), 60_000);
    // The standby leads at most the lease duration (15 s) plus two retry periods (2 s) after the kill (see the test
    // above), then takes the workload Lease of the replica that led before it without waiting its 30 s out.
    expect(sandbox.clock.now() - killedAt).toBeLessThanOrEqual(15_000 + 2 * 2_000);
    expect(b.log.find((entry) => entry.msg === 'started')).toMatchObject({ resumed: true, step: 1 });
    expect(b.log.some((entry) => entry.msg === 'waiting for the lease')).toBe(false);
    expect(workloadLease()).toMatchObject({ holderIdentity: onHost('node-b'), leaseTransitions: 1 });
    await sandbox.runUntil(() => sandbox.promotionState('kafka')?.phase === 'complete', 1_200_000);
    expect(stepsStarted(a.log)).toEqual([0, 1]);
    expect(stepsStarted(b.log)).toEqual([2]);
    expect(sandbox.promotionState('kafka')!.gates.map((record) => `${record.step}:${record.gate}`))
      .toEqual(['0:built-in', '1:built-in', '1:soak', '2:built-in', '2:soak']);
    expect(imagesOf(sandbox.pods('kafka'))).toEqual({ 'kafka-0': 'kafka:2', 'kafka-1': 'kafka:2', 'kafka-2': 'kafka:2' });
  });

  test('a new leader still waits for a workload Lease a CLI promoter holds', async () => {
    sandbox = await startSandboxKit();
    await stagedKafka('0');
    const a = startReplica(onHost('node-a'), true, { holderGone: noPidEverGone(onHost('node-a')) });
    await sandbox.runUntil(() => a.process.leading && a.process.notReady() === undefined);
    const b = startReplica(onHost('node-b'), true, { holderGone: noPidEverGone(onHost('node-b')) });
    await sandbox.runUntil(() => b.process.notReady() === undefined);
    a.cluster.kill();
    await sandbox.runUntil(() => b.process.leading, 60_000);
    // A kubectl-stage promote on a laptop holds the workload's Lease (30 s from now), then the workload changes.
    const cli = formatLeaseHolder({ host: 'laptop', pid: 4242, scope: 'boot-laptop', nonce: 'cli' });
    const now = formatMicroTime(sandbox.clock.now());
    sandbox.api.create(RESOURCES.leases, {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name: leaseNameFor(KAFKA), namespace: 'default' },
      spec: { holderIdentity: cli, leaseDurationSeconds: 30, acquireTime: now, renewTime: now, leaseTransitions: 0 },
    });
    const expiresAt = sandbox.clock.now() + 30_000;
    sandbox.setImage('kafka', 'kafka:2');
    await sandbox.runUntil(() => b.log.some((entry) => entry.msg === 'waiting for the lease'));
    expect(b.log.find((entry) => entry.msg === 'waiting for the lease')?.error).toContain(cli);
    await sandbox.runUntil(() => stepsStarted(b.log).length > 0, 120_000);
    expect(sandbox.clock.now()).toBeGreaterThanOrEqual(expiresAt);
    await sandbox.runUntil(() => sandbox.promotionState('kafka')?.phase === 'complete', 600_000);
    expect(stepsStarted(b.log)).toEqual([0, 1, 2]);
  });

  test('a graceful stop mid-soak releases both Leases and leaves the promotion resumable', async () => {
    sandbox = await startSandboxKit();
    await stagedKafka('60s');
    const a = startReplica('replica-a');
    await sandbox.runUntil(() => a.process.notReady() === undefined);
    sandbox.setImage('kafka', 'kafka:2');
    await sandbox.runUntil(() => sandbox.promotionState('kafka')?.phase === 'soaking');
    a.stop.abort();
    await sandbox.runUntil(a.done);
    expect(electionLease()?.spec).toMatchObject({ holderIdentity: '', leaseDurationSeconds: 1 });
    expect(sandbox.api.get(RESOURCES.leases, 'default', leaseNameFor(KAFKA))?.spec.holderIdentity).toBe('');
    expect(sandbox.promotionState('kafka')).toMatchObject({ phase: 'soaking', step: 1 });
    // The next replica leads at once (the Lease was released) and finishes it.
    const b = startReplica('replica-b');
    const restartedAt = sandbox.clock.now();
    await sandbox.runUntil(() => b.process.leading);
    expect(sandbox.clock.now() - restartedAt).toBeLessThan(3_000);
    await sandbox.runUntil(() => sandbox.promotionState('kafka')?.phase === 'complete', 600_000);
    expect(stepsStarted(b.log)).toEqual([2]);
  });

  test('/metrics after a promotion, /healthz and /readyz', async () => {
    sandbox = await startSandboxKit();
    await stagedKafka('30s', { [RolloutKeys.GATES_ANNOTATION]: '["http=http://health.test/ok"]' });
    const gateIo = { fetch: async () => new Response('ok'), exec: async () => ({ exitCode: 0, output: '' }), clock: sandbox.runtimeClock };
    const a = startReplica('replica-a', false, { gateIo });
    const server = await startControllerServer('127.0.0.1', 0, { metrics: () => a.process.metrics.render(), notReady: () => a.process.notReady() });
    stops.push(() => server.close());
    await sandbox.runUntil(() => a.process.notReady() === undefined);
    sandbox.setImage('kafka', 'kafka:2');
    await sandbox.runUntil(() => sandbox.promotionState('kafka')?.phase === 'complete', 600_000);
    const base = `http://127.0.0.1:${server.port}`;
    const metrics = await fetch(`${base}/metrics`);
    expect(metrics.status).toBe(200);
    expect(metrics.headers.get('content-type')).toBe(PROMETHEUS_TEXT_CONTENT_TYPE);
    const text = await metrics.text();
    const lines = text.split('\n');
    expect(lines).toEqual(expect.arrayContaining([
      '# TYPE staged_rollouts_promotions_total counter',
      'staged_rollouts_promotions_total{kind="StatefulSet",phase="complete"} 1',
      'staged_rollouts_promotions_in_progress 0',
      '# TYPE staged_rollouts_step_duration_seconds histogram',
      'staged_rollouts_step_duration_seconds_count{kind="StatefulSet"} 3',
      'staged_rollouts_step_duration_seconds_bucket{kind="StatefulSet",le="+Inf"} 3',
      'staged_rollouts_gate_results_total{gate="http=http://health.test/ok",result="passed"} 2',
      'staged_rollouts_leader 1',
    ]));
    expect(lines.some((line) => line.startsWith('staged_rollouts_rollbacks_total{'))).toBe(false);
    expect(await (await fetch(`${base}/healthz`)).text()).toBe('ok\n');
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    expect((await fetch(`${base}/other`)).status).toBe(404);
  });
});

// A replica whose Lease updates hang once told to: a renewal sent after that never answers (the API server accepts
// the connection and stalls). Records when the last Lease update was answered.
class HangingLeaseUpdates extends ClusterDecorator {
  public hanging = false;
  public lastAnsweredAt = 0;

  public constructor(inner: Cluster, private readonly now: () => number) {
    super(inner);
  }

  protected async around<T>(request: ClusterRequest, call: () => Promise<T>): Promise<T> {
    if (request.verb !== 'replace' || request.kind !== 'Lease') {
      return call();
    }
    if (this.hanging) {
      return new Promise<T>(() => undefined);
    }
    const answer = await call();
    this.lastAnsweredAt = this.now();
    return answer;
  }
}

describe('LeaderElector', () => {
  test('a leader whose renewal hangs stops leading at the renew deadline, and the standby leads only after the Lease expired', async () => {
    sandbox = await startSandboxKit();
    const clock = sandbox.runtimeClock;
    const hung = new HangingLeaseUpdates(sandbox.cluster, () => clock.now());
    const terms: { identity: string; from: number; to?: number }[] = [];
    let leadersAtOnce = 0;
    let mostLeadersAtOnce = 0;
    const electors: Record<string, LeaderElector> = {};
    const campaign = (identity: string, cluster: Cluster, stop: AbortSignal) =>
      (electors[identity] = new LeaderElector({ cluster, clock, namespace: 'default', name: 'election', identity })).run(stop, async (leading) => {
        const term: { identity: string; from: number; to?: number } = { identity, from: clock.now() };
        terms.push(term);
        mostLeadersAtOnce = Math.max(mostLeadersAtOnce, ++leadersAtOnce);
        await clock.sleep(Number.MAX_SAFE_INTEGER, leading);
        leadersAtOnce--;
        term.to = clock.now();
      });
    const stopA = new AbortController();
    void campaign('replica-a', hung, stopA.signal);
    await sandbox.runUntil(() => terms.length === 1);
    const stopB = new AbortController();
    const b = campaign('replica-b', sandbox.cluster, stopB.signal);
    await sandbox.runUntil(clock.sleep(5_000));
    hung.hanging = true;
    await sandbox.runUntil(() => terms.length === 2, 60_000);
    const lastRenewal = hung.lastAnsweredAt;
    const [a, bTerm] = terms;
    expect(a).toMatchObject({ identity: 'replica-a', to: lastRenewal + 10_000 });
    expect(bTerm.identity).toBe('replica-b');
    // The standby waits out the 15 s Lease duration from when it first saw the last renewal (it polls every 2 s).
    expect(bTerm.from - lastRenewal).toBeGreaterThanOrEqual(15_000);
    expect(bTerm.from - lastRenewal).toBeLessThanOrEqual(15_000 + 2 * 2_000);
    expect(mostLeadersAtOnce).toBe(1);
    // The Lease, as replica-a last read it, still names it; it no longer leads, nor takes a former leader's Leases.
    expect(electors['replica-a'].isLeader).toBe(true);
    expect(electors['replica-a'].leading).toBe(false);
    expect(electors['replica-b'].leading).toBe(true);
    expect(electors['replica-b'].deposed('replica-a')).toBe(true);
    // replica-a stays blocked on its hung request; replica-b gives the Lease up on the way out.
    stopA.abort();
    stopB.abort();
    await sandbox.runUntil(b);
  });

  test('a leader whose work fails gives the Lease up and the error is its run\'s', async () => {
    sandbox = await startSandboxKit();
    const elector = new LeaderElector({ cluster: sandbox.cluster, clock: sandbox.runtimeClock, namespace: 'default', name: 'election', identity: 'replica-a' });
    const run = elector.run(new AbortController().signal, async () => {
      throw new Error('the workload cache could not be listed');
    });
    run.catch(() => undefined);
    await sandbox.runUntil(run.then(() => undefined, () => undefined));
    await expect(run).rejects.toThrow('the workload cache could not be listed');
    expect(sandbox.api.get(RESOURCES.leases, 'default', 'election')?.spec).toMatchObject({ holderIdentity: '', leaseDurationSeconds: 1, leaseTransitions: 0 });
  });

  test('deposed: only a replica seen holding the Lease before, and only while this one leads', async () => {
    sandbox = await startSandboxKit();
    const elector = (identity: string) => new LeaderElector({ cluster: sandbox.cluster, clock: sandbox.runtimeClock, namespace: 'default', name: 'election', identity });
    const attempt = async (replica: LeaderElector) => {
      const acquired = replica.tryAcquireOrRenew();
      await sandbox.runUntil(acquired);
      return acquired;
    };
    const a = elector('replica-a');
    const b = elector('replica-b');
    expect(await attempt(a)).toBe(true);
    expect(await attempt(b)).toBe(false);
    // A standby deposes no one: the leader it saw is leading.
    expect(b.deposed('replica-a')).toBe(false);
    await sandbox.runUntil(sandbox.runtimeClock.sleep(15_000));
    // Only while it leads (the work run gives it) does the new leader depose the one it saw before.
    const stop = new AbortController();
    let whileLeading: boolean[] | undefined;
    const run = b.run(stop.signal, async () => {
      whileLeading = [b.deposed('replica-a'), b.deposed('replica-b'), b.deposed('laptop/4242/boot/cli')];
      stop.abort();
    });
    await sandbox.runUntil(run);
    expect(whileLeading).toEqual([true, false, false]);
    expect(b.deposed('replica-a')).toBe(false);
  });
});
