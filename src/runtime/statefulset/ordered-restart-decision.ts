// The brain of an ordered restart (ordered-restart.ts): one pure function from (observed StatefulSet and pods, stored
// state, request, now) to the next action, like `nextPromotionAction`, sharing its walk after a step's gate
// (promotion/step-walk.ts). A step's size is the plan's (step k brings `replicas - partitions[k]` pods to the update
// revision) but its pods are chosen at promotion time, one restart at a time: every pod must be Ready and Available
// before the next is deleted (what the StatefulSet controller's OrderedReady rolling update waits for too), and which
// pod goes next (never the leader while another old pod is left) is picked by the run from fresh metrics, so this
// decision only says "restart the next one of these". The StatefulSet is OnDelete for the whole promotion
// (ordered-restart-strategy.ts) and gets its RollingUpdate strategy back once no pod would move under it.
import { restoreStrategyCommand } from './ordered-restart-strategy';
import { ObservedPromotion, PromotionRequest } from './partition-decision';
import { statefulSetControllerLag } from './statefulset-step-gate';
import { RolloutKeys } from '../../keys';
import { PartitionPlan } from '../../partition-plan';
import { RestartOrder } from '../../restart-order';
import { KubePod, KubeStatefulSet } from '../kube/kube-types';
import { isPodTerminating, podName, podNodeName, podProblems, podRevision } from '../kube/pod-facts';
import { isOnDelete, ordinalsToUpdate, podsByOrdinal, statefulSetReplicas } from '../kube/statefulset-facts';
import { detectFailedStart } from '../promotion/infant-mortality';
import { PROMOTION_STATE_VERSION, PromotionState, TERMINAL_PHASES } from '../promotion/promotion-state';
import { BlockingPod, earliest, podAvailableAt, unavailableReason } from '../promotion/step-gate';
import {
  afterStepGate, awaitGate, awaitStepGate, PromotionFailureKind, soakAction, StepAction, stepFailedToStart, stepFailure, stepGatePassed,
} from '../promotion/step-walk';

/** An old pod an ordered restart may delete next. */
export interface RestartCandidate {
  readonly pod: string;
  /** The uid its deletion is preconditioned on. @default no precondition */
  readonly uid?: string;
  readonly ordinal: number;
  /** The node it runs on. @default not scheduled */
  readonly node?: string;
  /** Whether it is not Ready (a rollback restarts those first). */
  readonly notReady: boolean;
}

/** What the person asked for, parsed: a partition promotion's request, and the order. */
export interface OrderedRestartRequest extends PromotionRequest {
  /** Which pod goes last. */
  readonly order: RestartOrder;
}

/** The phases an ordered restart can end in. */
type EndPhase = 'complete' | 'rolled-back' | 'aborted' | 'failed';

/** The next thing the run does. Actions carrying `state` write it (with any patch) in one request. */
export type OrderedRestartAction =
  | StepAction
  /** Switch the StatefulSet to OnDelete (recording its strategy) together with the state of the first step. */
  | { readonly type: 'begin'; readonly state: PromotionState }
  /** Write the state of the next step; its pods are restarted on the next decisions. */
  | { readonly type: 'start-step'; readonly state: PromotionState }
  /**
   * Delete one of `candidates` (old pods, highest ordinal first) so the controller recreates it from the update
   * revision: with `leaderLast`, the first that is not the leader found now, else the first.
   */
  | { readonly type: 'restart-next'; readonly step: number; readonly candidates: readonly RestartCandidate[]; readonly leaderLast: boolean }
  /** Restore the template of ControllerRevision `revision` together with the state (a rollback). */
  | { readonly type: 'restore-template'; readonly revision: string; readonly state: PromotionState }
  /** No pod would move under the recorded strategy: give it back with `partition`, with the final state. */
  | { readonly type: 'restore-strategy'; readonly partition: number; readonly state: PromotionState; readonly phase: EndPhase; readonly failure?: PromotionFailureKind }
  /** The promotion stops with pods that a RollingUpdate would move: keep OnDelete, with the final state. */
  | { readonly type: 'finish-on-delete'; readonly state: PromotionState; readonly phase: 'complete' | 'aborted' | 'failed'; readonly failure?: PromotionFailureKind };

