// An ordered restart: a staged StatefulSet promoted so that a chosen pod (the ZooKeeper leader, the active KRaft
// controller) is restarted last, as the `staged-rollouts.io/restart-order` annotation asks (RestartOrder).
//
// Why OnDelete, and why only for the promotion. A partition moves the highest ordinals first, whatever runs on them, so
// no partition plan can keep the leader for last. Under OnDelete the StatefulSet controller moves no pod by itself and
// recreates a deleted pod from the update revision (upstream pkg/controller/statefulset/stateful_set_control.go: the
// rolling update returns early for OnDelete; newVersionedStatefulSetPod gives the current revision only to ordinals
// below a RollingUpdate partition), so deleting pods one at a time is an update in any order. Declaring the workload
// OnDelete would do that too, but for its whole life: `kubectl rollout status` refuses an OnDelete StatefulSet ("rollout
// status is only available for RollingUpdate strategy type") and status.currentRevision never advances under OnDelete
// (completeRollingUpdate is RollingUpdate-only), so nothing would tell a finished rollout from a stalled one. Hence the
// DaemonSet canary's way: the manifest stays staged (RollingUpdate, partition pinned), the promoter switches it to
// OnDelete with its first state write, recording the strategy in `staged-rollouts.io/original-strategy`, and gives
// RollingUpdate back (partition 0, or pinned after a rollback) once no pod would move under it; until then a killed
// promoter leaves an OnDelete StatefulSet on which no pod moves, and a rerun resumes.
//
// The plan's step sizes still hold: step k brings `replicas - partitions[k]` pods to the update revision, one restart
// at a time, each once every pod is Ready and Available; then the step's gates, soak and approval as usual
// (promotion/step-walk.ts). Before every restart the leader is read afresh from the pods' metrics through the pod
// proxy (leadership moves when pods restart): the others go by descending ordinal, the leader last; a ZooKeeper
// ensemble must also be whole (every server synced), so a Ready follower still syncing is waited for. When the leader
// cannot be told within the gate timeout (metrics unreachable, no leader, two leaders), the step fails: no guessing.
import {
  leaderUnknownFailure, nextOrderedRestartAction, OrderedRestartAction, OrderedRestartRequest, reachedStep,
} from './ordered-restart-decision';
import { restoreStrategyPatch, switchToOnDeletePatch } from './ordered-restart-strategy';
import { LeaderVerdict, leaderRole, nextToRestart, restartOrderOf, restartReadiness } from './restart-leader';
import { statefulSetControllerLag } from './statefulset-step-gate';
import { labelSelectorToString } from '../../internal/label-selector';
import { RolloutKeys } from '../../keys';
import { RestartOrder } from '../../restart-order';
import { Cluster } from '../cluster/cluster';
import { formatDuration } from '../duration';
import { KubeControllerRevision, KubePod, KubeStatefulSet } from '../kube/kube-types';
import { isPodTerminating } from '../kube/pod-facts';
import { revisionTemplate } from '../kube/revision-history';
import { ordinalsToUpdate, podsByOrdinal, statefulSetReplicas } from '../kube/statefulset-facts';
import { describeRef, WorkloadRef } from '../kube/workload-ref';
import { DATA_GATE_POLL_MS, readThroughPodProxy } from '../promotion/data-gates';
import { resolvePartitionPlan } from '../promotion/plan-source';
import { PromotionOptions, PromotionOutcome } from '../promotion/promotion-contract';
import { PromotionSession } from '../promotion/promotion-session';
import { TERMINAL_PHASES } from '../promotion/promotion-state';
import { resolveTargetStep } from '../promotion/promotion-target';
import { RuntimeError } from '../runtime-error';

/** How long finding the leader may take when the promotion sets no gate timeout, in ms. */
export const LEADER_TIMEOUT_MS = 30_000;

/**
 * The restart order the StatefulSet declares in its annotation; undefined when it declares none or does not exist.
 *
 * @throws RuntimeError (`bad-input`) naming the annotation and the orders there are, when it names none of them
 */
export async function declaredRestartOrder(cluster: Cluster, ref: WorkloadRef): Promise<RestartOrder | undefined> {
  if (ref.kind !== 'StatefulSet') {
    return undefined;
  }
  const sts = await cluster.get<KubeStatefulSet>('StatefulSet', ref.namespace, ref.name);
  return sts ? restartOrderOf(sts, describeRef(ref)) : undefined;
}

/**
 * Promotes a staged StatefulSet in `order` (see the file's comment). Safe to run again after a crash or `Ctrl-C`: it
 * resumes from the state annotation and the pods.
 *
 * @param requests how many API requests the run has made so far
 * @throws RuntimeError `bad-input` (before any change), `lock-held`, or `api`
 */
export async function promoteStatefulSetInOrder(options: PromotionOptions, order: RestartOrder, requests: () => number): Promise<PromotionOutcome> {
  return new OrderedRestartRun(options, order, requests).execute();
}

