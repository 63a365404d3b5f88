// `kubectl-stage pause | resume | abort`: they only edit the state annotation (with the read resourceVersion as the
// precondition); a running promoter sees the edit through its watch and acts on it. Without a live promoter, abort
// ends the promotion itself so the workload never shows a promotion nobody is running.
import { RolloutKeys } from '../../keys';
import { RuntimeClock } from '../clock';
import { leaseExpiresAt, leaseNameFor } from './promotion-lock';
import { decodePromotionState, encodePromotionState, PromotionState, TERMINAL_PHASES } from './promotion-state';
import { Cluster, ClusterError } from '../cluster/cluster';
import { readWorkload } from '../cluster/rollout-snapshot';
import { KubeLease } from '../kube/kube-types';
import { describeRef, shortRef, WorkloadRef } from '../kube/workload-ref';
import { RuntimeError } from '../runtime-error';

/** How many state writes in a row may conflict before pause, resume or abort gives up. */
export const MAX_CONTROL_CONFLICTS = 10;

/** A request to a promotion in progress. */
export type PromotionCommand = 'pause' | 'resume' | 'abort';

/** What a pause, resume or abort did. */
export interface PromotionControlResult {
  /** The state as written. */
  readonly state: PromotionState;
  /** One line for the person: `statefulset/kafka paused at step 1 of 2`. */
  readonly message: string;
}

/**
 * The state after `command` (pure). `resume` clears a pause and, when the promotion waits for an approval, approves
 * the step it waits at. `abort` asks the live promoter to stop (`promoterAlive`), or ends the promotion at once.
 *
 * @throws RuntimeError (`bad-input`) when no promotion is in progress, naming what to run instead
 */
export function applyPromotionCommand(command: PromotionCommand, state: PromotionState | undefined, ref: WorkloadRef,
  options: { readonly now: number; readonly by: string; readonly promoterAlive: boolean }): PromotionControlResult {
  const where = describeRef(ref);
  if (!state || TERMINAL_PHASES.includes(state.phase)) {
    const ended = state ? ` (the last one ended ${state.phase} at step ${state.step})` : '';
    throw new RuntimeError('bad-input', `no promotion of ${where} is in progress${ended}; start one with "kubectl-stage promote ${shortRef(ref)}"`);
  }
  const at = new Date(options.now).toISOString();
  switch (command) {
    case 'pause':
      return { state: { ...state, paused: true }, message: `${where} paused at step ${state.step}` };
    case 'resume': {
      const approval = state.phase === 'awaiting-approval'
        ? [{ step: state.step, gate: 'approval', passed: true, message: `approved by ${options.by}`, at }]
        : [];
      return {
        state: { ...state, paused: false, gates: [...state.gates, ...approval] },
        message: approval.length > 0 ? `${where} step ${state.step} approved` : `${where} resumed at step ${state.step}`,
      };
    }
    case 'abort':
      return options.promoterAlive
        ? { state: { ...state, abortRequested: true }, message: `${where}: abort requested; the promoter stops at step ${state.step}` }
        : {
          state: { ...state, phase: 'aborted', abortRequested: false, message: `aborted by ${options.by} at step ${state.step}; pods stay where they are` },
          message: `${where} promotion aborted at step ${state.step}`,
        };
  }
}

/**
 * Applies `command` to the promotion of a StatefulSet or DaemonSet: reads the workload and its Lease, writes the state with the
 * read resourceVersion as the precondition, and on a conflict reads and decides again.
 *
 * @param holderGone whether a Lease holder is known to be dead before its Lease expires @default none is
 */
export async function controlPromotion(cluster: Cluster, clock: RuntimeClock, ref: WorkloadRef, command: PromotionCommand,
  by: string, holderGone: (holder: string) => boolean = () => false): Promise<PromotionControlResult> {
  const where = describeRef(ref);
  for (let attempt = 1; ; attempt++) {
    const workload = await readWorkload(cluster, ref);
    const lease = await cluster.get<KubeLease>('Lease', ref.namespace, leaseNameFor(ref));
    // Whoever holds a live Lease (even under our own name, from another terminal) is running the promotion.
    const holder = lease?.spec?.holderIdentity ?? '';
    const promoterAlive = holder !== '' && leaseExpiresAt(lease!) > clock.now() && !holderGone(holder);
    const state = decodePromotionState(workload.metadata.annotations?.[RolloutKeys.STATE_ANNOTATION], where);
    const result = applyPromotionCommand(command, state, ref, { now: clock.now(), by, promoterAlive });
    try {
      const annotations = { [RolloutKeys.STATE_ANNOTATION]: encodePromotionState(result.state) };
      await cluster.patch(ref.kind, ref.namespace, ref.name, { metadata: { resourceVersion: workload.metadata.resourceVersion, annotations } }, 'merge');
      return result;
    } catch (error) {
      if (!ClusterError.is(error, 409)) {
        throw error;
      }
      if (attempt >= MAX_CONTROL_CONFLICTS) {
        throw new RuntimeError('api', `${where} kept changing: ${attempt} writes of the ${command} request conflicted (last: ${error.message})`);
      }
    }
  }
}