/** Decides the next action of an ordered restart. Level-triggered: it reads only its arguments. */
export function nextOrderedRestartAction(observed: ObservedPromotion, state: PromotionState | undefined, request: OrderedRestartRequest,
  now: number): OrderedRestartAction {
  const sts = observed.sts;
  if (!sts) {
    return { type: 'validate-failed', message: `${request.where} not found` };
  }
  const inProgress = state !== undefined && state.kind === 'StatefulSet' && !TERMINAL_PHASES.includes(state.phase);
  const invalid = validate(sts, inProgress ? state : undefined, request);
  if (invalid) {
    return { type: 'validate-failed', message: invalid };
  }
  if (!observed.lockHeld) {
    return { type: 'acquire' };
  }
  const lag = statefulSetControllerLag(sts);
  if (!inProgress) {
    return lag === undefined ? begin(sts, observed.pods, state, request, now) : { type: 'wait-gate', step: 0, blocking: [], waitingForController: lag };
  }
  if (state.abortRequested) {
    return finish(sts, observed.pods, { ...state, abortRequested: false }, request, 'aborted',
      `aborted at step ${state.step} of ${lastStep(request)}; pods stay where they are`);
  }
  if (lag !== undefined) {
    return { type: 'wait-gate', step: state.step, blocking: [], waitingForController: lag };
  }
  if (state.phase === 'rolling-back') {
    return rollingBack(sts, observed.pods, state, request, now);
  }
  if (!isOnDelete(sts)) {
    return settle(sts, observed.pods, stepFailure(state, now, 'gate-failed', `the update strategy of ${request.where} was changed to `
      + `${sts.spec.updateStrategy?.type ?? 'RollingUpdate'} during its ordered restart, so the controller moves pods by itself; `
      + 'run promote again to go on in order once the change is undone', false), request);
  }
  if (sts.status?.updateRevision !== state.updateRevision) {
    return settle(sts, observed.pods, stepFailure(state, now, 'gate-failed', `the template of ${request.where} changed during the promotion `
      + `(revision ${state.updateRevision} -> ${sts.status?.updateRevision}); run promote again to promote the new revision`, false), request);
  }
  if (state.phase === 'progressing') {
    return progressing(sts, observed.pods, state, request, now);
  }
  if (state.phase === 'soaking') {
    const soak = soakAction(state, request, observed.pods, now);
    if (soak) {
      return settle(sts, observed.pods, soak, request);
    }
  }
  return walkOn(sts, observed.pods, state, request, now);
}

// The plan must fit the replicas; a StatefulSet declared OnDelete has no strategy to give back.
function validate(sts: KubeStatefulSet, inProgress: PromotionState | undefined, request: OrderedRestartRequest): string | undefined {
  const replicas = statefulSetReplicas(sts);
  if (request.partitions[0] !== replicas) {
    return inProgress
      ? `${request.where} was scaled from ${request.partitions[0]} to ${replicas} replicas during its ordered restart (step ${inProgress.step}); `
        + `rerun the command to resume with the plan resolved for ${replicas} replicas, or run "kubectl-stage abort" first to start over`
      : `plan "${request.plan}" was resolved for ${request.partitions[0]} replicas, but ${request.where} has ${replicas}`;
  }
  if (inProgress && inProgress.plan !== request.plan) {
    return `a promotion of ${request.where} with plan "${inProgress.plan}" is in progress (step ${inProgress.step}); `
      + `rerun without --plan (or with --plan ${inProgress.plan}) to resume it, or run "kubectl-stage abort" first to start over`;
  }
  if (!inProgress && isOnDelete(sts) && !sts.metadata.annotations?.[RolloutKeys.ORIGINAL_STRATEGY_ANNOTATION]) {
    return `${request.where} is declared with the OnDelete update strategy; a restart order (annotation `
      + `${RolloutKeys.RESTART_ORDER_ANNOTATION}) switches a staged StatefulSet to OnDelete for the promotion only: `
      + 'declare it with StatefulSetRollout.staged(plan, { order }) and promote again';
  }
  return undefined;
}

