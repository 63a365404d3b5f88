// The DaemonSet node canary's brain: one pure function from (observed DaemonSet, stored state, request, now) to the
// next action, like `nextPromotionAction` for StatefulSets, sharing its walk after a step's gate (promotion/step-walk.ts). The executor (daemonset-canary.ts) performs what this returns
// and calls it again on every change, so a crash at any point is recovered by reading the cluster and deciding again.
import { NodeCanaryPlan, parseNodeCanaryPlan, resolveNodeCanarySteps, validateNodeCanaryPlan } from './daemonset-canary-plan';
import {
  CanaryDeletion, canaryNodes, CanaryStepEvaluation, daemonPodsByNode, DaemonSetObservation, DaemonSetUpdateRevision, daemonSetUpdateRevision,
  evaluateCanaryStep, isDaemonPodUpdated,
} from './daemonset-canary-step';
import {
  canaryUnavailableBudget, daemonSetStrategy, recordedOriginalStrategy, restoreStrategyCommand,
} from './daemonset-canary-strategy';
import { RolloutKeys } from '../../keys';
import { KubeControllerRevision, KubePod } from '../kube/kube-types';
import { isPodTerminating } from '../kube/pod-facts';
import { controlledRevisions, liveRevision, revisionHash } from '../kube/revision-history';
import { PROMOTION_STATE_VERSION, PromotionState, TERMINAL_PHASES } from '../promotion/promotion-state';
import { PromotionTargetSpec, resolveTargetStep } from '../promotion/promotion-target';
import {
  afterStepGate, awaitGate, awaitStepGate, PromotionFailureKind, soakAction, StepAction, stepFailedToStart, stepFailure, stepGatePassed,
  StepWalkRequest,
} from '../promotion/step-walk';

/** What the executor has observed. */
export interface ObservedCanary {
  /** The DaemonSet, its pods, revisions and the nodes; undefined when the DaemonSet does not exist. */
  readonly observation: DaemonSetObservation | undefined;
  /** Whether this promoter holds the DaemonSet's Lease. */
  readonly lockHeld: boolean;
}

/** What the person asked for, parsed. */
export interface CanaryRequest extends Omit<StepWalkRequest, 'targetStep'> {
  /** The node canary plan. */
  readonly plan: NodeCanaryPlan;
  /** How far to go; resolved against the plan's steps for the current nodes. */
  readonly target: PromotionTargetSpec;
  /** The identity written into the state (the Lease holder). */
  readonly holder: string;
}

/** The next thing the executor does. Actions carrying `state` write it (with any patch) in one request. */
export type CanaryAction =
  | StepAction
  /** Hand the DaemonSet to the canary: switch it to OnDelete, record its strategy and the state, in one patch. */
  | { readonly type: 'begin'; readonly state: PromotionState }
  /** Write the state of the next step; its pods are deleted on the next decisions. */
  | { readonly type: 'start-step'; readonly state: PromotionState }
  /** Delete these old pods (uid preconditions) so the controller recreates them from the update revision. */
  | { readonly type: 'delete-pods'; readonly step: number; readonly pods: readonly CanaryDeletion[] }
  /** Restore the previous revision's template (a ControllerRevision) together with the state. */
  | { readonly type: 'restore-template'; readonly revision: KubeControllerRevision; readonly state: PromotionState }
  /** The canary is over and no pod would move under the original strategy: give it back with the final state. */
  | {
    readonly type: 'restore-strategy';
    readonly state: PromotionState;
    readonly phase: 'complete' | 'rolled-back' | 'aborted' | 'failed';
    readonly failure?: PromotionFailureKind;
  }
  /** The canary stops (failed, aborted, or a partial target reached) with pods that would move under the original strategy: keep OnDelete. */
  | { readonly type: 'finish-on-delete'; readonly state: PromotionState; readonly phase: 'complete' | 'aborted' | 'failed'; readonly failure?: PromotionFailureKind };

