// The promotion loop's brain: one pure function from (observed cluster, stored state, request, now) to the next
// action. The engine (promotion-engine.ts) only performs what this returns and calls it again on every change, so
// a crash at any point is recovered by reading the cluster and deciding again.
import { PartitionPlan } from '../../partition-plan';
import { formatDuration } from '../duration';
import { detectForcedRollbackTrap, StuckPod } from './forced-rollback-trap';
import { KubePod, KubeStatefulSet } from '../kube/kube-types';
import {
  isGenerationObserved, isOnDelete, logicalPartition, physicalPartition, podsByOrdinal,
  statefulSetReplicas,
} from '../kube/statefulset-facts';
import { detectFailedStart, detectInfantMortality, InfantMortalitySign, soakBaseline } from '../promotion/infant-mortality';
import { GateRecord, PROMOTION_STATE_VERSION, PromotionState, TERMINAL_PHASES } from '../promotion/promotion-state';
import { PromotionTargetSpec, resolveTargetStep } from '../promotion/promotion-target';
import { BlockingPod, describeBlockingPod, evaluateStepGate, statefulSetControllerLag } from '../promotion/step-gate';

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
export interface PromotionRequest {
  /** `statefulset/kafka`, for messages. */
  readonly where: string;
  /** The plan's string form, stored in the state. */
  readonly plan: string;
  /** The plan's logical partitions for the workload's replicas (`[replicas, ..., 0]`). */
  readonly partitions: readonly number[];
  /** The step the promotion stops at (see {@link promotionTargetStep}). */
  readonly targetStep: number;
  /** How long the pods of a step are watched for infant mortality after they pass the gate; 0 skips the soak. */
  readonly soakMs: number;
  /** How long a step (or the rollback) may wait for its pods. @default no limit */
  readonly timeoutMs?: number;
  /** The extra gates (`http=...`, `prom=...`, `exec=...`) as written, run after the soak of every step. */
  readonly gates: readonly string[];
  /** Whether every step after the first waits for an approval (`kubectl-stage resume`). */
  readonly approveEach: boolean;
  /** Whether a failed step restores the previous revision. */
  readonly autoRollback: boolean;
  /** The identity written into the state (the Lease holder). */
  readonly holder: string;
  /** When this run started (ms): the deadline base of waits before any state exists. @default such waits have no deadline */
  readonly startedAt?: number;
}

/**
 * The parts of a request that the walk after a step's gate reads (soak, extra gates, approval, pause, next step or the
 * end). StatefulSet promotions and DaemonSet node canaries share that walk.
 */
export type StepWalkRequest = Pick<PromotionRequest, 'where' | 'targetStep' | 'soakMs' | 'timeoutMs' | 'gates' | 'approveEach' | 'autoRollback'>;

/** Why a promotion failed. */
export type PromotionFailureKind = 'gate-failed' | 'timed-out';

/** The next thing the engine does. Actions carrying `state` write it (with any patch) in one request. */
export type PromotionAction =
  /** The request cannot be carried out; nothing is changed. */
  | { readonly type: 'validate-failed'; readonly message: string }
  /** Take the workload's Lease before writing anything. */
  | { readonly type: 'acquire' }
  /** Nothing to promote and nothing to write: the outcome is final. */
  | { readonly type: 'done'; readonly phase: 'complete' | 'failed'; readonly failure?: PromotionFailureKind; readonly message: string }
  /** Write the partition of `step` together with the state. */
  | { readonly type: 'set-partition'; readonly step: number; readonly partition: number; readonly physical: number; readonly state: PromotionState }
  /** Wait for the pods of `step` (or of the rollback); re-decide on the next change or at `until`. */
  | { readonly type: 'wait-gate'; readonly step: number; readonly blocking: readonly BlockingPod[]; readonly waitingForController?: string; readonly until?: number }
  /** Watch the step's pods for infant mortality until `until`; `state` is set when the soak begins. */
  | { readonly type: 'soak'; readonly step: number; readonly until: number; readonly state?: PromotionState }
  /** Run these extra gates for `step` and record their results. */
  | { readonly type: 'run-gates'; readonly step: number; readonly gates: readonly string[] }
  /** Wait for an approval of the next step; `state` is set when the wait begins. */
  | { readonly type: 'await-approval'; readonly step: number; readonly state?: PromotionState }
  /** `kubectl-stage pause` holds the promotion before its next step. */
  | { readonly type: 'paused'; readonly step: number }
  /** The target step passed: write the final state. */
  | { readonly type: 'complete'; readonly step: number; readonly state: PromotionState }
  /** The step failed; `state` is `failed`, or `rolling-back` when a rollback was requested. */
  | { readonly type: 'fail'; readonly kind: PromotionFailureKind; readonly message: string; readonly state: PromotionState }
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

