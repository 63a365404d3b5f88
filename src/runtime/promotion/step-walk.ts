// The walk every staged step shares, whatever the workload kind: the step's built-in gate passing or timing out, the
// soak that watches its pods for infant mortality, extra gates, approval, pause, and the end or the next step. Each
// kind's decision (statefulset/partition-decision.ts, daemonset/daemonset-canary-decision.ts) evaluates its own gate
// and says how the next step starts (`advance`); the actions it returns here are performed by the PromotionSession
// once for both kinds.
import { formatDuration } from '../duration';
import { detectInfantMortality, InfantMortalitySign, soakBaseline } from './infant-mortality';
import { GateRecord, PromotionState } from './promotion-state';
import { BlockingPod, describeBlockingPod } from './step-gate';
import { KubePod } from '../kube/kube-types';

/** Why a promotion failed. */
export type PromotionFailureKind = 'gate-failed' | 'timed-out';

/**
 * The parts of a request that the walk reads (soak, extra gates, approval, pause, next step or the end). StatefulSet
 * promotions and DaemonSet node canaries share that walk.
 */
export interface StepWalkRequest {
  /** `statefulset/kafka`, for messages. */
  readonly where: string;
  /** The step the promotion stops at. */
  readonly targetStep: number;
  /** How long the pods of a step are watched for infant mortality after they pass the gate; 0 skips the soak. */
  readonly soakMs: number;
  /** How long one step (or the rollback) may wait for its pods, in ms. @default no limit */
  readonly timeoutMs?: number;
  /** The extra gates (`http=...`, `prom=...`, `exec=...`, `kafka`, `zookeeper`) as written, run after the soak of every step. */
  readonly gates: readonly string[];
  /**
   * The data-aware gates among `gates` (`kafka`, `zookeeper`), which also run before the first step: a cluster that is
   * already unhealthy is not rolled. @default none
   */
  readonly dataGates?: readonly string[];
  /** Whether every step after the first waits for an approval (`kubectl-stage resume`). */
  readonly approveEach: boolean;
  /** Whether a failed step restores the previous revision. */
  readonly autoRollback: boolean;
}

/**
 * The actions of the shared walk, which the PromotionSession performs the same way for both kinds. Actions carrying
 * `state` write it in one request. Each kind's action type adds its own (a partition, pod deletions, a rollback).
 */
export type StepAction =
  /** The request cannot be carried out; nothing is changed. */
  | { readonly type: 'validate-failed'; readonly message: string }
  /** Take the workload's Lease before writing anything. */
  | { readonly type: 'acquire' }
  /** Nothing to promote and nothing to write: the outcome is final. */
  | { readonly type: 'done'; readonly phase: 'complete' | 'failed'; readonly failure?: PromotionFailureKind; readonly message: string }
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
  | { readonly type: 'fail'; readonly kind: PromotionFailureKind; readonly message: string; readonly state: PromotionState };

/**
 * During a soak: a failure when the watched pods show infant mortality, a wait until the soak ends, or undefined once
 * it is over.
 */
export function soakAction(state: PromotionState, request: StepWalkRequest, pods: readonly KubePod[], now: number): StepAction | undefined {
  const signs = detectInfantMortality(state.soakBaseline ?? {}, pods);
  if (signs.length > 0) {
    return stepFailure(state, now, 'gate-failed', infantMortalityMessage(state.step, signs), request.autoRollback, 'soak');
  }
  const until = Date.parse(state.soakStartedAt ?? state.stepStartedAt) + request.soakMs;
  return now < until ? { type: 'soak', step: state.step, until } : undefined;
}


/** A step whose updated pods cannot start (an image pull or crash back-off): it fails at once, rolling back when asked. */
export function stepFailedToStart(
  state: PromotionState, request: Pick<StepWalkRequest, 'autoRollback'>, signs: readonly InfantMortalitySign[], now: number,
): StepAction {
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
): StepAction | A {
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
): StepAction {
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
): StepAction | A {
  const deadline = stepDeadline(state, request);
  if (deadline !== undefined && now >= deadline) {
    const blocking = gate.waitingForController ?? gate.blocking.map(describeBlockingPod).join('; ');
    return timedOut(`timed out after ${formatDuration(request.timeoutMs ?? 0)} waiting for ${blocking}`);
  }
  return waitForGate(state.step, gate, deadline);
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
): StepAction | A {
  const step = state.step;
  const dataGates = request.dataGates ?? [];
  if (step === 0 && step < request.targetStep && dataGates.length > 0) {
    const records = recordsOf(state, 0);
    const failed = records.find((record) => !record.passed && dataGates.includes(record.gate));
    if (failed) {
      // Nothing has moved: refusing leaves the cluster as it is, with no rollback.
      return stepFailure(state, now, 'gate-failed', `refused before step 1: ${request.where} is not healthy: ${failed.message}`, false, failed.gate);
    }
    const missing = dataGates.filter((gate) => !records.some((record) => record.gate === gate));
    if (missing.length > 0) {
      return { type: 'run-gates', step, gates: missing };
    }
  }
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


/**
 * A failed step, recorded as a gate result: the state becomes `failed`, or `rolling-back` when a rollback was requested.
 */
export function stepFailure(state: PromotionState, now: number, kind: PromotionFailureKind, message: string,
  rollback: boolean, gate = kind === 'timed-out' ? 'timeout' : 'built-in'): StepAction {
  const recorded = withRecord(state, { step: state.step, gate, passed: false, message, at: iso(now) });
  const next: PromotionState = rollback
    ? { ...recorded, phase: 'rolling-back', stepStartedAt: iso(now), soakBaseline: undefined, soakStartedAt: undefined, message }
    : { ...recorded, phase: 'failed', soakBaseline: undefined, soakStartedAt: undefined, message };
  return { type: 'fail', kind, message, state: next };
}


function infantMortalityMessage(step: number, signs: readonly InfantMortalitySign[]): string {
  return `infant mortality during the soak of step ${step}: ${signs.map((sign) => sign.message).join('; ')}`;
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
export function waitForGate(step: number, gate: PendingGate, deadline: number | undefined): StepAction {
  const until = [gate.recheckAt, deadline].filter((time): time is number => time !== undefined);
  return {
    type: 'wait-gate',
    step,
    blocking: gate.blocking,
    waitingForController: gate.waitingForController,
    until: until.length > 0 ? Math.min(...until) : undefined,
  };
}


function iso(now: number): string {
  return new Date(now).toISOString();
}