/**
 * Decides the next action of a DaemonSet node canary. Level-triggered: it reads only its arguments.
 *
 * The phases are those of a StatefulSet promotion (progressing, soaking, awaiting-approval, rolling-back, and the final
 * ones); a step moves its nodes by deleting their old pods within the unavailability budget instead of lowering a
 * partition. The original strategy comes back only when no pod would move under it: at the end, after a rollback, or
 * after an abort or failure once every pod runs the live template. Otherwise the DaemonSet stays OnDelete (a
 * RollingUpdate would carry on the rollout that was stopped) and the final message gives the command that restores it.
 */
export function nextCanaryAction(observed: ObservedCanary, state: PromotionState | undefined, request: CanaryRequest, now: number): CanaryAction {
  const observation = observed.observation;
  if (!observation) {
    return { type: 'validate-failed', message: `${request.where} not found` };
  }
  const inProgress = state !== undefined && state.kind === 'DaemonSet' && !TERMINAL_PHASES.includes(state.phase);
  if (!inProgress) {
    const invalid = validateStart(observation, request);
    if (invalid) {
      return { type: 'validate-failed', message: invalid };
    }
  }
  if (!observed.lockHeld) {
    return { type: 'acquire' };
  }
  if (!inProgress) {
    return begin(observation, state, request, now);
  }
  const walk = walkRequest(observation, state, request);
  if (state.abortRequested) {
    return finish(observation, { ...state, abortRequested: false }, request, 'aborted',
      `aborted at step ${state.step} of ${walk.lastStep}; pods stay where they are`);
  }
  if (state.phase === 'rolling-back') {
    return rollingBack(observation, state, request, now);
  }
  const evaluation = evaluate(observation, state, request, now);
  const hash = evaluation.revision.hash;
  if (hash !== undefined && hash !== state.updateRevision) {
    const failed = stepFailure(state, now, 'gate-failed', `the template of ${request.where} changed during the promotion (revision `
      + `${state.updateRevision} -> ${hash}); run promote again to promote the new revision`, false);
    return failed.type === 'fail' ? finish(observation, failed.state, request, 'failed', failed.message, failed.kind) : failed;
  }
  if (state.phase === 'progressing') {
    return progressing(observation, evaluation, state, request, walk, now);
  }
  if (state.phase === 'soaking') {
    const soak = soakAction(state, walk.request, observation.pods, now);
    if (soak) {
      return settle(observation, soak, request, walk);
    }
  }
  return walkOn(observation, state, request, walk, now);
}

/** The step a new promotion stops at: `--step` is the step after the current one, `--to` the first step covering that many nodes. */
function targetStepFor(target: PromotionTargetSpec, stepCount: number, nodeCounts: readonly number[], current: number): number {
  return Math.min(resolveTargetStep(target, nodeCounts, current), stepCount - 1);
}

interface Walk {
  readonly request: StepWalkRequest;
  readonly lastStep: number;
}

function walkRequest(observation: DaemonSetObservation, state: PromotionState, request: CanaryRequest): Walk {
  const steps = resolveNodeCanarySteps(request.plan, canaryNodes(observation, daemonSetUpdateRevision(observation)));
  const lastStep = steps.length - 1;
  // `--all` follows the nodes (a node added mid-promotion is still covered); other targets keep the recorded step.
  const targetStep = request.target.kind === 'all' ? lastStep : Math.min(state.targetStep, lastStep);
  return { lastStep, request: { ...request, targetStep } };
}

function validateStart(observation: DaemonSetObservation, request: CanaryRequest): string | undefined {
  const revision = daemonSetUpdateRevision(observation);
  if (revision.waitingForController) {
    return undefined;
  }
  try {
    validateNodeCanaryPlan(request.plan, canaryNodes(observation, revision), request.where);
    recordedOriginalStrategy(observation.ds, request.where);
  } catch (error) {
    return (error as Error).message;
  }
  return undefined;
}