/**
 * During a soak: a failure when the watched pods show infant mortality, a wait until the soak ends, or undefined once
 * it is over.
 */
export function soakAction(state: PromotionState, request: StepWalkRequest, pods: readonly KubePod[], now: number): PromotionAction | undefined {
  const signs = detectInfantMortality(state.soakBaseline ?? {}, pods);
  if (signs.length > 0) {
    return stepFailure(state, now, 'gate-failed', infantMortalityMessage(state.step, signs), request.autoRollback, 'soak');
  }
  const until = Date.parse(state.soakStartedAt ?? state.stepStartedAt) + request.soakMs;
  return now < until ? { type: 'soak', step: state.step, until } : undefined;
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

/** A step whose updated pods cannot start (an image pull or crash back-off): it fails at once, rolling back when asked. */
export function stepFailedToStart(
  state: PromotionState, request: Pick<StepWalkRequest, 'autoRollback'>, signs: readonly InfantMortalitySign[], now: number,
): PromotionAction {
  return stepFailure(state, now, 'gate-failed', `step ${state.step} failed: ${signs.map((sign) => sign.message).join('; ')}`, request.autoRollback);
}

/**
 * A step whose built-in gate passed: the pass is recorded with `message`, then the step's pods soak (steps after the
 * first, when a soak is asked for) or the walk goes on with `walkOn` (for a StatefulSet or a DaemonSet canary).
 *
 * @param stepPods the step's pods on the update revision, whose restarts the soak watches
 */
export function stepGatePassed<A>(
  state: PromotionState, request: Pick<StepWalkRequest, 'soakMs'>, message: string, stepPods: readonly KubePod[], now: number,
  walkOn: (passed: PromotionState) => A,
): PromotionAction | A {
  const step = state.step;
  const passed = withRecord(state, { step, gate: 'built-in', passed: true, message, at: iso(now) });
  if (step > 0 && request.soakMs > 0) {
    return {
      type: 'soak',
      step,
      until: now + request.soakMs,
      state: { ...passed, phase: 'soaking', soakStartedAt: iso(now), soakBaseline: soakBaseline(stepPods) },
    };
  }
  return walkOn(passed);
}

/**
 * A step whose built-in gate has not passed: it waits for its pods, and past its deadline fails as timed out (rolling
 * back when asked), naming what was still in the way.
 */
export function awaitStepGate(
  state: PromotionState, request: Pick<StepWalkRequest, 'timeoutMs' | 'autoRollback'>, gate: PendingGate, now: number,
): PromotionAction {
  return awaitGate(state, request, gate, now,
    (waiting) => stepFailure(state, now, 'timed-out', `step ${state.step} ${waiting}`, request.autoRollback));
}

/**
 * A gate that has not passed yet, a step's or a rollback's: wait for it (see {@link waitForGate}) until the deadline
 * of the step; past it, `timedOut` says what the timeout leads to.
 *
 * @param timedOut given what was still in the way: `timed out after 2m0s waiting for web-2 not Ready`
 */
export function awaitGate<A>(
  state: PromotionState, request: Pick<StepWalkRequest, 'timeoutMs'>, gate: PendingGate, now: number, timedOut: (waiting: string) => A,
): PromotionAction | A {
  const deadline = stepDeadline(state, request);
  if (deadline !== undefined && now >= deadline) {
    const blocking = gate.waitingForController ?? gate.blocking.map(describeBlockingPod).join('; ');
    return timedOut(`timed out after ${formatDuration(request.timeoutMs ?? 0)} waiting for ${blocking}`);
  }
  return waitForGate(state.step, gate, deadline);
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

/**
 * The step's gate passed and its soak is over (or there is none): extra gates, approval, pause, then the end or the
 * next step, whose action `advance` builds from the next state (a partition for a StatefulSet, pod deletions for a
 * DaemonSet canary).
 *
 * @param finalStep the index of the plan's last step
 */
export function afterStepGate<A>(
  state: PromotionState, request: StepWalkRequest, finalStep: number, now: number, advance: (next: PromotionState) => A,
): PromotionAction | A {
  const step = state.step;
  let passed = state;
  if (step > 0 && request.soakMs > 0 && !recordsOf(state, step).some((record) => record.gate === 'soak')) {
    passed = withRecord(state, { step, gate: 'soak', passed: true, message: `no infant mortality in ${formatDuration(request.soakMs)}`, at: iso(now) });
  }
  if (step > 0) {
    const records = recordsOf(passed, step);
    const failed = records.find((record) => !record.passed && request.gates.includes(record.gate));
    if (failed) {
      return stepFailure(passed, now, 'gate-failed', `step ${step} failed gate ${failed.message}`, request.autoRollback, failed.gate);
    }
    const missing = request.gates.filter((gate) => !records.some((record) => record.gate === gate));
    if (missing.length > 0) {
      return { type: 'run-gates', step, gates: missing };
    }
  }
  if (step >= request.targetStep) {
    const last = step === finalStep;
    return {
      type: 'complete',
      step,
      state: {
        ...passed,
        phase: 'complete',
        soakBaseline: undefined,
        soakStartedAt: undefined,
        message: last ? `every pod of ${request.where} is on revision ${state.updateRevision}` : `step ${step} of ${finalStep} complete`,
      },
    };
  }
  if (request.approveEach && step > 0 && !recordsOf(passed, step).some((record) => record.gate === 'approval' && record.passed)) {
    return state.phase === 'awaiting-approval'
      ? { type: 'await-approval', step }
      : { type: 'await-approval', step, state: { ...passed, phase: 'awaiting-approval', soakBaseline: undefined, soakStartedAt: undefined } };
  }
  if (state.paused) {
    return { type: 'paused', step };
  }
  return advance({ ...passed, step: step + 1, phase: 'progressing', stepStartedAt: iso(now), soakBaseline: undefined, soakStartedAt: undefined });
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

/**
 * A failed step, recorded as a gate result: the state becomes `failed`, or `rolling-back` when a rollback was requested.
 */
export function stepFailure(state: PromotionState, now: number, kind: PromotionFailureKind, message: string,
  rollback: boolean, gate = kind === 'timed-out' ? 'timeout' : 'built-in'): PromotionAction {
  const recorded = withRecord(state, { step: state.step, gate, passed: false, message, at: iso(now) });
  const next: PromotionState = rollback
    ? { ...recorded, phase: 'rolling-back', stepStartedAt: iso(now), soakBaseline: undefined, soakStartedAt: undefined, message }
    : { ...recorded, phase: 'failed', soakBaseline: undefined, soakStartedAt: undefined, message };
  return { type: 'fail', kind, message, state: next };
}

function podsOfOrdinals(sts: KubeStatefulSet, pods: readonly KubePod[], ordinals: readonly number[]): KubePod[] {
  const byOrdinal = podsByOrdinal(sts, pods);
  return ordinals.map((ordinal) => byOrdinal.get(ordinal)).filter((pod): pod is KubePod => pod !== undefined);
}

function infantMortalityMessage(step: number, signs: readonly InfantMortalitySign[]): string {
  return `infant mortality during the soak of step ${step}: ${signs.map((sign) => sign.message).join('; ')}`;
}

function gateMessage(pods: number, revision: string): string {
  return pods === 0 ? 'no pod to update' : `${pods} pod${pods === 1 ? '' : 's'} on revision ${revision}, Ready and Available`;
}

function recordsOf(state: PromotionState, step: number): GateRecord[] {
  const since = Date.parse(state.stepStartedAt);
  return state.gates.filter((record) => record.step === step && Date.parse(record.at) >= since);
}

function withRecord(state: PromotionState, record: GateRecord): PromotionState {
  return { ...state, gates: [...state.gates, record] };
}

/** When the current step (or the rollback) times out: its start plus `--timeout`; undefined without a timeout. */
export function stepDeadline(state: PromotionState, request: Pick<StepWalkRequest, 'timeoutMs'>): number | undefined {
  return request.timeoutMs === undefined ? undefined : Date.parse(state.stepStartedAt) + request.timeoutMs;
}

/** What a gate that has not passed reports, whichever kind evaluated it. */
export interface PendingGate {
  /** The pods in the way. */
  readonly blocking: readonly BlockingPod[];
  /** Set while the controller has not caught up. @default none */
  readonly waitingForController?: string;
  /** When a Ready pod becomes Available through minReadySeconds alone. @default none */
  readonly recheckAt?: number;
}

/**
 * Waits for a step's pods (or a rollback's): decide again on the next change, at the next minReadySeconds boundary, or
 * at the deadline, whichever comes first.
 */
export function waitForGate(step: number, gate: PendingGate, deadline: number | undefined): PromotionAction {
  const until = [gate.recheckAt, deadline].filter((time): time is number => time !== undefined);
  return {
    type: 'wait-gate',
    step,
    blocking: gate.blocking,
    waitingForController: gate.waitingForController,
    until: until.length > 0 ? Math.min(...until) : undefined,
  };
}

function lastStep(request: PromotionRequest): number {
  return request.partitions.length - 1;
}

function iso(now: number): string {
  return new Date(now).toISOString();
}
