// A StatefulSet promotion's brain: one pure function from (observed cluster, stored state, request, now) to the next
// action. The run (partition-promotion.ts) only performs what this returns and calls it again on every change, so a
// crash at any point is recovered by reading the cluster and deciding again. What is kind-specific lives here: the
// partition of each step, its gate over ordinals, and the rollback through the forced-rollback trap; the walk after a
// step's gate is promotion/step-walk.ts.
import { PartitionPlan } from '../../partition-plan';
import { formatDuration } from '../duration';
import { detectForcedRollbackTrap, StuckPod } from './forced-rollback-trap';
import { evaluateStepGate, statefulSetControllerLag } from './statefulset-step-gate';
import { KubePod, KubeStatefulSet } from '../kube/kube-types';
import {
  isGenerationObserved, isOnDelete, logicalPartition, physicalPartition, podsByOrdinal,
  statefulSetReplicas,
} from '../kube/statefulset-facts';
import { detectFailedStart } from '../promotion/infant-mortality';
import { PROMOTION_STATE_VERSION, PromotionState, TERMINAL_PHASES } from '../promotion/promotion-state';
import { PromotionTargetSpec, resolveTargetStep } from '../promotion/promotion-target';
import {
  afterStepGate, awaitGate, awaitStepGate, soakAction, StepAction, stepFailedToStart, stepFailure, stepGatePassed, StepWalkRequest, waitForGate,
} from '../promotion/step-walk';

/** What the engine has observed of the workload. */
export interface ObservedPromotion {
  /** The StatefulSet, or undefined when it does not exist. */
  readonly sts: KubeStatefulSet | undefined;
  /** The StatefulSet's pods (selected by its selector). */
  readonly pods: readonly KubePod[];
  /** Whether this promoter holds the workload's Lease. */
  readonly lockHeld: boolean;
}

/** What the person asked for, with every flag already parsed. */
export interface PromotionRequest extends StepWalkRequest {
  /** The plan's string form, stored in the state. */
  readonly plan: string;
  /** The plan's logical partitions for the workload's replicas (`[replicas, ..., 0]`). */
  readonly partitions: readonly number[];
  /** The identity written into the state (the Lease holder). */
  readonly holder: string;
  /** When this run started (ms): the deadline base of waits before any state exists. @default such waits have no deadline */
  readonly startedAt?: number;
}

/** The next thing a StatefulSet promotion does: a step of the shared walk, or one of its own. */
export type PromotionAction =
  | StepAction
  /** Write the partition of `step` together with the state. */
  | { readonly type: 'set-partition'; readonly step: number; readonly partition: number; readonly physical: number; readonly state: PromotionState }
  /** Restore the template of `revision` (a ControllerRevision) together with the state. */
  | { readonly type: 'rollback'; readonly revision: string; readonly state: PromotionState }
  /** Delete these pods, stuck on the bad revision (kubernetes/kubernetes#67250), so the rollback can proceed. */
  | { readonly type: 'delete-stuck-pods'; readonly pods: readonly StuckPod[]; readonly reason: string }
  /** Every pod is back on the previous revision: write the final state (and re-pin the partition). */
  | { readonly type: 'rolled-back'; readonly physical: number; readonly state: PromotionState }
  /** `kubectl-stage abort` was requested: write the final state, leave pods where they are. */
  | { readonly type: 'abort'; readonly state: PromotionState };

/**
 * The step the cluster is at: the last plan step whose partition is at or above the StatefulSet's partition (every
 * pod that step moves has been sent to the update revision).
 */
export function currentPlanStep(partitions: readonly number[], logical: number): number {
  let step = 0;
  partitions.forEach((partition, index) => {
    if (partition >= logical) {
      step = index;
    }
  });
  return step;
}

/**
 * The step a promotion stops at. A rerun of `--step` while a promotion is in progress resumes toward the step the
 * interrupted run was going to, instead of adding another one; `--to` and `--all` are resolved afresh.
 */
export function promotionTargetStep(spec: PromotionTargetSpec, partitions: readonly number[], replicas: number,
  sts: KubeStatefulSet, state: PromotionState | undefined): number {
  const inProgress = state !== undefined && !TERMINAL_PHASES.includes(state.phase);
  if (inProgress && spec.kind === 'step') {
    return Math.min(state.targetStep, partitions.length - 1);
  }
  const current = inProgress ? state.step : currentPlanStep(partitions, logicalPartition(sts));
  return resolveTargetStep(spec, partitions.map((partition) => replicas - partition), current);
}

/**
 * Decides the next action of a StatefulSet promotion. Level-triggered: it reads only its arguments, so calling it
 * again after any crash, conflict or restart picks up where the cluster is.
 */