// Start (or restart after a final phase): record what is being promoted and hand the DaemonSet to the canary.
function begin(observation: DaemonSetObservation, previous: PromotionState | undefined, request: CanaryRequest, now: number): CanaryAction {
  const revision = daemonSetUpdateRevision(observation);
  if (revision.hash === undefined) {
    return { type: 'wait-gate', step: 0, blocking: [], waitingForController: revision.waitingForController };
  }
  const nodes = canaryNodes(observation, revision);
  const previousRevision = newestOldRevision(observation, revision);
  if (previousRevision === undefined) {
    const message = `nothing to promote: every pod of ${request.where} is on revision ${revision.hash}`;
    // An earlier canary that kept OnDelete (it failed or was aborted midway) is finished now that nothing would move.
    if (observation.ds.metadata.annotations?.[RolloutKeys.ORIGINAL_STRATEGY_ANNOTATION] && previous) {
      return { type: 'restore-strategy', phase: 'complete', state: { ...previous, phase: 'complete', message } };
    }
    return { type: 'done', phase: 'complete', message };
  }
  const steps = resolveNodeCanarySteps(request.plan, nodes);
  // Resume where the pods are: the last step whose nodes all run the update revision already.
  const updated = new Set(nodes.filter((node) => node.updated).map((node) => node.name));
  const current = steps.reduce((found, stepNodes, index) => (stepNodes.every((node) => updated.has(node)) ? index : found), 0);
  const at = new Date(now).toISOString();
  const sameRevision = previous?.kind === 'DaemonSet' && previous.updateRevision === revision.hash;
  const state: PromotionState = {
    version: PROMOTION_STATE_VERSION,
    kind: 'DaemonSet',
    plan: request.plan.text,
    step: current,
    targetStep: targetStepFor(request.target, steps.length, steps.map((step) => step.length), current),
    phase: 'progressing',
    paused: false,
    abortRequested: false,
    updateRevision: revision.hash,
    previousRevision: sameRevision ? previous.previousRevision ?? previousRevision : previousRevision,
    startedAt: sameRevision ? previous.startedAt : at,
    stepStartedAt: at,
    gates: sameRevision ? previous.gates : [],
    holder: request.holder,
  };
  return { type: 'begin', state };
}

// The revision pods return to on a rollback: the newest revision that a pod not on the update revision still runs.
function newestOldRevision(observation: DaemonSetObservation, revision: DaemonSetUpdateRevision): string | undefined {
  const oldHashes = new Set(observation.pods
    .filter((pod) => !isPodTerminating(pod) && !isDaemonPodUpdated(pod, revision))
    .map((pod) => pod.metadata.labels?.[RolloutKeys.CONTROLLER_REVISION_HASH_LABEL])
    .filter((hash): hash is string => hash !== undefined && hash !== revision.hash));
  if (oldHashes.size === 0) {
    return undefined;
  }
  const newest = controlledRevisions(observation.ds, observation.revisions)
    .filter((candidate) => oldHashes.has(revisionHash('DaemonSet', candidate)))
    .pop();
  return newest ? revisionHash('DaemonSet', newest) : [...oldHashes].sort()[0];
}

function evaluate(observation: DaemonSetObservation, state: PromotionState, request: CanaryRequest, now: number): CanaryStepEvaluation {
  return evaluateCanaryStep({ observation, plan: request.plan, step: state.step, maxUnavailable: budget(observation, request), now });
}

function budget(observation: DaemonSetObservation, request: CanaryRequest): number {
  const { ds } = observation;
  const strategy = recordedOriginalStrategy(ds, request.where) ?? daemonSetStrategy(ds);
  return canaryUnavailableBudget(strategy, ds.status?.desiredNumberScheduled ?? daemonPodsByNode(ds, observation.pods).size);
}

function progressing(
  observation: DaemonSetObservation, evaluation: CanaryStepEvaluation, state: PromotionState, request: CanaryRequest, walk: Walk, now: number,
): CanaryAction {
  const step = state.step;
  if (evaluation.failedStart.length > 0) {
    return settle(observation, stepFailedToStart(state, request, evaluation.failedStart, now), request, walk);
  }
  if (evaluation.deletions.length > 0) {
    return { type: 'delete-pods', step, pods: evaluation.deletions };
  }
  if (!evaluation.passed) {
    return settle(observation, awaitStepGate(state, request, evaluation, now), request, walk);
  }
  const message = evaluation.nodes.length === 0
    ? 'no node to update'
    : `${evaluation.nodes.length} node${evaluation.nodes.length === 1 ? '' : 's'} on revision ${evaluation.revision.hash}, Ready and Available`;
  return stepGatePassed(state, request, message, updatedPodsOn(observation, evaluation), now,
    (passed) => walkOn(observation, passed, request, walk, now));
}

