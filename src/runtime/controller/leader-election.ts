// Several controller replicas, one active: leader election on a coordination.k8s.io/v1 Lease with client-go's
// semantics (staging/src/k8s.io/client-go/tools/leaderelection/leaderelection.go). A candidate takes the Lease when it
// is free or when the record it last observed has not changed for leaseDurationSeconds, measured on its own clock from
// when it observed it (so clock skew between replicas does not matter); the leader renews every retry period and
// stops leading when it could not renew within the renew deadline; leaseTransitions counts changes of holder; a
// leader that stops gives the Lease up (holderIdentity empty, leaseDurationSeconds 1) so a standby takes over at once.
// Because the renew deadline is shorter than the lease duration, a leader stops leading before any standby can take
// its Lease; so once this replica leads, every replica it saw lead before has stopped (see {@link LeaderElector.deposed}).
import { RuntimeClock } from '../clock';
import { Cluster, ClusterError } from '../cluster/cluster';
import { KubeLease } from '../kube/kube-types';
import { formatMicroTime } from '../promotion/promotion-lock';

/** Options of a {@link LeaderElector}. */
export interface LeaderElectionOptions {
  /** Where the Lease lives. */
  readonly cluster: Cluster;
  /** The clock of renewals and expiry. */
  readonly clock: RuntimeClock;
  /** The Lease's namespace. */
  readonly namespace: string;
  /** The Lease's name. */
  readonly name: string;
  /** This replica's identity (its pod name, or `host/pid/...`). */
  readonly identity: string;
  /** How long a standby waits for an unchanged Lease before taking it, in seconds. @default 15 (kube-controller-manager's) */
  readonly leaseDurationSeconds?: number;
  /** How long the leader keeps trying to renew before it stops leading, in ms. @default 10000 */
  readonly renewDeadlineMs?: number;
  /** How often candidates try and the leader renews, in ms. @default 2000 */
  readonly retryPeriodMs?: number;
  /** Called on each change of leader observed (the holder's identity; empty when released). @default none */
  readonly onNewLeader?: (identity: string) => void;
}

/** Leader election on one Lease. */
export class LeaderElector {
  private observedRecord = '';
  private observedSpec: KubeLease['spec'] = undefined;
  private observedTime = 0;
  private reportedLeader?: string;
  private observedOnce = false;
  private readonly formerLeaders = new Set<string>();
  private leadingNow = false;

  public constructor(private readonly options: LeaderElectionOptions) {}

  /** Whether the Lease, as last observed, names this replica. */
  public get isLeader(): boolean {
    return this.observedSpec?.holderIdentity === this.options.identity;
  }

  /**
   * Whether this replica is leading now: from winning the Lease until it stops (lost it, missed its renew deadline, or
   * was stopped). Unlike {@link isLeader}, false once a renewal hung past the deadline, though the Lease still names it.
   */
  public get leading(): boolean {
    return this.leadingNow;
  }

  /** Whether the Lease has been read at least once (a standby that knows who leads). */
  public get observed(): boolean {
    return this.observedOnce;
  }

  /**
   * Whether `identity` is a replica this one saw hold the Lease before it, while this one leads: that replica stopped
   * leading (its renew deadline is shorter than the lease duration this one waited out), so it no longer acts as the
   * leader. False for any identity that never held this Lease.
   */
  public deposed(identity: string): boolean {
    return this.leadingNow && identity !== this.options.identity && this.formerLeaders.has(identity);
  }

  /**
   * Campaigns until `signal` aborts: each time this replica becomes the leader, runs `lead` with a signal that aborts
   * when it stops leading (lost the Lease, or `signal` aborted), waits for it, and campaigns again. Releases the
   * Lease on the way out.
   */
  public async run(signal: AbortSignal, lead: (leading: AbortSignal) => Promise<void>): Promise<void> {
    const { clock } = this.options;
    const retry = this.options.retryPeriodMs ?? 2000;
    const deadline = this.options.renewDeadlineMs ?? 10_000;
    while (!signal.aborted) {
      while (!signal.aborted && !(await this.tryAcquireOrRenew())) {
        await clock.sleep(retry, signal);
      }
      if (signal.aborted) {
        break;
      }
      const leading = new AbortController();
      this.leadingNow = true;
      // A leader whose work fails stops leading and gives the Lease up, so a standby takes over; the error is rethrown.
      let failure: { error: unknown } | undefined;
      const work = lead(leading.signal).catch((error: unknown) => {
        failure = { error };
      });
      // client-go bounds each renewal round by the renew deadline (renew()'s timeoutCtx), so a leader whose request
      // hangs stops leading when the deadline passes, before its Lease can expire for a standby.
      const renewedBy = () => renewedAt + deadline - clock.now();
      let renewedAt = clock.now();
      while (!signal.aborted && !failure) {
        await clock.sleep(Math.min(retry, renewedBy()), signal);
        if (signal.aborted || failure || renewedBy() <= 0) {
          break;
        }
        if (await this.renewWithin(renewedBy(), signal)) {
          renewedAt = clock.now();
        } else if (!this.isLeader || renewedBy() <= 0) {
          break;
        }
      }
      this.leadingNow = false;
      leading.abort();
      await work;
      if (failure) {
        await this.release();
        throw failure.error;
      }
    }
    await this.release();
  }

