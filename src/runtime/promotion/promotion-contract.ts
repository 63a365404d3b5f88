// The contract of a promotion, whatever the workload kind: what the caller passes (options), what it hears while the
// promotion runs (events) and how it ended (outcome). The StatefulSet run, the DaemonSet node canary, the session they
// share and the CLI all speak it; none of them owns it.
import { RuntimeClock } from '../clock';
import { GateIo } from './external-gates';
import { GateSpec } from './gate-spec';
import { PromotionPhase } from './promotion-state';
import { PromotionTargetSpec } from './promotion-target';
import { BlockingPod } from './step-gate';
import { PromotionFailureKind } from './step-walk';
import { Cluster } from '../cluster/cluster';
import { WorkloadRef } from '../kube/workload-ref';

/** Something a promotion did or saw, for the CLI to render (a line, a live view, or NDJSON). */
export type PromotionEvent =
  | { readonly type: 'started'; readonly at: number; readonly plan: string; readonly partitions: readonly number[]; readonly step: number; readonly targetStep: number; readonly resumed: boolean }
  /**
   * A StatefulSet step started: the partition and the ordinals it moves; in an ordered restart `restarts` says how many
   * pods the step restarts, one at a time (which ones is decided as it runs, so `ordinals` is empty).
   */
  | {
    readonly type: 'step-started';
    readonly at: number;
    readonly step: number;
    readonly partition: number;
    readonly ordinals: readonly number[];
    readonly restarts?: number;
  }
  /** A DaemonSet node canary started a step: these nodes move to the update revision. */
  | { readonly type: 'canary-step-started'; readonly at: number; readonly step: number; readonly nodes: readonly string[] }
  /** A DaemonSet node canary deleted these old pods; the controller recreates them from the update revision. */
  | { readonly type: 'pods-deleted'; readonly at: number; readonly step: number; readonly pods: readonly { readonly pod: string; readonly node: string }[] }
  /** An ordered restart deleted this pod (the controller recreates it from the update revision); `reason` says why this one now. */
  | { readonly type: 'pod-restarting'; readonly at: number; readonly step: number; readonly pod: string; readonly reason: string }
  | { readonly type: 'waiting'; readonly at: number; readonly step: number; readonly blocking: readonly BlockingPod[]; readonly waitingForController?: string }
  | { readonly type: 'soak-started'; readonly at: number; readonly step: number; readonly until: number }
  | { readonly type: 'gate-result'; readonly at: number; readonly step: number; readonly gate: string; readonly passed: boolean; readonly message: string }
  /** A data-aware gate (kafka, zookeeper) found the cluster not healthy yet and reads it again; sent when what it found changes. */
  | { readonly type: 'gate-waiting'; readonly at: number; readonly step: number; readonly gate: string; readonly message: string }
  | { readonly type: 'awaiting-approval'; readonly at: number; readonly step: number }
  | { readonly type: 'paused'; readonly at: number; readonly step: number }
  | { readonly type: 'failed'; readonly at: number; readonly step: number; readonly kind: PromotionFailureKind; readonly message: string }
  | { readonly type: 'rolling-back'; readonly at: number; readonly revision: string }
  | { readonly type: 'deleting-stuck-pods'; readonly at: number; readonly pods: readonly string[]; readonly reason: string }
  | { readonly type: 'conflict'; readonly at: number; readonly message: string }
  | { readonly type: 'finished'; readonly at: number; readonly phase: PromotionPhase; readonly message: string };

/** Options of a promotion: `promoteStatefulSet` (a partition plan) or `promoteDaemonSet` (a node canary). */
export interface PromotionOptions {
  /** The cluster (wrap it in a RetryingCluster to ride out throttling and server errors). */
  readonly cluster: Cluster;
  /** The clock of every wait: soaks, timeouts, back-off, Lease renewals. */
  readonly clock: RuntimeClock;
  /** The StatefulSet (`promoteStatefulSet`) or DaemonSet (`promoteDaemonSet`). */
  readonly workload: WorkloadRef;
  /**
   * `--plan` (a partition plan, or a node canary plan for a DaemonSet); otherwise the plan of the promotion in progress,
   * then the workload's plan annotation. @default none
   */
  readonly plan?: string;
  /** How far to go. @default all */
  readonly target?: PromotionTargetSpec;
  /** Soak time per step, in ms. @default 0 */
  readonly soakMs?: number;
  /** How long one step (or the rollback) may wait for its pods, in ms. @default no limit */
  readonly timeoutMs?: number;
  /**
   * Extra gates run after each step's soak; the data-aware ones (`kafka`, `zookeeper`) also before the first step, and
   * wait up to `gateTimeoutMs` for the cluster to be healthy. @default none
   */
  readonly gates?: readonly GateSpec[];
  /** The I/O of the extra gates. Required when `gates` is not empty. */
  readonly gateIo?: GateIo;
  /** The Prometheus server of `prom=` gates. @default none */
  readonly prometheusUrl?: string;
  /** How long one extra gate may run (a data-aware gate: wait for the cluster to be healthy), in ms. @default 30000 */
  readonly gateTimeoutMs?: number;
  /** Wait for an approval before each step after the first. @default false */
  readonly approveEach?: boolean;
  /**
   * Asked once per step when `approveEach` is set; resolving `true` approves (as `kubectl-stage resume` does).
   * @default approvals come only from `kubectl-stage resume`
   */
  readonly approve?: (step: number) => Promise<boolean>;
  /** Restore the previous revision when a step fails. @default false */
  readonly autoRollback?: boolean;
  /** Who is promoting, written into the Lease and the state. */
  readonly holder: string;
  /**
   * Whether a Lease holder is known to be dead before its Lease expires (see `PromotionLock`).
   * @default no holder is known dead: a killed promoter's Lease is waited out
   */
  readonly holderGone?: (holder: string) => boolean;
  /** The Lease duration in seconds. @default 30 */
  readonly leaseDurationSeconds?: number;
  /** Receives progress events. @default none */
  readonly onEvent?: (event: PromotionEvent) => void;
  /** Stops the promotion where it is (state kept for a rerun, lock released). @default never */
  readonly signal?: AbortSignal;
}

/** How a promotion ended. */
export interface PromotionOutcome {
  /** `complete`, `failed`, `rolled-back`, `aborted`, or `interrupted` when `signal` stopped it. */
  readonly phase: 'complete' | 'failed' | 'rolled-back' | 'aborted' | 'interrupted';
  /** For `failed`: why. */
  readonly failure?: PromotionFailureKind;
  /** One sentence for the person: what was reached, or why not. */
  readonly message: string;
  /** The last step written. */
  readonly step: number;
  /** API requests the promotion made (watches included; a call the retrying layer beneath repeated counts once). */
  readonly apiRequests: number;
}
