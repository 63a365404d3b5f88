// `kubectl-stage undo`: kubectl's rollback (decideUndo), then, for an OrderedReady StatefulSet, the way out of the
// forced-rollback trap (#67250): once the controller has observed the restored template, the pods stuck unready on
// the abandoned revision are named and deleted (only those, each with its uid as precondition) so the controller can
// recreate them at the restored revision.
import { RuntimeClock } from '../clock';
import { decideUndo, HeldPods, podsHeldFromRevision, UndoDecision, UndoMode } from './undo';
import { labelSelectorToString } from '../../internal/label-selector';
import { RolloutKeys } from '../../keys';
import { Cluster, ClusterError } from '../cluster/cluster';
import { readRolloutSnapshot, resourceName, RolloutSnapshot } from '../cluster/rollout-snapshot';
import { watchUntilChange } from '../cluster/watch-until-change';
import { KubePod, KubeStatefulSet } from '../kube/kube-types';
import { isGenerationObserved, isOrderedReady, statefulSetReplicas } from '../kube/statefulset-facts';
import { describeRef, WorkloadRef } from '../kube/workload-ref';
import { resolvePartitionPlan } from '../promotion/plan-source';
import { decodePromotionState, TERMINAL_PHASES } from '../promotion/promotion-state';
import { EVENT_COMPONENT, EventNote, WorkloadEventRecorder } from '../promotion/workload-events';
import { RuntimeError } from '../runtime-error';
import { detectForcedRollbackTrap, ForcedRollbackTrap } from '../statefulset/forced-rollback-trap';

/** Something undo did, for the CLI to print as it happens. */
export type UndoEvent =
  /** The decision (kubectl's message: `rolled back`, `skipped rollback (...)`). */
  | { readonly type: 'decided'; readonly decision: UndoDecision }
  /** The restored revision moves not every pod: `held` says which stay, why, and what moves them. */
  | { readonly type: 'held'; readonly held: HeldPods }
  /** The trap was found: `message` names the pods about to be deleted. */
  | { readonly type: 'trap'; readonly trap: ForcedRollbackTrap }
  /** One stuck pod was deleted. */
  | { readonly type: 'pod-deleted'; readonly pod: string };

/** Options of {@link undoWorkload}. */
export interface UndoWorkloadOptions {
  readonly cluster: Cluster;
  readonly clock: RuntimeClock;
  readonly ref: WorkloadRef;
  /** `--to-revision`; 0 for the previous revision. @default 0 */
  readonly toRevision?: number;
  /** How a StatefulSet's pods go back. @default 'all-at-once' */
  readonly mode?: UndoMode;
  /**
   * With `through-plan`: the `--plan` the promotion will walk, checked (with the state and annotation fallbacks) before
   * anything changes. @default the promotion state's plan, then the plan annotation
   */
  readonly plan?: string;
  /** Delete the pods stuck by the forced-rollback trap. @default true */
  readonly escapeTrap?: boolean;
  /** How long to wait for the controller to observe the restored template before checking the trap, in ms. @default 30000 */
  readonly observeTimeoutMs?: number;
  /** Receives progress. @default none */
  readonly onEvent?: (event: UndoEvent) => void;
  /** Who undoes, as the Events on the workload report it (`reportingInstance`). @default 'kubectl-stage' */
  readonly instance?: string;
  /** Stops the wait. @default never */
  readonly signal?: AbortSignal;
}

/** What undo did. */
export interface UndoOutcome {
  readonly decision: UndoDecision;
  /**
   * The pods the StatefulSet's partition (or OnDelete) keeps off the restored revision; unset when every pod goes to
   * it, and after a `through-plan` restore, which stages every pod on purpose.
   */
  readonly held?: HeldPods;
  /** The trap check, when one ran (StatefulSets under OrderedReady after a restore). */
  readonly trap?: ForcedRollbackTrap;
  /** The pods deleted to escape the trap. */
  readonly deletedPods: readonly string[];
}

/**
 * Restores a revision with kubectl's semantics and escapes the forced-rollback trap.
 *
 * @throws RuntimeError (`bad-input`) with kubectl's messages; (`timed-out`) when the controller never observes the
 * restored template; ClusterError when the API server fails
 */
export async function undoWorkload(options: UndoWorkloadOptions): Promise<UndoOutcome> {
  const { cluster, clock, ref } = options;
  const snapshot = await readRolloutSnapshot(cluster, ref);
  // The restore and the pods it deleted are Events on the workload, as a promotion's rollback is.
  const events = new WorkloadEventRecorder({ cluster, clock, ref, workload: () => snapshot.workload, instance: options.instance ?? EVENT_COMPONENT });
  const emit = (event: UndoEvent) => {
    const note = undoEventNote(event);
    if (note) {
      events.note(note);
    }
    options.onEvent?.(event);
  };
  try {
    return await restore(options, snapshot, emit);
  } finally {
    await events.flush();
  }
}

