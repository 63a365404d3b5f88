// One promoter per workload: a coordination.k8s.io/v1 Lease held the way client-go's leader election holds one
// (holderIdentity, renewTime + leaseDurationSeconds, leaseTransitions), so a crashed promoter's lock expires on its own.
import { RuntimeClock } from '../clock';
import { Cluster, ClusterError } from '../cluster/cluster';
import { formatDuration } from '../duration';
import { KubeLease } from '../kube/kube-types';
import { describeRef, WorkloadRef } from '../kube/workload-ref';
import { RuntimeError } from '../runtime-error';

/** How many Lease writes in a row may conflict before acquiring gives up. */
export const MAX_LEASE_CONFLICTS = 10;

/** The Lease that guards promotions of a workload: `statefulset-kafka-stage`. */
export function leaseNameFor(ref: WorkloadRef): string {
  return `${ref.kind.toLowerCase()}-${ref.name}-stage`;
}

/** What a promoter may do with a workload's Lease. */
export type LeaseDecision =
  | { readonly type: 'create' }
  /** The Lease is ours already (a rerun of the same promoter), or free: write ourselves in. */
  | { readonly type: 'renew' }
  /** The Lease expired or was released by another holder: take it over (a new transition). */
  | { readonly type: 'take-over' }
  | { readonly type: 'held'; readonly holder: string; readonly expiresAt: number };

/** When a Lease stops protecting its holder: `renewTime` (or `acquireTime`) plus `leaseDurationSeconds`. */
export function leaseExpiresAt(lease: KubeLease): number {
  const renewed = Date.parse(lease.spec?.renewTime ?? lease.spec?.acquireTime ?? '');
  return (Number.isNaN(renewed) ? 0 : renewed) + (lease.spec?.leaseDurationSeconds ?? 0) * 1000;
}

/**
 * Decides how `holder` can hold `lease` at `now` (pure).
 *
 * @param holderGone whether the current holder is known to be dead (a promoter of this host whose process is gone), so
 *   its Lease need not be waited out @default none is
 */
export function decideLease(lease: KubeLease | undefined, holder: string, now: number,
  holderGone: (holder: string) => boolean = () => false): LeaseDecision {
  if (!lease) {
    return { type: 'create' };
  }
  const current = lease.spec?.holderIdentity ?? '';
  if (current === holder) {
    return { type: 'renew' };
  }
  const expiresAt = leaseExpiresAt(lease);
  if (current === '' || expiresAt <= now || holderGone(current)) {
    return { type: 'take-over' };
  }
  return { type: 'held', holder: current, expiresAt };
}

/**
 * Lease times are `metav1.MicroTime`, which the API server writes and parses with six fractional digits
 * (`RFC3339Micro`).
 */
export function formatMicroTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

/** Options of a {@link PromotionLock}. */
export interface PromotionLockOptions {
  /** Where the Lease lives. */
  readonly cluster: Cluster;
  /** The clock of renewals and expiry. */
  readonly clock: RuntimeClock;
  /** The workload the lock guards; the Lease lives in its namespace. */
  readonly workload: WorkloadRef;
  /** Who holds the lock, shown to a refused promoter (`host/pid/scope/nonce`, see lease-holder.ts). */
  readonly holder: string;
  /** How long the Lease protects its holder without a renewal. @default 30 */
  readonly leaseDurationSeconds?: number;
  /** How often the holder renews. @default a third of the lease duration */
  readonly renewIntervalMs?: number;
  /**
   * Whether a holder is known to be dead before its Lease expires (a killed `kubectl-stage` on this host), so a rerun
   * resumes at once instead of waiting the Lease out. @default no holder is known dead
   */
  readonly holderGone?: (holder: string) => boolean;
  /** Called once when the lock is lost (another holder took it, or renewals failed until it expired). @default none */
  readonly onLost?: (reason: string) => void;
}

/** The Lease of one workload, acquired, renewed in the background on the runtime clock, and released. */
export class PromotionLock {
  private readonly name: string;
  private readonly durationSeconds: number;
  private renewing?: AbortController;
  private renewal?: Promise<void>;
  private heldUntil = 0;

  public constructor(private readonly options: PromotionLockOptions) {
    this.name = leaseNameFor(options.workload);
    this.durationSeconds = options.leaseDurationSeconds ?? 30;
  }

  /** Whether this promoter holds the Lease (acquired, renewed in time, not released). */
  public get held(): boolean {
    return this.renewing !== undefined && this.options.clock.now() < this.heldUntil;
  }