// Start (or restart after a final phase): record what is being promoted and hand the StatefulSet to the restart.
function begin(sts: KubeStatefulSet, pods: readonly KubePod[], previous: PromotionState | undefined, request: OrderedRestartRequest,
  now: number): OrderedRestartAction {
  const updateRevision = sts.status!.updateRevision!;
  const view = podView(sts, pods, updateRevision, now);
  const old = view.filter((entry) => entry.pod !== undefined && !entry.updated);
  if (old.length === 0) {
    const message = `nothing to promote: every pod of ${request.where} is on revision ${updateRevision}`;
    // An earlier ordered restart that kept OnDelete (it stopped midway) is finished now that nothing would move.
    if (sts.metadata.annotations?.[RolloutKeys.ORIGINAL_STRATEGY_ANNOTATION] && previous) {
      return { type: 'restore-strategy', partition: 0, phase: 'complete', state: { ...previous, phase: 'complete', message } };
    }
    return { type: 'done', phase: 'complete', message };
  }
  const step = Math.min(reachedStep(sts, pods, request.partitions), request.targetStep);
  // Under OnDelete status.currentRevision never advances (completeRollingUpdate is RollingUpdate-only), so it is
  // still the revision the old pods run.
  const currentRevision = sts.status?.currentRevision;
  const previousRevision = currentRevision && currentRevision !== updateRevision ? currentRevision : podRevision(old[0].pod!);
  const at = new Date(now).toISOString();
  const sameRevision = previous?.kind === 'StatefulSet' && previous.updateRevision === updateRevision;
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
    previousRevision: sameRevision ? previous.previousRevision ?? previousRevision : previousRevision,
    startedAt: sameRevision ? previous.startedAt : at,
    stepStartedAt: at,
    gates: sameRevision ? previous.gates : [],
    holder: request.holder,
  };
  return { type: 'begin', state };
}

function progressing(sts: KubeStatefulSet, pods: readonly KubePod[], state: PromotionState, request: OrderedRestartRequest,
  now: number): OrderedRestartAction {
  const view = podView(sts, pods, state.updateRevision, now);
  const updated = view.filter((entry) => entry.updated).map((entry) => entry.pod!);
  const failedStart = detectFailedStart(updated, state.updateRevision);
  if (failedStart.length > 0) {
    return settle(sts, pods, stepFailedToStart(state, request, failedStart, now), request);
  }
  const blocking = view.filter((entry) => entry.blocking).map((entry) => entry.blocking!);
  if (blocking.length > 0) {
    return settle(sts, pods, awaitStepGate(state, request, { blocking, recheckAt: recheckOf(view) }, now), request);
  }
  const wanted = statefulSetReplicas(sts) - request.partitions[state.step];
  if (updated.length < wanted) {
    return { type: 'restart-next', step: state.step, candidates: candidatesOf(view), leaderLast: true };
  }
  const message = updated.length === 0 ? 'no pod to update'
    : `${updated.length} pod${updated.length === 1 ? '' : 's'} on revision ${state.updateRevision}, Ready and Available (restarted in order, ${request.order})`;
  return stepGatePassed(state, request, message, updated, now, (passed) => walkOn(sts, pods, passed, request, now));
}

/**
 * The step whose next restart found no leader (or, for ZooKeeper, no whole ensemble) in time: it fails (rolling back when asked), recorded as a failure of the order's
 * gate so `kubectl-stage status` shows it.
 */
