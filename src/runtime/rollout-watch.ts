// `status --watch`: report, wait for the next change of the workload or its pods, report again. Level-triggered: each
// round re-reads everything and starts its watches at the resourceVersions it just read, so no change is missed and a
// dropped or expired watch costs only one extra read.
import { RuntimeClock } from './clock';
import { Cluster } from './cluster';
import { KubeDaemonSet, KubeStatefulSet } from './kube-types';
import { daemonSetReport, RolloutReport, statefulSetReport } from './rollout-report';
import { readRolloutSnapshot, RolloutSnapshot } from './rollout-snapshot';
import { watchUntilChange } from './watch-until-change';
import { WorkloadRef } from './workload-ref';
import { labelSelectorToString } from '../internal/label-selector';

/** Whether {@link reportSnapshot} reads the snapshot's revisions: a DaemonSet's report does, a StatefulSet's does not. */
export function reportNeedsRevisions(ref: WorkloadRef): boolean {
  return ref.kind === 'DaemonSet';
}

/** The report of one snapshot (read with revisions when {@link reportNeedsRevisions} says so). */
export function reportSnapshot(snapshot: RolloutSnapshot, now: number): RolloutReport {
  return snapshot.ref.kind === 'StatefulSet'
    ? statefulSetReport(snapshot.workload as KubeStatefulSet, snapshot.pods, now)
    : daemonSetReport(snapshot.workload as KubeDaemonSet, snapshot.revisions, snapshot.pods, now);
}

/** Options of {@link watchRollout}. */
export interface WatchRolloutOptions {
  readonly cluster: Cluster;
  readonly clock: RuntimeClock;
  readonly ref: WorkloadRef;
  /** Receives every report (the first at once, then one per observed change). */
  readonly onReport: (report: RolloutReport) => void;
  /** Stop once a report is settled (staged, step complete, complete). @default true */
  readonly untilSettled?: boolean;
  /** Give up after this many ms. @default no limit */
  readonly timeoutMs?: number;
  /** Stops the watch. @default never */
  readonly signal?: AbortSignal;
  /** The pause before watching again after a watch failed without any event. @default 1000 */
  readonly rewatchDelayMs?: number;
}

/** How a watch ended. */
export type WatchRolloutEnd = 'settled' | 'timed-out' | 'interrupted';

/** Reports the rollout now and after every change until it settles, times out or is interrupted. */
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
  try {
    while (!stop.signal.aborted) {
      const snapshot = await readRolloutSnapshot(cluster, ref, reportNeedsRevisions(ref));
      const report = reportSnapshot(snapshot, clock.now());
      options.onReport(report);
      if (report.settled && (options.untilSettled ?? true)) {
        return 'settled';
      }
      // A change, or the moment a pod turns Available through minReadySeconds (no event marks it): report again.
      const end = await watchUntilChange(cluster, [
        { kind: ref.kind, selector: { fieldSelector: `metadata.name=${ref.name}` }, resourceVersion: snapshot.workloadResourceVersion },
        { kind: 'Pod', selector: { labelSelector: labelSelectorToString(snapshot.workload.spec.selector) }, resourceVersion: snapshot.podsResourceVersion },
      ], { clock, namespace: ref.namespace, signal: stop.signal, until: report.recheckAt });
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