  /**
   * Takes the Lease, or renews it when this holder already has it, and starts renewing it in the background.
   *
   * @throws RuntimeError (`lock-held`) naming the holder and when its Lease expires
   */
  public async acquire(): Promise<void> {
    const { cluster, clock, workload, holder } = this.options;
    for (let attempt = 1; ; attempt++) {
      const lease = await cluster.get<KubeLease>('Lease', workload.namespace, this.name);
      const now = clock.now();
      const decision = decideLease(lease, holder, now, this.options.holderGone);
      if (decision.type === 'held') {
        throw new RuntimeError('lock-held',
          `${describeRef(workload)} is being promoted by ${decision.holder} (lease ${workload.namespace}/${this.name} expires at `
          + `${new Date(decision.expiresAt).toISOString()}, in ${formatDuration(decision.expiresAt - now)}); wait for it to finish, `
          + `or ask it to stop with "kubectl-stage abort ${workload.kind === 'StatefulSet' ? 'sts' : 'ds'}/${workload.name}"`);
      }
      try {
        await this.write(lease, decision.type, now);
        break;
      } catch (error) {
        // Someone else created or updated the Lease between our read and write: read it again and decide again.
        if (!ClusterError.is(error, 409)) {
          throw error;
        }
        if (attempt >= MAX_LEASE_CONFLICTS) {
          throw new RuntimeError('api', `lease ${workload.namespace}/${this.name} kept changing: ${attempt} writes in a row conflicted (last: ${error.message})`);
        }
      }
    }
    if (!this.renewing) {
      this.renewing = new AbortController();
      this.renewal = this.renewLoop(this.renewing.signal);
    }
  }

  /** Stops renewing and gives the Lease up (empty holder, as client-go releases), if we still hold it. */
  public async release(): Promise<void> {
    const renewing = this.renewing;
    if (!renewing) {
      return;
    }
    this.renewing = undefined;
    renewing.abort();
    await this.renewal;
    const { cluster, workload, holder, clock } = this.options;
    for (let attempt = 1; ; attempt++) {
      const lease = await cluster.get<KubeLease>('Lease', workload.namespace, this.name);
      if (lease?.spec?.holderIdentity !== holder) {
        return;
      }
      const now = formatMicroTime(clock.now());
      try {
        await cluster.replace<KubeLease>('Lease', workload.namespace, {
          ...lease,
          spec: { ...lease.spec, holderIdentity: '', leaseDurationSeconds: 1, renewTime: now, acquireTime: now },
        });
        return;
      } catch (error) {
        // A conflict says only that the Lease changed since the read (our own last renewal may have raced it): read it
        // again, and release it when it is still ours.
        if (!ClusterError.is(error, 409) || attempt >= MAX_LEASE_CONFLICTS) {
          throw error;
        }
      }
    }
  }

  private async write(lease: KubeLease | undefined, type: 'create' | 'renew' | 'take-over', now: number): Promise<void> {
    const { cluster, workload, holder } = this.options;
    const time = formatMicroTime(now);
    if (type === 'create' || !lease) {
      await cluster.create<KubeLease>('Lease', workload.namespace, {
        apiVersion: 'coordination.k8s.io/v1',
        kind: 'Lease',
        metadata: { name: this.name, namespace: workload.namespace },
        spec: { holderIdentity: holder, leaseDurationSeconds: this.durationSeconds, acquireTime: time, renewTime: time, leaseTransitions: 0 },
      });
    } else {
      const transitions = lease.spec?.leaseTransitions ?? 0;
      await cluster.replace<KubeLease>('Lease', workload.namespace, {
        ...lease,
        spec: {
          ...lease.spec,
          holderIdentity: holder,
          leaseDurationSeconds: this.durationSeconds,
          renewTime: time,
          acquireTime: type === 'take-over' ? time : lease.spec?.acquireTime ?? time,
          leaseTransitions: type === 'take-over' ? transitions + 1 : transitions,
        },
      });
    }
    this.heldUntil = now + this.durationSeconds * 1000;
  }

  private async renewLoop(signal: AbortSignal): Promise<void> {
    const { cluster, clock, workload, holder } = this.options;
    const interval = this.options.renewIntervalMs ?? (this.durationSeconds * 1000) / 3;
    while (!signal.aborted) {
      await clock.sleep(interval, signal);
      if (signal.aborted) {
        return;
      }
      try {
        const lease = await cluster.get<KubeLease>('Lease', workload.namespace, this.name);
        const decision = decideLease(lease, holder, clock.now());
        if (decision.type !== 'renew' && decision.type !== 'create') {
          this.lose(`another promoter took lease ${workload.namespace}/${this.name}`);
          return;
        }
        await this.write(lease, decision.type, clock.now());
      } catch (error) {
        // A failed renewal is retried at the next interval; the lock is lost only once the Lease has expired.
        if (clock.now() >= this.heldUntil) {
          this.lose(`could not renew lease ${workload.namespace}/${this.name} before it expired: ${(error as Error).message}`);
          return;
        }
      }
    }
  }

  private lose(reason: string): void {
    this.renewing = undefined;
    this.heldUntil = 0;
    this.options.onLost?.(reason);
  }
}