export function leaderUnknownFailure(sts: KubeStatefulSet, pods: readonly KubePod[], state: PromotionState, request: OrderedRestartRequest,
  message: string, now: number): OrderedRestartAction {
  return settle(sts, pods, stepFailure(state, now, 'gate-failed', message, request.autoRollback, request.order), request);
}

/** The last plan step whose count of pods on the update revision is reached already: where a new run starts. */
export function reachedStep(sts: KubeStatefulSet, pods: readonly KubePod[], partitions: readonly number[]): number {
  const revision = sts.status?.updateRevision ?? '';
  const updated = podView(sts, pods, revision, 0).filter((entry) => entry.updated).length;
  const replicas = statefulSetReplicas(sts);
  return partitions.reduce((found, partition, index) => (replicas - partition <= updated ? index : found), 0);
}

function walkOn(sts: KubeStatefulSet, pods: readonly KubePod[], state: PromotionState, request: OrderedRestartRequest,
  now: number): OrderedRestartAction {
  const advance = (next: PromotionState): OrderedRestartAction => ({ type: 'start-step', state: next });
  return settle(sts, pods, afterStepGate(state, request, lastStep(request), now, advance), request);
}

// Every pod goes back to the previous revision: its template is restored, then the pods on the failed revision are
// restarted one at a time, those not Ready first, then by descending ordinal. A rollback does not wait for metrics to
// find the leader (a broken revision may serve none): it restores the revision that was running.
function rollingBack(sts: KubeStatefulSet, pods: readonly KubePod[], state: PromotionState, request: OrderedRestartRequest,
  now: number): OrderedRestartAction {
  const previous = state.previousRevision;
  if (!previous) {
    return finish(sts, pods, state, request, 'failed', `cannot roll back ${request.where}: the state records no previous revision`);
  }
  if (sts.status?.updateRevision !== previous) {
    return { type: 'restore-template', revision: previous, state };
  }
  const view = podView(sts, pods, previous, now);
  const blocking = view.filter((entry) => entry.blocking && (entry.updated || entry.pod === undefined || isPodTerminating(entry.pod)))
    .map((entry) => entry.blocking!);
  const candidates = candidatesOf(view);
  if (blocking.length === 0 && candidates.length === 0) {
    return {
      type: 'restore-strategy',
      partition: PartitionPlan.toPhysicalPartition(request.partitions[0], statefulSetReplicas(sts)),
      phase: 'rolled-back',
      state: { ...state, phase: 'rolled-back', soakBaseline: undefined, soakStartedAt: undefined },
    };
  }
  if (blocking.length === 0) {
    const notReady = candidates.filter((candidate) => candidate.notReady);
    return { type: 'restart-next', step: state.step, candidates: [...notReady, ...candidates.filter((candidate) => !candidate.notReady)], leaderLast: false };
  }
  return awaitGate(state, request, { blocking, recheckAt: recheckOf(view) }, now,
    (waiting) => finish(sts, pods, state, request, 'failed', `the rollback of ${request.where} to revision ${previous} ${waiting}`, 'timed-out'));
}

/**
 * An action that may end the walk: a failure without rollback or a reached target must also settle the strategy. Only
 * the last step gives RollingUpdate back (partition 0); a partial target keeps OnDelete so the pods not yet restarted
 * stay where they are.
 */
function settle(sts: KubeStatefulSet, pods: readonly KubePod[], action: StepAction | OrderedRestartAction,
  request: OrderedRestartRequest): OrderedRestartAction {
  if (action.type === 'fail' && action.state.phase === 'failed') {
    return finish(sts, pods, action.state, request, 'failed', action.message, action.kind);
  }
  if (action.type === 'complete') {
    return action.step >= lastStep(request)
      ? { type: 'restore-strategy', partition: 0, phase: 'complete', state: action.state }
      : {
        type: 'finish-on-delete',
        phase: 'complete',
        state: { ...action.state, message: `${action.state.message ?? ''}; ${request.where} stays OnDelete until the last step, so no other pod moves` },
      };
  }
  return action;
}