export function nextPromotionAction(observed: ObservedPromotion, state: PromotionState | undefined,
  request: PromotionRequest, now: number): PromotionAction {
  const sts = observed.sts;
  if (!sts) {
    return { type: 'validate-failed', message: `${request.where} not found` };
  }
  const inProgress = state !== undefined && !TERMINAL_PHASES.includes(state.phase);
  const invalid = inProgress ? validateResume(sts, state, request) : validateStart(sts, request);
  if (invalid) {
    return { type: 'validate-failed', message: invalid };
  }
  if (!observed.lockHeld) {
    return { type: 'acquire' };
  }
  if (!inProgress) {
    return begin(sts, observed.pods, state, request, now);
  }
  if (state.abortRequested) {
    return {
      type: 'abort',
      state: { ...state, phase: 'aborted', abortRequested: false, message: `aborted at step ${state.step} of ${lastStep(request)}; pods stay where they are` },
    };
  }
  if (state.phase === 'rolling-back') {
    return rollingBack(sts, observed.pods, state, request, now);
  }
  if (isGenerationObserved(sts) && sts.status?.updateRevision && sts.status.updateRevision !== state.updateRevision) {
    return stepFailure(state, now, 'gate-failed',
      `the template of ${request.where} changed during the promotion (revision ${state.updateRevision} -> `
      + `${sts.status.updateRevision}); run promote again to promote the new revision`, false);
  }
  const step = state.step;
  const partition = request.partitions[step];
  const physical = PartitionPlan.toPhysicalPartition(partition, statefulSetReplicas(sts));
  if (state.phase === 'progressing' && physicalPartition(sts) !== physical) {
    return { type: 'set-partition', step, partition, physical, state };
  }
  if (state.phase === 'progressing') {
    return progressing(sts, observed.pods, state, request, now);
  }
  if (state.phase === 'soaking') {
    const soak = soakAction(state, request, observed.pods, now);
    if (soak) {
      return soak;
    }
  }
  return afterSoak(sts, state, request, now);
}

// Start (or restart after a terminal phase) a promotion: record where the cluster is and what is being promoted.
function begin(sts: KubeStatefulSet, pods: readonly KubePod[], previous: PromotionState | undefined, request: PromotionRequest,
  now: number): PromotionAction {
  const lag = statefulSetControllerLag(sts);
  if (lag !== undefined || !sts.status?.updateRevision) {
    return { type: 'wait-gate', step: 0, blocking: [], waitingForController: lag };
  }
  const updateRevision = sts.status.updateRevision;
  const currentRevision = sts.status.currentRevision ?? updateRevision;
  if (currentRevision === updateRevision) {
    return nothingToPromote(sts, pods, request, now);
  }
  const step = Math.min(currentPlanStep(request.partitions, logicalPartition(sts)), request.targetStep);
  const at = new Date(now).toISOString();
  const sameRevision = previous?.updateRevision === updateRevision;
  const state: PromotionState = {
    version: PROMOTION_STATE_VERSION,
    kind: 'StatefulSet',
    plan: request.plan,
    step,
    targetStep: request.targetStep,
    phase: 'progressing',
    paused: false,
    abortRequested: false,
    updateRevision,
    previousRevision: sameRevision ? previous.previousRevision ?? currentRevision : currentRevision,
    startedAt: sameRevision ? previous.startedAt : at,
    stepStartedAt: at,
    gates: sameRevision ? previous.gates : [],
    holder: request.holder,
  };
  const partition = request.partitions[step];
  return { type: 'set-partition', step, partition, physical: PartitionPlan.toPhysicalPartition(partition, statefulSetReplicas(sts)), state };
}

// No revision is pending. The promotion is complete once every ordinal exists on that revision and is Ready (a pod
// deleted by an undo may still be on its way back); waiting for it is bounded by the run's timeout.
function nothingToPromote(sts: KubeStatefulSet, pods: readonly KubePod[], request: PromotionRequest, now: number): PromotionAction {
  const revision = sts.status?.updateRevision ?? '';
  // Every ordinal counts, as if the partition were 0.
  const everyOrdinal: KubeStatefulSet = { ...sts, spec: { ...sts.spec, updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } } } };
  const gate = evaluateStepGate(everyOrdinal, pods, now);
  if (gate.passed) {
    return { type: 'done', phase: 'complete', message: `nothing to promote: every pod of ${request.where} is on revision ${revision}` };
  }
  const deadline = request.startedAt !== undefined && request.timeoutMs !== undefined ? request.startedAt + request.timeoutMs : undefined;
  if (deadline !== undefined && now >= deadline) {
    return {
      type: 'done',
      phase: 'failed',
      failure: 'timed-out',
      message: `nothing to promote on ${request.where} (revision ${revision}), but after ${formatDuration(request.timeoutMs ?? 0)} `
        + `${gate.blocking.map((pod) => `${pod.pod} is ${pod.reason}`).join(', ')}`,
    };
  }
  return waitForGate(0, { blocking: gate.blocking, recheckAt: gate.recheckAt }, deadline);
}

