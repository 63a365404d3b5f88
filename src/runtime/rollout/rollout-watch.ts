// `status` and `status --watch`: report, wait for the next change of the workload or its pods, report again.
// Level-triggered: each round re-reads everything and starts its watches at the resourceVersions it just read, so no
// change is missed and a dropped or expired watch costs only one extra read. While the state records a promotion in
// progress, its Lease says whether a promoter is running it: a live one is followed to its end.
import { RuntimeClock } from '../clock';
import { daemonSetReport, PromoterPresence, promoterPresence, RolloutReport, statefulSetReport } from './rollout-report';
import { labelSelectorToString } from '../../internal/label-selector';
import { RolloutKeys } from '../../keys';
import { Cluster } from '../cluster/cluster';
import { readRolloutSnapshot, RolloutSnapshot } from '../cluster/rollout-snapshot';
import { watchUntilChange } from '../cluster/watch-until-change';
import { KubeDaemonSet, KubeLease, KubeStatefulSet } from '../kube/kube-types';
import { describeRef, WorkloadRef } from '../kube/workload-ref';
import { leaseNameFor } from '../promotion/promotion-lock';
import { decodePromotionState, PromotionPhase, TERMINAL_PHASES } from '../promotion/promotion-state';
import { earliest } from '../promotion/step-gate';

/** Whether {@link reportSnapshot} reads the snapshot's revisions: a DaemonSet's report does, a StatefulSet's does not. */
export function reportNeedsRevisions(ref: WorkloadRef): boolean {
  return ref.kind === 'DaemonSet';
}

/**
 * The report of one snapshot (read with revisions when {@link reportNeedsRevisions} says so).
 *
 * @param presence the promoter of a promotion in progress, from its Lease @default unknown: the promotion is not followed
 */
export function reportSnapshot(snapshot: RolloutSnapshot, now: number, presence?: PromoterPresence): RolloutReport {
  return snapshot.ref.kind === 'StatefulSet'
    ? statefulSetReport(snapshot.workload as KubeStatefulSet, snapshot.pods, now, presence)
    : daemonSetReport(snapshot.workload as KubeDaemonSet, snapshot.revisions, snapshot.pods, now, presence);
}

/** A report with the snapshot it was made from. */
export interface RolloutReading {
  readonly snapshot: RolloutSnapshot;
  readonly report: RolloutReport;
  /** When the Lease of the promotion in progress expires unless renewed: the report must be made again then. */
  readonly leaseExpiresAt?: number;
}

/**
 * Reads the workload with its pods (and revisions when the report needs them) and, only while its state records a
 * promotion in progress, that promotion's Lease; then reports.
 */
export async function readRolloutReport(cluster: Cluster, ref: WorkloadRef, clock: RuntimeClock): Promise<RolloutReading> {
  const snapshot = await readRolloutSnapshot(cluster, ref, reportNeedsRevisions(ref));
  let presence: PromoterPresence | undefined;
  if (promotionInProgress(snapshot)) {
    presence = promoterPresence(await cluster.get<KubeLease>('Lease', ref.namespace, leaseNameFor(ref)), clock.now());
  }
  const report = reportSnapshot(snapshot, clock.now(), presence);
  return { snapshot, report, leaseExpiresAt: presence?.live ? presence.expiresAt : undefined };
}

// Whether the state annotation records a promotion that has not ended; an unreadable one records none (the report
// says why).
function promotionInProgress(snapshot: RolloutSnapshot): boolean {
  try {
    const state = decodePromotionState(snapshot.workload.metadata.annotations?.[RolloutKeys.STATE_ANNOTATION], describeRef(snapshot.ref));
    return state !== undefined && !TERMINAL_PHASES.includes(state.phase);
  } catch {
    return false;
  }
}

/** Options of {@link watchRollout}. */
export interface WatchRolloutOptions {
  readonly cluster: Cluster;
  readonly clock: RuntimeClock;
  readonly ref: WorkloadRef;
  /** Receives every report (the first at once, then one per observed change). */
  readonly onReport: (report: RolloutReport) => void;
  /** Stop once a report is settled (staged, step complete, complete, with no promotion running). @default true */
  readonly untilSettled?: boolean;
  /** Give up after this many ms. @default no limit */
  readonly timeoutMs?: number;
  /** Stops the watch. @default never */
  readonly signal?: AbortSignal;
  /** The pause before watching again after a watch failed without any event. @default 1000 */
  readonly rewatchDelayMs?: number;
}

/**
 * How a watch ended: `settled` (nothing changes without someone acting), `promotion-ended` (a promotion the watch saw
 * running reached complete, failed, rolled-back or aborted: the last report's `promotion` says which), `timed-out` or
 * `interrupted`.
 */
export type WatchRolloutEnd = 'settled' | 'promotion-ended' | 'timed-out' | 'interrupted';

/** Reports the rollout now and after every change until it settles, a followed promotion ends, or the watch stops. */
export async function watchRollout(options: WatchRolloutOptions): Promise<WatchRolloutEnd> {
  const { cluster, clock, ref } = options;
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  if (options.signal?.aborted) {
    stop.abort();
  }
  let timedOut = false;
  if (options.timeoutMs !== undefined) {
    void clock.sleep(options.timeoutMs, stop.signal).then(() => {
      if (!stop.signal.aborted) {
        timedOut = true;
        stop.abort();
      }
    });
  }
  let following = false;
  try {
    while (!stop.signal.aborted) {
      const { snapshot, report, leaseExpiresAt } = await readRolloutReport(cluster, ref, clock);
      options.onReport(report);
      following ||= report.promoter !== undefined;
      if (following && isEnded(report.promotion?.phase)) {
        return 'promotion-ended';
      }
      if (report.settled && (options.untilSettled ?? true)) {
        return 'settled';
      }
      // A change; the moment a pod turns Available through minReadySeconds; or the Lease's expiry, when a promoter
      // that stopped renewing is gone: no event marks either moment, so report again then.
      const end = await watchUntilChange(cluster, [
        { kind: ref.kind, selector: { fieldSelector: `metadata.name=${ref.name}` }, resourceVersion: snapshot.workloadResourceVersion },
        { kind: 'Pod', selector: { labelSelector: labelSelectorToString(snapshot.workload.spec.selector) }, resourceVersion: snapshot.podsResourceVersion },
      ], { clock, namespace: ref.namespace, signal: stop.signal, until: earliest(report.recheckAt, leaseExpiresAt) });
      if (end === 'ended') {
        await clock.sleep(options.rewatchDelayMs ?? 1000, stop.signal);
      }
    }
    return timedOut ? 'timed-out' : 'interrupted';
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    stop.abort();
  }
}

function isEnded(phase: PromotionPhase | undefined): boolean {
  return phase !== undefined && TERMINAL_PHASES.includes(phase);
}