// kubectl's rollback and the escape from the trap, on the snapshot read.
async function restore(options: UndoWorkloadOptions, snapshot: RolloutSnapshot, emit: (event: UndoEvent) => void): Promise<UndoOutcome> {
  const { cluster, ref } = options;
  const decision = decideUndo(ref.kind, snapshot.workload, snapshot.revisions, options.toRevision ?? 0, options.mode);
  if (options.mode === 'through-plan') {
    // The promotion that follows needs a plan that fits: refuse now rather than leave the rollback staged.
    const sts = snapshot.workload as KubeStatefulSet;
    const annotations = sts.metadata.annotations ?? {};
    const state = decodePromotionState(annotations[RolloutKeys.STATE_ANNOTATION], describeRef(ref));
    resolvePartitionPlan({
      flag: options.plan,
      // As the engine: only a promotion still in progress lends its plan.
      statePlan: state && !TERMINAL_PHASES.includes(state.phase) ? state.plan : undefined,
      annotation: annotations[RolloutKeys.PLAN_ANNOTATION],
      replicas: statefulSetReplicas(sts),
      where: describeRef(ref),
    });
  }
  if (decision.action === 'patch') {
    try {
      await cluster.patch(ref.kind, ref.namespace, ref.name, decision.patch, 'strategic');
    } catch (error) {
      if (ClusterError.is(error)) {
        // kubectl's wording for a rejected restore.
        throw new ClusterError(error.code, `failed restoring revision ${options.toRevision ?? 0}: ${error.message}`, { reason: error.reason });
      }
      throw error;
    }
  }
  emit({ type: 'decided', decision });
  if (ref.kind !== 'StatefulSet') {
    return { decision, deletedPods: [] };
  }
  const sts = snapshot.workload as KubeStatefulSet;
  const restaged = options.mode === 'through-plan' && decision.action === 'patch';
  const held = restaged ? undefined : podsHeldFromRevision(sts, snapshot.pods, decision.revision);
  if (held) {
    emit({ type: 'held', held });
  }
  if (!isOrderedReady(sts) || options.escapeTrap === false) {
    return { decision, held, deletedPods: [] };
  }
  // A skipped rollback can still be trapped: the template was reverted by hand, and the broken pods stayed. Without a
  // patch, the snapshot just read is current unless the controller has yet to observe the StatefulSet.
  let observed = sts;
  let pods = snapshot.pods;
  if (decision.action === 'patch' || !isGenerationObserved(sts)) {
    observed = await observedStatefulSet(options);
    pods = (await cluster.list<KubePod>('Pod', ref.namespace, { labelSelector: labelSelectorToString(observed.spec.selector) })).items;
  }
  const trap = detectForcedRollbackTrap(observed, pods);
  if (!trap.trapped) {
    return { decision, held, trap, deletedPods: [] };
  }
  emit({ type: 'trap', trap });
  const deletedPods: string[] = [];
  for (const stuck of trap.podsToDelete) {
    try {
      await cluster.delete('Pod', ref.namespace, stuck.pod, { preconditions: stuck.uid ? { uid: stuck.uid } : undefined });
    } catch (error) {
      // Gone already, or replaced (uid precondition failed): the controller is moving, which is what we wanted.
      if (ClusterError.is(error, 404) || ClusterError.is(error, 409)) {
        continue;
      }
      throw error;
    }
    deletedPods.push(stuck.pod);
    emit({ type: 'pod-deleted', pod: stuck.pod });
  }
  return { decision, held, trap, deletedPods };
}

// The StatefulSet once its controller has observed the latest generation (the restored template and its revision).
async function observedStatefulSet(options: UndoWorkloadOptions): Promise<KubeStatefulSet> {
  const { cluster, clock, ref } = options;
  const deadline = clock.now() + (options.observeTimeoutMs ?? 30_000);
  const selector = { fieldSelector: `metadata.name=${ref.name}` };
  for (;;) {
    const list = await cluster.list<KubeStatefulSet>('StatefulSet', ref.namespace, selector);
    const sts = list.items[0];
    if (!sts) {
      throw new RuntimeError('bad-input', `${resourceName(ref)} "${ref.name}" not found`);
    }
    if (isGenerationObserved(sts)) {
      return sts;
    }
    if (clock.now() >= deadline || options.signal?.aborted) {
      throw new RuntimeError('timed-out', `the StatefulSet controller did not observe statefulset/${ref.name} generation `
        + `${sts.metadata.generation ?? 0} within ${options.observeTimeoutMs ?? 30_000}ms; check the controller manager, then run undo again`);
    }
    const end = await watchUntilChange(cluster, [{ kind: 'StatefulSet', selector, resourceVersion: list.resourceVersion }],
      { clock, namespace: ref.namespace, signal: options.signal, until: deadline });
    if (end === 'ended') {
      await clock.sleep(Math.min(REWATCH_DELAY_MS, Math.max(0, deadline - clock.now())), options.signal);
    }
  }
}

/**
 * The Event an undo step becomes (pure): a restore, pods held off the revision, the trap, a deleted pod. A skipped
 * restore changed nothing: undefined.
 */
export function undoEventNote(event: UndoEvent): EventNote | undefined {
  switch (event.type) {
    case 'decided':
      return event.decision.action === 'skip' ? undefined : {
        type: 'Normal',
        reason: 'UndoRestored',
        action: 'RollBack',
        message: `restored revision ${event.decision.revision.revision}: ${event.decision.message}`,
      };
    case 'held':
      return { type: 'Warning', reason: 'UndoHeld', action: 'RollBack', message: event.held.message };
    case 'trap':
      return { type: 'Warning', reason: 'ForcedRollbackTrap', action: 'RollBack', message: event.trap.message };
    case 'pod-deleted':
      return { type: 'Normal', reason: 'StuckPodDeleted', action: 'RollBack', message: `deleted pod ${event.pod}, stuck on the abandoned revision` };
  }
}

// The pause before watching again after a watch ended without an event, so a failing API server is not hammered.
const REWATCH_DELAY_MS = 1000;