// A decision with the StatefulSet and pods it was decided on.
interface OrderedDecision {
  readonly action: OrderedRestartAction;
  readonly sts: KubeStatefulSet | undefined;
  readonly pods: readonly KubePod[];
}

// One execution of the loop; owns the observer and the lock for its lifetime.
class OrderedRestartRun {
  private readonly session: PromotionSession<KubeStatefulSet>;
  private readonly where: string;
  // The uids of the pods this run has deleted: until the watch delivers a deletion, the observed pods still list that
  // pod as live, and the next decision must not restart another one meanwhile (the DaemonSet canary's expectations).
  private readonly deleted = new Set<string>();

  public constructor(private readonly options: PromotionOptions, private readonly order: RestartOrder, requests: () => number) {
    // Merge patches, not the partition run's server-side applies: those state the RollingUpdate partition in full,
    // which would undo the switch to OnDelete.
    this.session = new PromotionSession<KubeStatefulSet>(options, requests);
    this.where = this.session.where;
  }

  public async execute(): Promise<PromotionOutcome> {
    const request = await this.validate();
    return this.session.run(() => this.decide(request), (decision) => this.act(decision, request));
  }

  // Everything that can be checked before the first write: the object, the plan, the gates.
  private async validate(): Promise<OrderedRestartRequest> {
    const { workload } = this.options;
    const { workload: sts, state } = await this.session.readWorkload('StatefulSet', 'an ordered restart');
    const inProgress = state !== undefined && state.kind === 'StatefulSet' && !TERMINAL_PHASES.includes(state.phase);
    const replicas = statefulSetReplicas(sts);
    const resolved = resolvePartitionPlan({
      flag: this.options.plan,
      statePlan: inProgress || state?.updateRevision === sts.status?.updateRevision ? state?.plan : undefined,
      annotation: sts.metadata.annotations?.[RolloutKeys.PLAN_ANNOTATION],
      replicas,
      where: this.where,
    });
    const partitions = resolved.partitions;
    const pods = (await this.session.cluster.list<KubePod>('Pod', workload.namespace, { labelSelector: labelSelectorToString(sts.spec.selector) })).items;
    // Until the controller has observed the template, status.updateRevision is the old one, on which every pod runs.
    const current = inProgress ? state.step : statefulSetControllerLag(sts) === undefined ? reachedStep(sts, pods, partitions) : 0;
    const spec = this.options.target ?? { kind: 'all' };
    const targetStep = inProgress && spec.kind === 'step'
      ? Math.min(state.targetStep, partitions.length - 1)
      : resolveTargetStep(spec, partitions.map((partition) => replicas - partition), current);
    const request: OrderedRestartRequest = {
      ...this.session.requestOptions(),
      plan: resolved.plan.toString(),
      partitions,
      targetStep,
      order: this.order,
    };
    const first = nextOrderedRestartAction({ sts, pods, lockHeld: false }, state, request, this.options.clock.now());
    if (first.type === 'validate-failed') {
      throw new RuntimeError('bad-input', first.message);
    }
    this.session.announce({
      type: 'started',
      at: this.options.clock.now(),
      plan: request.plan,
      partitions,
      step: current,
      targetStep,
      resumed: inProgress,
    });
    return request;
  }

  private decide(request: OrderedRestartRequest): OrderedDecision {
    const { workload: sts, pods } = this.session.observer.snapshot();
    const action = nextOrderedRestartAction({ sts, pods, lockHeld: this.session.lock.held }, this.session.state(), request, this.options.clock.now());
    return { action, sts, pods };
  }

  // Performs one action on the StatefulSet the decision observed; returns the outcome when the promotion is over.
  private async act({ action, sts, pods }: OrderedDecision, request: OrderedRestartRequest): Promise<PromotionOutcome | undefined> {
    const { session } = this;
    const now = this.options.clock.now();
    switch (action.type) {
      case 'begin':
      case 'start-step':
        if (await session.write(sts!, action.state, action.type === 'begin' ? switchToOnDeletePatch(sts!) : {})) {
          const step = action.state.step;
          const restarts = step === 0 ? 0 : request.partitions[step - 1] - request.partitions[step];
          session.emit({ type: 'step-started', at: now, step, partition: request.partitions[step], ordinals: [], restarts });
        }
        return undefined;
      case 'restart-next':
        return this.restartNext(action, sts!, pods, request);
      case 'restore-template':
        await this.restoreTemplate(sts!, action.revision, action);
        return undefined;
      case 'restore-strategy':
        return this.finish(action, await session.write(sts!, action.state, restoreStrategyPatch(sts!, action.partition, this.where)));
      case 'finish-on-delete':
        return this.finish(action, await session.write(sts!, action.state));
      default:
        return session.act(action, sts);
    }
  }