// Ends the promotion without a rollback: RollingUpdate comes back only if no pod would move under it.
function finish(sts: KubeStatefulSet, pods: readonly KubePod[], state: PromotionState, request: OrderedRestartRequest,
  phase: 'aborted' | 'failed', message: string, failure?: PromotionFailureKind): OrderedRestartAction {
  const revision = sts.status?.updateRevision ?? state.updateRevision;
  const view = podView(sts, pods, revision, 0).filter((entry) => entry.pod !== undefined);
  const ended = { ...state, phase, soakBaseline: undefined, soakStartedAt: undefined };
  const pinned = PartitionPlan.toPhysicalPartition(request.partitions[0], statefulSetReplicas(sts));
  // Every pod updated: no partition moves one. None updated: the pinned partition moves none (nothing happened yet).
  if (isOnDelete(sts) && view.every((entry) => entry.updated)) {
    return { type: 'restore-strategy', partition: 0, phase, failure, state: { ...ended, message } };
  }
  if (isOnDelete(sts) && view.every((entry) => !entry.updated)) {
    return { type: 'restore-strategy', partition: pinned, phase, failure, state: { ...ended, message } };
  }
  const restore = isOnDelete(sts)
    ? `; ${request.where} stays OnDelete so no more pods move: run promote again, undo, or restore its strategy with: `
      + restoreStrategyCommand(request.where, pinned)
    : '';
  return { type: 'finish-on-delete', phase, failure, state: { ...ended, message: `${message}${restore}` } };
}

/** One ordinal of the StatefulSet as the decision sees it. */
interface OrdinalView {
  readonly ordinal: number;
  readonly pod?: KubePod;
  /** Whether its pod runs the revision asked about and is not terminating. */
  readonly updated: boolean;
  /** Why it keeps the next restart waiting (missing, terminating, not Ready, not yet Available). @default not in the way */
  readonly blocking?: BlockingPod;
  /** When its Ready pod becomes Available through minReadySeconds. @default none */
  readonly availableAt?: number;
}

// Every ordinal, highest first, against `revision`.
function podView(sts: KubeStatefulSet, pods: readonly KubePod[], revision: string, now: number): OrdinalView[] {
  const byOrdinal = podsByOrdinal(sts, pods);
  const minReadySeconds = sts.spec.minReadySeconds ?? 0;
  return ordinalsToUpdate(sts, 0).map((ordinal): OrdinalView => {
    const pod = byOrdinal.get(ordinal);
    if (!pod) {
      return { ordinal, updated: false, blocking: { pod: `${sts.metadata.name ?? ''}-${ordinal}`, ordinal, reason: 'not created yet', problems: [] } };
    }
    const problems = podProblems(pod);
    const reason = unavailableReason(pod, minReadySeconds, now, problems);
    const updated = podRevision(pod) === revision && !isPodTerminating(pod);
    return {
      ordinal,
      pod,
      updated,
      blocking: reason === undefined ? undefined : { pod: podName(pod), ordinal, reason, problems },
      availableAt: reason === undefined ? undefined : podAvailableAt(pod, minReadySeconds),
    };
  });
}

// The live pods not yet on the revision, highest ordinal first.
function candidatesOf(view: readonly OrdinalView[]): RestartCandidate[] {
  return view.filter((entry) => entry.pod !== undefined && !entry.updated && !isPodTerminating(entry.pod))
    .map((entry) => ({
      pod: podName(entry.pod!),
      uid: entry.pod!.metadata.uid,
      ordinal: entry.ordinal,
      node: podNodeName(entry.pod!),
      notReady: entry.blocking !== undefined,
    }));
}

function recheckOf(view: readonly OrdinalView[]): number | undefined {
  return view.reduce<number | undefined>((found, entry) => earliest(found, entry.availableAt), undefined);
}

function lastStep(request: OrderedRestartRequest): number {
  return request.partitions.length - 1;
}