// A promotion in progress goes on with its own plan, over the replicas that plan was resolved for: step indexes mean
// nothing in another plan or at another scale.
function validateResume(sts: KubeStatefulSet, state: PromotionState, request: PromotionRequest): string | undefined {
  const abort = 'run "kubectl-stage abort" first to start over';
  if (state.plan !== request.plan) {
    return `a promotion of ${request.where} with plan "${state.plan}" is in progress (step ${state.step}); `
      + `rerun without --plan (or with --plan ${state.plan}) to resume it, or ${abort}`;
  }
  const replicas = statefulSetReplicas(sts);
  if (request.partitions[0] !== replicas) {
    return `${request.where} was scaled from ${request.partitions[0]} to ${replicas} replicas during its promotion (step ${state.step}); `
      + `rerun the command to resume with the plan resolved for ${replicas} replicas, or ${abort}`;
  }
  return undefined;
}

function validateStart(sts: KubeStatefulSet, request: PromotionRequest): string | undefined {
  if (isOnDelete(sts)) {
    return `${request.where} uses the OnDelete update strategy, which has no partition, so a partition plan cannot drive it; `
      + 'set spec.updateStrategy.type to RollingUpdate (for example with StatefulSetRollout.staged()) and promote again';
  }
  const replicas = statefulSetReplicas(sts);
  if (request.partitions[0] !== replicas) {
    return `plan "${request.plan}" was resolved for ${request.partitions[0]} replicas, but ${request.where} has ${replicas}`;
  }
  return undefined;
}

function progressing(sts: KubeStatefulSet, pods: readonly KubePod[], state: PromotionState, request: PromotionRequest, now: number): PromotionAction {
  const gate = evaluateStepGate(sts, pods, now);
  const updateRevision = sts.status?.updateRevision ?? state.updateRevision;
  const stepPods = podsOfOrdinals(sts, pods, gate.ordinals);
  const failedStart = detectFailedStart(stepPods, updateRevision);
  if (failedStart.length > 0) {
    return stepFailedToStart(state, request, failedStart, now);
  }
  if (!gate.passed) {
    return awaitStepGate(state, request, gate, now);
  }
  return stepGatePassed(state, request, gateMessage(gate.ordinals.length, updateRevision), stepPods, now,
    (passed) => afterSoak(sts, passed, request, now));
}

function afterSoak(sts: KubeStatefulSet, state: PromotionState, request: PromotionRequest, now: number): PromotionAction {
  return afterStepGate(state, request, lastStep(request), now, (next) => {
    const partition = request.partitions[next.step];
    return {
      type: 'set-partition',
      step: next.step,
      partition,
      physical: PartitionPlan.toPhysicalPartition(partition, statefulSetReplicas(sts)),
      state: next,
    };
  });
}

function rollingBack(sts: KubeStatefulSet, pods: readonly KubePod[], state: PromotionState, request: PromotionRequest, now: number): PromotionAction {
  const previous = state.previousRevision;
  if (!previous) {
    return { type: 'fail', kind: 'gate-failed', message: `cannot roll back ${request.where}: the state records no previous revision`, state: { ...state, phase: 'failed' } };
  }
  if (!isGenerationObserved(sts)) {
    return { type: 'wait-gate', step: state.step, blocking: [], waitingForController: statefulSetControllerLag(sts) };
  }
  if (sts.status?.updateRevision !== previous) {
    return { type: 'rollback', revision: previous, state };
  }
  const gate = evaluateStepGate(sts, pods, now);
  if (gate.passed) {
    return {
      type: 'rolled-back',
      physical: PartitionPlan.toPhysicalPartition(request.partitions[0], statefulSetReplicas(sts)),
      state: { ...state, phase: 'rolled-back', soakBaseline: undefined, soakStartedAt: undefined },
    };
  }
  const trap = detectForcedRollbackTrap(sts, pods);
  if (trap.trapped) {
    return { type: 'delete-stuck-pods', pods: trap.podsToDelete, reason: trap.message };
  }
  // Unlike a step's, a rollback's timeout records no gate: the promotion already failed once.
  return awaitGate(state, request, gate, now, (): PromotionAction => ({
    type: 'fail',
    kind: 'timed-out',
    message: `rollback of ${request.where} to revision ${previous} timed out after ${formatDuration(request.timeoutMs ?? 0)}`,
    state: { ...state, phase: 'failed', message: `rollback to revision ${previous} timed out` },
  }));
}

function podsOfOrdinals(sts: KubeStatefulSet, pods: readonly KubePod[], ordinals: readonly number[]): KubePod[] {
  const byOrdinal = podsByOrdinal(sts, pods);
  return ordinals.map((ordinal) => byOrdinal.get(ordinal)).filter((pod): pod is KubePod => pod !== undefined);
}

function gateMessage(pods: number, revision: string): string {
  return pods === 0 ? 'no pod to update' : `${pods} pod${pods === 1 ? '' : 's'} on revision ${revision}, Ready and Available`;
}

function lastStep(request: PromotionRequest): number {
  return request.partitions.length - 1;
}

