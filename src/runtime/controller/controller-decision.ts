// What `kubectl-stage controller` does with one workload it observed (pure): nothing, promote it by the policy its
// annotations declare (a new update revision, or a promotion in progress to resume), stage it (pin the partition, or
// switch a DaemonSet to OnDelete) while every pod is on one revision so that the next change waits for it, or report
// annotations it cannot read. The engine itself is the one `kubectl-stage promote` runs; this only decides when, and with which options.
import { RolloutKeys } from '../../keys';
import { PartitionPlan } from '../../partition-plan';
import { DEFAULT_PROMOTION_POLICY, PromotionPolicyValues, readPromotionPolicy } from '../../promotion-policy';
import { KubeDaemonSet, KubeStatefulSet, KubeWorkload } from '../kube/kube-types';
import { physicalPartition } from '../kube/statefulset-facts';
import { WorkloadKind } from '../kube/workload-ref';
import { gatesOfAnnotation, GateSpec } from '../promotion/gate-spec';
import { decodePromotionState, PromotionState, TERMINAL_PHASES } from '../promotion/promotion-state';

/** What the controller does with a workload. */
export type ControllerDecision =
  /** Not ours (no plan annotation), or nothing new to promote; `why` is for the debug log. */
  | { readonly type: 'ignore'; readonly why: string }
  /** Promote (or resume) with these options. `revision` identifies what is promoted, so a finished one is not retried. */
  | { readonly type: 'promote'; readonly resume: boolean; readonly revision: string; readonly policy: PromotionPolicyValues; readonly gates: readonly GateSpec[] }
  /**
   * Every pod is on one revision and nothing holds the next change back (a `PartitionOwner.PROMOTER` StatefulSet just
   * created, or one whose promotion ended): stage it as `kubectl-stage stage` does.
   */
  | { readonly type: 'stage' }
  /** Its annotations cannot be read: the workload is left untouched and the problems reported. */
  | { readonly type: 'invalid'; readonly problems: readonly string[] };

/** Options of {@link decideWorkload}. */
export interface ControllerDecisionContext {
  /** The Prometheus server `prom=` gates query. @default none */
  readonly prometheusUrl?: string;
  /**
   * The revision of the last promotion this controller finished for the workload, so one that failed or was aborted is
   * not started again until the workload changes. @default none
   */
  readonly finishedRevision?: string;
}

/**
 * Decides what to do with `workload` (pure).
 * @param kind the workload's kind
 * @param workload the workload as observed
 */
export function decideWorkload(kind: WorkloadKind, workload: KubeWorkload, context: ControllerDecisionContext = {}): ControllerDecision {
  const annotations = workload.metadata.annotations ?? {};
  const where = `${kind.toLowerCase()}/${workload.metadata.name ?? ''}`;
  if (annotations[RolloutKeys.PLAN_ANNOTATION] === undefined) {
    return { type: 'ignore', why: `no ${RolloutKeys.PLAN_ANNOTATION} annotation` };
  }
  if (workload.metadata.deletionTimestamp) {
    return { type: 'ignore', why: 'being deleted' };
  }
  const problems: string[] = [];
  let state: PromotionState | undefined;
  try {
    state = decodePromotionState(annotations[RolloutKeys.STATE_ANNOTATION], where);
  } catch (error) {
    problems.push((error as Error).message);
  }
  const reading = readPromotionPolicy(annotations);
  problems.push(...reading.problems ?? []);
  let gates: GateSpec[] = [];
  try {
    gates = gatesOfAnnotation(annotations[RolloutKeys.GATES_ANNOTATION], where, { prometheusUrl: context.prometheusUrl });
  } catch (error) {
    problems.push((error as Error).message);
  }
  if (problems.length > 0) {
    return { type: 'invalid', problems };
  }
  const policy = reading.policy ?? DEFAULT_PROMOTION_POLICY;
  if (state && !TERMINAL_PHASES.includes(state.phase)) {
    return { type: 'promote', resume: true, revision: state.updateRevision, policy, gates };
  }
  const revision = kind === 'StatefulSet' ? statefulSetChange(workload as KubeStatefulSet) : daemonSetChange(workload as KubeDaemonSet);
  if (typeof revision !== 'string') {
    return 'stage' in revision ? { type: 'stage' } : { type: 'ignore', why: revision.why };
  }
  // A promotion of this revision ended (failed, rolled back, aborted): the next change of the workload starts another.
  if (revision === context.finishedRevision || (state !== undefined && state.updateRevision === revision)) {
    return { type: 'ignore', why: `the promotion of revision ${revision} ended (${state?.phase ?? 'finished'})` };
  }
  return { type: 'promote', resume: false, revision, policy, gates };
}

// A StatefulSet has something to promote when its controller has seen the latest spec and the update revision is not
// the current one (the partition holds pods back).
function statefulSetChange(sts: KubeStatefulSet): string | { why: string } | { stage: true } {
  const status = sts.status ?? {};
  if (status.observedGeneration === undefined || status.observedGeneration < (sts.metadata.generation ?? 0)) {
    return { why: 'the StatefulSet controller has not observed the latest spec yet' };
  }
  if (sts.spec.updateStrategy?.type === 'OnDelete') {
    return { why: 'OnDelete: not a staged StatefulSet (kubectl-stage stage pins it)' };
  }
  if (!status.updateRevision || !status.currentRevision || status.updateRevision === status.currentRevision) {
    return physicalPartition(sts) === PartitionPlan.STAGED_PARTITION ? { why: 'staged, every pod on the update revision' } : { stage: true };
  }
  return status.updateRevision;
}

// A staged DaemonSet (OnDelete) has something to promote when some scheduled pods are not on its template; its
// generation names the change (a DaemonSet has no update revision in its status).
function daemonSetChange(ds: KubeDaemonSet): string | { why: string } | { stage: true } {
  const status = ds.status ?? {};
  if (status.observedGeneration === undefined || status.observedGeneration < (ds.metadata.generation ?? 0)) {
    return { why: 'the DaemonSet controller has not observed the latest spec yet' };
  }
  const updated = (status.updatedNumberScheduled ?? 0) >= (status.desiredNumberScheduled ?? 0);
  if (ds.spec.updateStrategy?.type !== 'OnDelete') {
    return updated ? { stage: true } : { why: 'a rolling update is under way (not staged)' };
  }
  if (updated) {
    return { why: 'staged, every pod on the current template' };
  }
  return `generation-${ds.metadata.generation ?? 0}`;
}
