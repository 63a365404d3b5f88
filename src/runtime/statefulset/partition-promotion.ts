// The promotion loop: validate, lock, then observe -> decide (promotion-decision.ts) -> act, until the decision is
// final. Every write carries the resourceVersion it was decided on, and the state the next run needs travels in the
// same request as the partition it explains, so killing the process at any point leaves a workload that a rerun
// (or `kubectl-stage status`) can read.
import { RolloutKeys } from '../../keys';
import { RuntimeClock } from '../clock';
import {
  currentPlanStep, nextPromotionAction, ObservedPromotion, PromotionAction, PromotionFailureKind, promotionTargetStep, PromotionRequest,
} from './partition-decision';
import { Cluster } from '../cluster/cluster';
import { CountingCluster } from '../cluster/counting-cluster';
import { KubeControllerRevision, KubeStatefulSet } from '../kube/kube-types';
import { revisionTemplate } from '../kube/revision-history';
import { logicalPartition, ordinalsToUpdate, statefulSetReplicas } from '../kube/statefulset-facts';
import { WorkloadRef } from '../kube/workload-ref';
import { GateIo } from '../promotion/external-gates';
import { GateSpec } from '../promotion/gate-spec';
import { resolvePartitionPlan } from '../promotion/plan-source';
import { PromotionSession } from '../promotion/promotion-session';
import { PromotionPhase, PromotionState, TERMINAL_PHASES } from '../promotion/promotion-state';
import { PromotionTargetSpec } from '../promotion/promotion-target';
import { BlockingPod } from '../promotion/step-gate';
import { RuntimeError } from '../runtime-error';

/** Something the engine did or saw, for the CLI to render (a line, a live view, or NDJSON). */
export type PromotionEvent =
  | { readonly type: 'started'; readonly at: number; readonly plan: string; readonly partitions: readonly number[]; readonly step: number; readonly targetStep: number; readonly resumed: boolean }
  | { readonly type: 'step-started'; readonly at: number; readonly step: number; readonly partition: number; readonly ordinals: readonly number[] }
  /** A DaemonSet node canary started a step: these nodes move to the update revision. */
  | { readonly type: 'canary-step-started'; readonly at: number; readonly step: number; readonly nodes: readonly string[] }
  /** A DaemonSet node canary deleted these old pods; the controller recreates them from the update revision. */
  | { readonly type: 'pods-deleted'; readonly at: number; readonly step: number; readonly pods: readonly { readonly pod: string; readonly node: string }[] }
  | { readonly type: 'waiting'; readonly at: number; readonly step: number; readonly blocking: readonly BlockingPod[]; readonly waitingForController?: string }
  | { readonly type: 'soak-started'; readonly at: number; readonly step: number; readonly until: number }
  | { readonly type: 'gate-result'; readonly at: number; readonly step: number; readonly gate: string; readonly passed: boolean; readonly message: string }
  | { readonly type: 'awaiting-approval'; readonly at: number; readonly step: number }
  | { readonly type: 'paused'; readonly at: number; readonly step: number }
  | { readonly type: 'failed'; readonly at: number; readonly step: number; readonly kind: PromotionFailureKind; readonly message: string }
  | { readonly type: 'rolling-back'; readonly at: number; readonly revision: string }
  | { readonly type: 'deleting-stuck-pods'; readonly at: number; readonly pods: readonly string[]; readonly reason: string }
  | { readonly type: 'conflict'; readonly at: number; readonly message: string }
  | { readonly type: 'finished'; readonly at: number; readonly phase: PromotionPhase; readonly message: string };

/** Options of {@link promoteStatefulSet}. */
export interface PromotionOptions {
  /** The cluster (wrap it in a RetryingCluster to ride out throttling and server errors). */
  readonly cluster: Cluster;
  /** The clock of every wait: soaks, timeouts, back-off, Lease renewals. */
  readonly clock: RuntimeClock;
  /** The StatefulSet. */
  readonly workload: WorkloadRef;
  /** `--plan`; otherwise the plan of the promotion in progress, then the workload's plan annotation. @default none */
  readonly plan?: string;
  /** How far to go. @default all */
  readonly target?: PromotionTargetSpec;
  /** Soak time per step, in ms. @default 0 */
  readonly soakMs?: number;
  /** How long one step (or the rollback) may wait for its pods, in ms. @default no limit */
  readonly timeoutMs?: number;
  /** Extra gates run after each step's soak. @default none */
  readonly gates?: readonly GateSpec[];
  /** The I/O of the extra gates. Required when `gates` is not empty. */
  readonly gateIo?: GateIo;
  /** The Prometheus server of `prom=` gates. @default none */
  readonly prometheusUrl?: string;
  /** How long one extra gate may run, in ms. @default 30000 */
  readonly gateTimeoutMs?: number;
  /** Wait for an approval before each step after the first. @default false */
  readonly approveEach?: boolean;
  /**
   * Asked once per step when `approveEach` is set; resolving `true` approves (as `kubectl-stage resume` does).
   * @default approvals come only from `kubectl-stage resume`
   */
  readonly approve?: (step: number) => Promise<boolean>;
  /** Restore the previous revision when a step fails. @default false */
  readonly autoRollback?: boolean;
  /** Who is promoting, written into the Lease and the state. */
  readonly holder: string;
  /**
   * Whether a Lease holder is known to be dead before its Lease expires (see `PromotionLock`).
   * @default no holder is known dead: a killed promoter's Lease is waited out
   */
  readonly holderGone?: (holder: string) => boolean;
  /** The Lease duration in seconds. @default 30 */
  readonly leaseDurationSeconds?: number;
  /** Receives progress events. @default none */
  readonly onEvent?: (event: PromotionEvent) => void;
  /** Stops the promotion where it is (state kept for a rerun, lock released). @default never */
  readonly signal?: AbortSignal;
}