  /**
   * One attempt to take or renew the Lease; true when this replica holds it afterwards. Once `signal` aborts, the
   * attempt's answers are ignored (it returns false without observing them), as a request whose context ended.
   */
  public async tryAcquireOrRenew(signal?: AbortSignal): Promise<boolean> {
    const { cluster, clock, namespace, name, identity } = this.options;
    const now = clock.now();
    const time = formatMicroTime(now);
    const duration = this.options.leaseDurationSeconds ?? 15;
    let lease: KubeLease | undefined;
    try {
      lease = await cluster.get<KubeLease>('Lease', namespace, name);
      if (signal?.aborted) {
        return false;
      }
      if (!lease) {
        const spec = { holderIdentity: identity, leaseDurationSeconds: duration, acquireTime: time, renewTime: time, leaseTransitions: 0 };
        await cluster.create<KubeLease>('Lease', namespace, { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name, namespace }, spec });
        if (signal?.aborted) {
          return false;
        }
        this.observe(spec);
        return true;
      }
    } catch (error) {
      if (!ClusterError.is(error) && !signal?.aborted) {
        throw error;
      }
      return false;
    }
    this.observe(lease.spec);
    const holder = lease.spec?.holderIdentity ?? '';
    if (holder !== '' && this.leaseValid(now) && !this.isLeader) {
      return false;
    }
    const transitions = lease.spec?.leaseTransitions ?? 0;
    const spec = {
      holderIdentity: identity,
      leaseDurationSeconds: duration,
      renewTime: time,
      acquireTime: this.isLeader ? lease.spec?.acquireTime ?? time : time,
      leaseTransitions: this.isLeader ? transitions : transitions + 1,
    };
    try {
      await cluster.replace<KubeLease>('Lease', namespace, { ...lease, spec });
    } catch (error) {
      if (!ClusterError.is(error) && !signal?.aborted) {
        throw error;
      }
      return false;
    }
    if (signal?.aborted) {
      return false;
    }
    this.observe(spec);
    return true;
  }

  // One renewal bounded by `ms` (the Cluster takes no signal, so the attempt races the clock): false when the time ran
  // out or `signal` aborted first, and the attempt's late answer is then ignored.
  private async renewWithin(ms: number, signal: AbortSignal): Promise<boolean> {
    const round = new AbortController();
    const timedOut = this.options.clock.sleep(ms, AbortSignal.any([signal, round.signal])).then(() => false);
    try {
      return await Promise.race([this.tryAcquireOrRenew(round.signal), timedOut]);
    } finally {
      round.abort();
    }
  }

  /** Gives the Lease up if this replica holds it, as client-go's ReleaseOnCancel does. */
  public async release(): Promise<void> {
    if (!this.isLeader) {
      return;
    }
    const { cluster, clock, namespace, name } = this.options;
    try {
      const lease = await cluster.get<KubeLease>('Lease', namespace, name);
      if (lease?.spec?.holderIdentity !== this.options.identity) {
        return;
      }
      const time = formatMicroTime(clock.now());
      const spec = { ...lease.spec, holderIdentity: '', leaseDurationSeconds: 1, renewTime: time, acquireTime: time };
      await cluster.replace<KubeLease>('Lease', namespace, { ...lease, spec });
      this.observe(spec);
    } catch (error) {
      // The Lease then expires on its own; a standby waits it out.
      if (!ClusterError.is(error)) {
        throw error;
      }
    }
  }

  // The record and when this replica first saw it as it is: expiry counts from there, on this replica's clock.
  private observe(spec: KubeLease['spec']): void {
    this.observedOnce = true;
    const record = JSON.stringify(spec ?? {});
    if (record !== this.observedRecord) {
      this.observedRecord = record;
      this.observedSpec = spec;
      this.observedTime = this.options.clock.now();
    }
    const leader = spec?.holderIdentity ?? '';
    if (leader !== '' && leader !== this.options.identity) {
      this.formerLeaders.add(leader);
    }
    if (leader !== this.reportedLeader) {
      this.reportedLeader = leader;
      this.options.onNewLeader?.(leader);
    }
  }

  private leaseValid(now: number): boolean {
    return this.observedTime + (this.observedSpec?.leaseDurationSeconds ?? 0) * 1000 > now;
  }
}