// The walk after a step's gate and soak (extra gates, approval, the next step or the end), its end settling the strategy.
function walkOn(observation: DaemonSetObservation, state: PromotionState, request: CanaryRequest, walk: Walk, now: number): CanaryAction {
  const advance = (next: PromotionState): CanaryAction => ({ type: 'start-step', state: next });
  return settle(observation, afterStepGate(state, walk.request, walk.lastStep, now, advance), request, walk);
}

// Every pod goes back to the previous revision: its template is restored, then the canary's pods are replaced.
function rollingBack(observation: DaemonSetObservation, state: PromotionState, request: CanaryRequest, now: number): CanaryAction {
  const previous = state.previousRevision;
  const revisions = controlledRevisions(observation.ds, observation.revisions);
  const target = revisions.find((revision) => revisionHash('DaemonSet', revision) === previous);
  if (!previous || !target) {
    return finish(observation, state, request, 'failed',
      `cannot roll back ${request.where}: ${previous ? `revision ${previous} is no longer in its history` : 'the state records no previous revision'}`);
  }
  const live = liveRevision(observation.ds, revisions);
  if (!live || revisionHash('DaemonSet', live) !== previous) {
    return { type: 'restore-template', revision: target, state };
  }
  const evaluation = evaluateCanaryStep({ observation, plan: EVERY_NODE, step: 1, maxUnavailable: budget(observation, request), now });
  if (evaluation.deletions.length > 0) {
    return { type: 'delete-pods', step: state.step, pods: evaluation.deletions };
  }
  if (evaluation.passed) {
    return {
      type: 'restore-strategy',
      phase: 'rolled-back',
      state: { ...state, phase: 'rolled-back', soakBaseline: undefined, soakStartedAt: undefined },
    };
  }
  return awaitGate(state, request, evaluation, now,
    (waiting) => finish(observation, state, request, 'failed', `the rollback to revision ${target.revision} ${waiting}`, 'timed-out'));
}

const EVERY_NODE = parseNodeCanaryPlan('100%');

// An end of the walk (a failure without rollback, or the target step reached) must also settle the strategy: only the
// last step gives it back; a partial target keeps OnDelete so the nodes not yet covered stay where they are.
function settle(observation: DaemonSetObservation, action: CanaryAction, request: CanaryRequest, walk: Walk): CanaryAction {
  if (action.type === 'fail' && action.state.phase === 'failed') {
    return finish(observation, action.state, request, 'failed', action.message, action.kind);
  }
  if (action.type === 'complete') {
    return action.step >= walk.lastStep
      ? { type: 'restore-strategy', phase: 'complete', state: action.state }
      : { type: 'finish-on-delete', phase: 'complete', state: action.state };
  }
  return action;
}

// Ends the canary without a rollback: the strategy comes back only if no pod would move under it.
function finish(
  observation: DaemonSetObservation, state: PromotionState, request: CanaryRequest, phase: 'aborted' | 'failed', message: string,
  failure?: PromotionFailureKind,
): CanaryAction {
  const revision = daemonSetUpdateRevision(observation);
  const settled = revision.hash !== undefined && newestOldRevision(observation, revision) === undefined;
  const ended = { ...state, phase, soakBaseline: undefined, soakStartedAt: undefined };
  if (settled) {
    return { type: 'restore-strategy', phase, failure, state: { ...ended, message } };
  }
  const original = recordedOriginalStrategy(observation.ds, request.where);
  const restore = original
    ? `; ${request.where} stays OnDelete so no more pods move: run promote again, undo, or restore its strategy with: ${restoreStrategyCommand(request.where, original)}`
    : '';
  return { type: 'finish-on-delete', phase, failure, state: { ...ended, message: `${message}${restore}` } };
}

function updatedPodsOn(observation: DaemonSetObservation, evaluation: CanaryStepEvaluation): KubePod[] {
  const byNode = daemonPodsByNode(observation.ds, observation.pods);
  return evaluation.nodes.flatMap((node) => (byNode.get(node) ?? [])
    .filter((pod) => !isPodTerminating(pod) && isDaemonPodUpdated(pod, evaluation.revision)));
}