/** How a promotion ended. */
export interface PromotionOutcome {
  /** `complete`, `failed`, `rolled-back`, `aborted`, or `interrupted` when `signal` stopped it. */
  readonly phase: 'complete' | 'failed' | 'rolled-back' | 'aborted' | 'interrupted';
  /** For `failed`: why. */
  readonly failure?: PromotionFailureKind;
  /** One sentence for the person: what was reached, or why not. */
  readonly message: string;
  /** The last step written. */
  readonly step: number;
  /** API requests the promotion made (watches included; a call the retrying layer beneath repeated counts once). */
  readonly apiRequests: number;
}

/**
 * Promotes a staged StatefulSet along its partition plan. Safe to run again after a crash or `Ctrl-C`: it resumes from
 * the state annotation and the cluster.
 *
 * @throws RuntimeError `bad-input` (before any change), `lock-held`, or `api`
 */
export async function promoteStatefulSet(options: PromotionOptions): Promise<PromotionOutcome> {
  const counting = new CountingCluster(options.cluster);
  const run = new PromotionRun({ ...options, cluster: counting }, () => counting.requests().total);
  return run.execute();
}

// One execution of the loop; owns the observer and the lock for its lifetime.
class PromotionRun {
  private readonly cluster: Cluster;
  private readonly where: string;
  private readonly session: PromotionSession<KubeStatefulSet>;
  private started?: PromotionEvent;

  public constructor(private readonly options: PromotionOptions, requests: () => number) {
    this.session = new PromotionSession(options, requests);
    this.cluster = this.session.cluster;
    this.where = this.session.where;
  }

  public async execute(): Promise<PromotionOutcome> {
    const request = await this.validate();
    return this.session.run(() => this.loop(request));
  }

  // Everything that can be checked before the first write: the object, its strategy, the plan, the gates.
  private async validate(): Promise<PromotionRequest> {
    const { workload: sts, state } = await this.session.readWorkload('StatefulSet', 'partition promotion');
    const inProgress = state !== undefined && !TERMINAL_PHASES.includes(state.phase);
    const replicas = statefulSetReplicas(sts);
    const resolved = resolvePartitionPlan({
      flag: this.options.plan,
      // The same revision goes on with the plan it was started with, also after a --step or --to run completed.
      statePlan: inProgress || state?.updateRevision === sts.status?.updateRevision ? state?.plan : undefined,
      annotation: sts.metadata.annotations?.[RolloutKeys.PLAN_ANNOTATION],
      replicas,
      where: this.where,
    });
    const partitions = resolved.partitions;
    const request: PromotionRequest = {
      ...this.session.requestOptions(),
      plan: resolved.plan.toString(),
      partitions,
      targetStep: promotionTargetStep(this.options.target ?? { kind: 'all' }, partitions, replicas, sts, state),
      startedAt: this.options.clock.now(),
    };
    // The decision's own validation, on the object as read, before the lock or any write.
    const first = nextPromotionAction({ sts, pods: [], lockHeld: false }, state, request, this.options.clock.now());
    if (first.type === 'validate-failed') {
      throw new RuntimeError('bad-input', first.message);
    }
    // Announced once the Lease is ours, so a refused promoter prints only why it was refused.
    this.started = {
      type: 'started',
      at: this.options.clock.now(),
      plan: request.plan,
      partitions,
      step: inProgress ? state.step : currentPlanStep(partitions, logicalPartition(sts)),
      targetStep: request.targetStep,
      resumed: inProgress,
    };
    return request;
  }

  private async loop(request: PromotionRequest): Promise<PromotionOutcome> {
    const { clock } = this.options;
    for (;;) {
      const stop = this.session.stopReason();
      if (stop) {
        return stop;
      }
      const snapshot = this.session.observer.snapshot();
      const state = this.session.state();
      const observed: ObservedPromotion = { sts: snapshot.workload, pods: snapshot.pods, lockHeld: this.session.lock.held };
      const action = nextPromotionAction(observed, state, request, clock.now());
      const outcome = await this.act(action, snapshot.workload);
      if (outcome) {
        return outcome;
      }
    }
  }