  // Deletes the next pod in order: found afresh, the leader last.
  private async restartNext(action: Extract<OrderedRestartAction, { type: 'restart-next' }>, sts: KubeStatefulSet, pods: readonly KubePod[],
    request: OrderedRestartRequest): Promise<PromotionOutcome | undefined> {
    const { session } = this;
    if (action.candidates.some((candidate) => candidate.uid !== undefined && this.deleted.has(candidate.uid))) {
      // A deletion of ours the watch has not delivered yet: decide again on fresh pods.
      await session.waitForChange(this.options.clock.now() + 1000);
      return undefined;
    }
    let pick = action.candidates[0];
    let reason = `rollback to revision ${session.state()?.previousRevision ?? ''}`;
    if (action.leaderLast) {
      const role = leaderRole(this.order);
      const found = await this.findLeader(sts, pods, action.step);
      if ('problem' in found) {
        const failure = leaderUnknownFailure(sts, pods, session.state()!, request,
          `step ${action.step} failed: no pod of ${this.where} restarted (${this.order}): ${found.problem}`, this.options.clock.now());
        return this.act({ action: failure, sts, pods }, request);
      }
      pick = nextToRestart(action.candidates, found.leader)!;
      reason = pick.pod === found.leader ? `the ${role}, last` : `${found.leader} is the ${role}, restarted last`;
    }
    session.emit({ type: 'pod-restarting', at: this.options.clock.now(), step: action.step, pod: pick.pod, reason });
    const deleted = await session.deletePods([{ name: pick.pod, uid: pick.uid }]);
    deleted.forEach(({ uid }) => uid !== undefined && this.deleted.add(uid));
    // A deletion refused (the pod changed meanwhile) may bring no watch event: decide again within a second.
    await session.waitForChange(deleted.length === 0 ? this.options.clock.now() + 1000 : undefined);
    return undefined;
  }

  // The leader among the live pods once the next restart may happen (restartReadiness), read through the pod proxy
  // every DATA_GATE_POLL_MS until the gate timeout.
  private async findLeader(sts: KubeStatefulSet, pods: readonly KubePod[], step: number): Promise<LeaderVerdict> {
    const { clock } = this.options;
    const timeoutMs = this.options.gateTimeoutMs ?? LEADER_TIMEOUT_MS;
    const deadline = clock.now() + timeoutMs;
    const byOrdinal = podsByOrdinal(sts, pods);
    const live = ordinalsToUpdate(sts, 0).reverse().map((ordinal) => byOrdinal.get(ordinal))
      .filter((pod): pod is KubePod => pod !== undefined && !isPodTerminating(pod));
    const type = this.order === RestartOrder.KRAFT_CONTROLLER_LAST ? 'kafka' : 'zookeeper';
    let told = '';
    for (;;) {
      const readings = await readThroughPodProxy(live, { type }, { cluster: this.session.cluster, namespace: this.options.workload.namespace });
      const verdict = restartReadiness(this.order, readings);
      if ('leader' in verdict) {
        return verdict;
      }
      const left = deadline - clock.now();
      if (left <= 0 || this.options.signal?.aborted) {
        return { problem: `${verdict.problem} (still so after ${formatDuration(timeoutMs)})` };
      }
      if (verdict.problem !== told) {
        told = verdict.problem;
        this.session.emit({ type: 'gate-waiting', at: clock.now(), step, gate: this.order, message: verdict.problem });
      }
      await clock.sleep(Math.min(DATA_GATE_POLL_MS, left), this.options.signal).catch(() => undefined);
    }
  }

  // Restores the previous revision's template the way kubectl rollout undo does, with the state in the same request;
  // the pods on the failed revision are then restarted by the decision.
  private async restoreTemplate(sts: KubeStatefulSet, revisionName: string, action: Extract<OrderedRestartAction, { type: 'restore-template' }>): Promise<void> {
    const { workload } = this.options;
    const revision = await this.session.cluster.get<KubeControllerRevision>('ControllerRevision', workload.namespace, revisionName);
    if (!revision) {
      throw new RuntimeError('api', `cannot roll back ${this.where}: ControllerRevision ${workload.namespace}/${revisionName} no longer exists`);
    }
    this.session.emit({ type: 'rolling-back', at: this.options.clock.now(), revision: revisionName });
    await this.session.write(sts, action.state, { spec: { template: { ...revisionTemplate(revision), $patch: 'replace' } } }, 'strategic');
  }

  private finish(action: Extract<OrderedRestartAction, { type: 'restore-strategy' | 'finish-on-delete' }>, written: boolean): PromotionOutcome | undefined {
    if (!written) {
      return undefined;
    }
    const now = this.options.clock.now();
    const message = action.phase === 'rolled-back'
      ? `rolled back to revision ${action.state.previousRevision}: ${action.state.message ?? ''}`
      : action.state.message ?? '';
    if (action.phase === 'failed') {
      this.session.emit({ type: 'failed', at: now, step: action.state.step, kind: action.failure ?? 'gate-failed', message });
    }
    this.session.emit({ type: 'finished', at: now, phase: action.phase, message });
    return this.session.outcome(action.phase, message, action.state.step, action.failure);
  }
}
