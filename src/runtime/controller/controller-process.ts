// One `kubectl-stage controller` process: the promotion controller, run directly or only while this replica leads
// (leader election on a Lease), its API errors counted, and what its probes report. Runs until its signal aborts,
// then stops starting steps, lets the running promotions stop where they are (state kept, Leases released) and gives
// the leader Lease up. A new leader takes the workload Leases of the replicas that led before it at once.
import { ControllerLog } from './controller-log';
import { ControllerMetrics, ErrorCountingCluster } from './controller-metrics';
import { LeaderElector } from './leader-election';
import { PromotionController, PromotionControllerOptions } from './promotion-controller';
import { Cluster } from '../cluster/cluster';

/** Leader election settings of a {@link ControllerProcess}. */
export interface ControllerLeaderElection {
  /** The Lease's namespace. */
  readonly namespace: string;
  /** The Lease's name. */
  readonly name: string;
  /** @default 15 */
  readonly leaseDurationSeconds?: number;
  /** @default 10000 */
  readonly renewDeadlineMs?: number;
  /** @default 2000 */
  readonly retryPeriodMs?: number;
}

/** Options of a {@link ControllerProcess}. */
export interface ControllerProcessOptions extends Omit<PromotionControllerOptions, 'metrics' | 'log'> {
  /** Leader election among replicas. @default none: this process is the controller */
  readonly leaderElection?: ControllerLeaderElection;
  /** Where log lines go. @default none */
  readonly log?: ControllerLog;
}

/** A controller process. */
export class ControllerProcess {
  /** Everything it counts. */
  public readonly metrics = new ControllerMetrics();
  private readonly cluster: Cluster;
  private readonly elector?: LeaderElector;
  private controller?: PromotionController;

  public constructor(private readonly options: ControllerProcessOptions) {
    this.cluster = new ErrorCountingCluster(options.cluster, this.metrics);
    const election = options.leaderElection;
    if (election) {
      this.elector = new LeaderElector({
        ...election,
        cluster: this.cluster,
        clock: options.clock,
        identity: options.holder,
        onNewLeader: (identity) => this.log('info', 'leader', { leader: identity, self: identity === options.holder }),
      });
    }
  }

  /** Whether this process is the active controller (always, without leader election). */
  public get leading(): boolean {
    return this.elector?.leading ?? true;
  }

  /** The workloads being promoted now. */
  public get promoting(): string[] {
    return this.controller?.promoting ?? [];
  }

  /** Why the process is not ready, or undefined when it is: a leader (or a lone controller) once its cache synced, a standby once it read the Lease. */
  public notReady(): string | undefined {
    if (this.elector && !this.elector.observed) {
      return 'leader election has not read its Lease yet';
    }
    if (this.leading && !this.controller?.synced) {
      return 'the workload cache has not synced yet';
    }
    return undefined;
  }

  /** Runs until `signal` aborts. */
  public async run(signal: AbortSignal): Promise<void> {
    this.metrics.set('staged_rollouts_leader', 0);
    if (!this.elector) {
      await this.lead(signal);
      return;
    }
    await this.elector.run(signal, (leading) => this.lead(leading));
    this.metrics.set('staged_rollouts_leader', 0);
  }

  private async lead(leading: AbortSignal): Promise<void> {
    this.metrics.set('staged_rollouts_leader', 1);
    const controller = new PromotionController({
      ...this.options,
      cluster: this.cluster,
      metrics: this.metrics,
      log: this.options.log,
      holderGone: (holder) => this.holderGone(holder),
    });
    this.controller = controller;
    try {
      await controller.start();
      await new Promise<void>((resolve) => {
        if (leading.aborted) {
          resolve();
        }
        leading.addEventListener('abort', () => resolve(), { once: true });
      });
    } finally {
      await controller.stop();
      this.metrics.set('staged_rollouts_leader', 0);
      if (this.controller === controller) {
        this.controller = undefined;
      }
    }
  }

  // A workload Lease held by a replica that led before this one is released: a replica promotes only while it leads,
  // and stopped leading (and starting steps) before this one could take the leader Lease, so waiting its workload
  // Leases out (30 s each) would only delay the takeover. Its state writes are preconditioned on the workload's
  // resourceVersion, so one still in flight cannot land over a step this replica took. Any other holder (a CLI
  // promoter) is waited for.
  private holderGone(holder: string): boolean {
    return (this.elector?.deposed(holder) ?? false) || (this.options.holderGone?.(holder) ?? false);
  }

  private log(level: 'info' | 'warning' | 'error', message: string, fields: Record<string, unknown>): void {
    this.options.log?.({ time: new Date(this.options.clock.now()).toISOString(), level, msg: message, ...fields });
  }
}