  // Performs one action; returns the outcome when the promotion is over.
  private async act(action: PromotionAction, sts: KubeStatefulSet | undefined): Promise<PromotionOutcome | undefined> {
    const now = this.options.clock.now();
    switch (action.type) {
      case 'validate-failed':
        throw new RuntimeError('bad-input', action.message);
      case 'acquire':
        await this.session.lock.acquire();
        if (this.started) {
          this.session.emit({ ...this.started, at: now });
          this.started = undefined;
        }
        return undefined;
      case 'done':
        this.session.emit({ type: 'finished', at: now, phase: action.phase, message: action.message });
        return this.session.outcome(action.phase, action.message, this.session.state()?.step ?? 0, action.failure);
      case 'set-partition':
        if (await this.session.write(sts!, action.state, { spec: { updateStrategy: { rollingUpdate: { partition: action.physical } } } })) {
          this.session.emit({ type: 'step-started', at: now, step: action.step, partition: action.partition, ordinals: ordinalsToUpdate(sts!, action.partition) });
        }
        return undefined;
      case 'wait-gate':
        this.session.emitWaiting(action.step, action.blocking, action.waitingForController);
        await this.session.waitForChange(action.until);
        return undefined;
      case 'soak':
        if (action.state) {
          if (await this.session.write(sts!, action.state)) {
            this.session.emit({ type: 'soak-started', at: now, step: action.step, until: action.until });
          }
          return undefined;
        }
        await this.session.waitForChange(action.until);
        return undefined;
      case 'run-gates':
        await this.session.runGates(sts!, action.step, action.gates);
        return undefined;
      case 'await-approval':
        if (action.state) {
          if (await this.session.write(sts!, action.state)) {
            this.session.emit({ type: 'awaiting-approval', at: now, step: action.step });
          }
          return undefined;
        }
        await this.session.awaitApproval(sts!, action.step);
        return undefined;
      case 'paused':
        this.session.emitOnce('paused', { type: 'paused', at: now, step: action.step });
        await this.session.waitForChange();
        return undefined;
      case 'complete':
        if (await this.session.write(sts!, action.state)) {
          this.session.emit({ type: 'finished', at: now, phase: 'complete', message: action.state.message ?? '' });
          return this.session.outcome('complete', action.state.message ?? '', action.step);
        }
        return undefined;
      case 'fail':
        if (await this.session.write(sts!, action.state)) {
          this.session.emit({ type: 'failed', at: now, step: action.state.step, kind: action.kind, message: action.message });
          if (action.state.phase !== 'rolling-back') {
            this.session.emit({ type: 'finished', at: now, phase: 'failed', message: action.message });
            return this.session.outcome('failed', action.message, action.state.step, action.kind);
          }
        }
        return undefined;
      case 'rollback':
        await this.rollback(sts!, action.revision, action.state);
        return undefined;
      case 'delete-stuck-pods':
        await this.deleteStuckPods(action.pods.map((pod) => ({ name: pod.pod, uid: pod.uid })), action.reason);
        return undefined;
      case 'rolled-back':
        if (await this.session.write(sts!, action.state, { spec: { updateStrategy: { rollingUpdate: { partition: action.physical } } } })) {
          const message = `rolled back to revision ${action.state.previousRevision}: ${action.state.message ?? ''}`;
          this.session.emit({ type: 'finished', at: now, phase: 'rolled-back', message });
          return this.session.outcome('rolled-back', message, action.state.step);
        }
        return undefined;
      case 'abort':
        if (await this.session.write(sts!, action.state)) {
          this.session.emit({ type: 'finished', at: now, phase: 'aborted', message: action.state.message ?? '' });
          return this.session.outcome('aborted', action.state.message ?? '', action.state.step);
        }
        return undefined;
    }
  }

  // Restores the previous revision's template the way kubectl rollout undo does (its ControllerRevision data as a
  // strategic merge patch, `$patch: replace` on the template), with the state in the same request.
  private async rollback(sts: KubeStatefulSet, revisionName: string, state: PromotionState): Promise<void> {
    const { workload } = this.options;
    const revision = await this.cluster.get<KubeControllerRevision>('ControllerRevision', workload.namespace, revisionName);
    if (!revision) {
      throw new RuntimeError('api', `cannot roll back ${this.where}: ControllerRevision ${workload.namespace}/${revisionName} no longer exists`);
    }
    this.session.emit({ type: 'rolling-back', at: this.options.clock.now(), revision: revisionName });
    const template = { ...revisionTemplate(revision), $patch: 'replace' };
    if (await this.session.write(sts, state, { spec: { template } }, 'strategic')
      && this.session.observer.snapshot().workload?.metadata.generation === sts.metadata.generation) {
      // The template already was that revision's: the controller has nothing left to change, so wait for its status
      // instead of patching again.
      await this.session.waitForChange();
    }
  }

  private async deleteStuckPods(pods: readonly { name: string; uid?: string }[], reason: string): Promise<void> {
    this.session.emit({ type: 'deleting-stuck-pods', at: this.options.clock.now(), pods: pods.map((pod) => pod.name), reason });
    await this.session.deletePods(pods);
    await this.session.waitForChange();
  }
}
