// What one promotion run needs whatever the workload kind: the observe -> decide -> act loop, the list+watch observer,
// the Lease, state writes guarded by the resourceVersion, waits on the watch and the clock, extra gates, approvals and
// progress events, and the actions of the shared step walk (promotion/step-walk.ts), performed here once for both
// kinds. The StatefulSet run (statefulset/partition-promotion.ts) and the DaemonSet node canary
// (daemonset/daemonset-canary.ts) each drive one and perform only their own actions.
import { runDataGate } from './data-gates';
import { GateResult, runGate } from './external-gates';
import { isDataGate } from './gate-spec';
import { PromotionEvent, PromotionOptions, PromotionOutcome } from './promotion-contract';
import { PromotionLock } from './promotion-lock';
import { decodePromotionState, encodePromotionState, PromotionState, TERMINAL_PHASES } from './promotion-state';
import { readWorkload } from '../cluster/rollout-snapshot';
import { RuntimeError } from '../runtime-error';
import { BlockingPod } from './step-gate';
import { PromotionFailureKind, StepAction, StepWalkRequest } from './step-walk';
import { WorkloadEventRecorder } from './workload-events';
import { RolloutKeys } from '../../keys';
import { Cluster, ClusterError, PatchType } from '../cluster/cluster';
import { WorkloadObserver } from '../cluster/workload-observer';
import { KubeWorkload } from '../kube/kube-types';
import { describeRef, WorkloadKind } from '../kube/workload-ref';

/** The event a run announces when it starts, once it holds the Lease. */
export type StartedEvent = Extract<PromotionEvent, { readonly type: 'started' }>;

/** How many writes in a row may conflict before a run gives up. */
export const MAX_CONSECUTIVE_CONFLICTS = 10;

/**
 * The pause after the n-th conflict in a row is n - 1 times this (ms): a lone conflict (the controller's status write
 * racing ours) is retried at once, a busy writer gets room.
 */
export const CONFLICT_BACKOFF_MS = 50;

/** The observer, the lock and the shared actions of one promotion run of a workload of type `W`. */
export class PromotionSession<W extends KubeWorkload> {
  /** The cluster, as the run talks to it. */
  public readonly cluster: Cluster;
  /** `statefulset/kafka`, for messages. */
  public readonly where: string;
  /** The workload and its pods, watched. */
  public readonly observer: WorkloadObserver<W>;
  /** The workload's Lease. */
  public readonly lock: PromotionLock;
  // Steps, failures, rollbacks and the end, as Kubernetes Events on the workload.
  private readonly events: WorkloadEventRecorder;
  private lastWaiting = '';
  private approvalAsked = -1;
  private approvedStep = -1;
  // Writes that conflicted in a row (reset by a successful write).
  private conflicts = 0;
  // Whether the last decision saw this promotion in progress.
  private running = false;
  // The `started` event, until the Lease is held.
  private started?: StartedEvent;

  /**
   * @param options the promotion's options
   * @param requests how many API requests the run has made so far
   * @param promoterFields the fields the promoter owns on this kind, as they stand on a workload: when given, every
   *   merge write is a server-side apply of these, its patch and the state (see partition-ownership.ts); a write of
   *   type `apply` states the promoter's fields itself, and a strategic patch is sent as it is
   */
  public constructor(private readonly options: PromotionOptions, private readonly requests: () => number,
    private readonly promoterFields?: (workload: W) => Record<string, unknown>) {
    this.cluster = options.cluster;
    this.where = describeRef(options.workload);
    const { namespace, name, kind } = options.workload;
    this.observer = new WorkloadObserver<W>({ cluster: this.cluster, clock: options.clock, namespace, name, kind });
    this.lock = new PromotionLock({
      cluster: this.cluster,
      clock: options.clock,
      workload: options.workload,
      holder: options.holder,
      leaseDurationSeconds: options.leaseDurationSeconds,
      holderGone: options.holderGone,
      onLost: () => this.observer.notify(),
    });
    this.events = new WorkloadEventRecorder({
      cluster: this.cluster,
      clock: options.clock,
      ref: options.workload,
      workload: () => this.observer.snapshot().workload,
      instance: options.holder,
    });
  }

  /**
   * Reads the workload before anything is written: it must be of the kind this run drives and exist (kubectl's
   * NotFound wording otherwise), extra gates need a GateIo, and its promotion state must decode.
   *
   * @param kind the kind the run drives
   * @param what what the run does, for the wrong-kind message (`partition promotion`, `a node canary`)
   * @throws RuntimeError (`bad-input`)
   */
  public async readWorkload(kind: WorkloadKind, what: string): Promise<{ readonly workload: W; readonly state: PromotionState | undefined }> {
    const { workload: ref } = this.options;
    if (ref.kind !== kind) {
      throw new RuntimeError('bad-input', `${this.where}: ${what} applies to ${kind}s only`);
    }
    const workload = await readWorkload(this.cluster, ref) as W;
    if ((this.options.gates ?? []).length > 0 && !this.options.gateIo) {
      throw new RuntimeError('bad-input', 'extra gates need a GateIo to run them');
    }
    return { workload, state: decodePromotionState(workload.metadata.annotations?.[RolloutKeys.STATE_ANNOTATION], this.where) };
  }

  /** The request fields both kinds take from the options as given (the plan and the target are each kind's own). */
  public requestOptions(): Omit<StepWalkRequest, 'targetStep'> & { readonly holder: string } {
    const options = this.options;
    return {
      where: this.where,
      soakMs: options.soakMs ?? 0,
      timeoutMs: options.timeoutMs,
      gates: (options.gates ?? []).map((gate) => gate.text),
      dataGates: (options.gates ?? []).filter(isDataGate).map((gate) => gate.text),
      approveEach: options.approveEach ?? false,
      autoRollback: options.autoRollback ?? false,
      holder: options.holder,
    };
  }

  /**
   * The `started` event of this run, sent once the Lease is held, so that a promoter refused by another's Lease
   * prints only why it was refused.
   */
  public announce(started: StartedEvent): void {
    this.started = started;
  }

  /**
   * Runs the loop: starts the observer, then decides and performs actions until one gives the outcome or the run must
   * stop; then stops the observer, waits for the Events still being written and releases the Lease, whatever happened.
   *
   * @param decide the kind's decision on what the observer holds now
   * @param act performs one action of the kind (its own, or {@link act} for the shared ones); returns the outcome when
   *   the promotion is over
   */
  public async run<A>(decide: () => Promise<A> | A, act: (action: A) => Promise<PromotionOutcome | undefined>): Promise<PromotionOutcome> {
    try {
      await this.observer.start();
      for (;;) {
        const stop = this.stopReason();
        if (stop) {
          return stop;
        }
        const outcome = await act(await decide());
        if (outcome) {
          return outcome;
        }
      }
    } finally {
      await this.observer.stop();
      await this.events.flush();
      await this.lock.release().catch(() => undefined);
    }
  }

  /**
   * Performs an action of the shared walk on `workload` (as the decision observed it); returns the outcome when the
   * promotion is over.
   */
  public async act(action: StepAction, workload: W | undefined): Promise<PromotionOutcome | undefined> {
    const now = this.options.clock.now();
    switch (action.type) {
      case 'validate-failed':
        throw new RuntimeError('bad-input', action.message);
      case 'acquire':
        await this.lock.acquire();
        if (this.started) {
          this.emit({ ...this.started, at: now });
          this.started = undefined;
        }
        return undefined;
      case 'done':
        this.emit({ type: 'finished', at: now, phase: action.phase, message: action.message });
        return this.outcome(action.phase, action.message, this.state()?.step ?? 0, action.failure);
      case 'wait-gate':
        this.emitWaiting(action.step, action.blocking, action.waitingForController);
        await this.waitForChange(action.until);
        return undefined;
      case 'soak':
        if (!action.state) {
          await this.waitForChange(action.until);
        } else if (await this.write(workload!, action.state)) {
          this.emit({ type: 'soak-started', at: now, step: action.step, until: action.until });
        }
        return undefined;
      case 'run-gates':
        await this.runGates(workload!, action.step, action.gates);
        return undefined;
      case 'await-approval':
        if (!action.state) {
          await this.awaitApproval(workload!, action.step);
        } else if (await this.write(workload!, action.state)) {
          this.emit({ type: 'awaiting-approval', at: now, step: action.step });
        }
        return undefined;
      case 'paused':
        this.emitOnce('paused', { type: 'paused', at: now, step: action.step });
        await this.waitForChange();
        return undefined;
      case 'complete':
        if (await this.write(workload!, action.state)) {
          this.emit({ type: 'finished', at: now, phase: 'complete', message: action.state.message ?? '' });
          return this.outcome('complete', action.state.message ?? '', action.step);
        }
        return undefined;
      case 'fail':
        if (await this.write(workload!, action.state)) {
          this.emit({ type: 'failed', at: now, step: action.state.step, kind: action.kind, message: action.message });
          if (action.state.phase !== 'rolling-back') {
            this.emit({ type: 'finished', at: now, phase: 'failed', message: action.message });
            return this.outcome('failed', action.message, action.state.step, action.kind);
          }
        }
        return undefined;
    }
  }

  /** The promotion state on the observed workload. */
  public state(): PromotionState | undefined {
    const workload = this.observer.snapshot().workload;
    return decodePromotionState(workload?.metadata.annotations?.[RolloutKeys.STATE_ANNOTATION], this.where);
  }

  /**
   * The outcome when the run must stop before deciding again: interrupted by the signal, or ended by someone else
   * (`kubectl-stage abort` without a reachable promoter) after this run saw it in progress; undefined otherwise.
   */
  private stopReason(): PromotionOutcome | undefined {
    const state = this.state();
    if (this.options.signal?.aborted) {
      return this.outcome('interrupted', `stopped at step ${state?.step ?? 0}; run the same command again to resume`, state?.step ?? 0);
    }
    if (this.running && state && TERMINAL_PHASES.includes(state.phase)) {
      return this.outcome(state.phase as PromotionOutcome['phase'], state.message ?? `promotion ${state.phase}`, state.step);
    }
    this.running = state !== undefined && !TERMINAL_PHASES.includes(state.phase);
    return undefined;
  }

  /**
   * Writes the state (and `patch`) as one patch preconditioned on the resourceVersion the decision read. On a conflict
   * the object is read again and false is returned: the caller decides again on fresh data.
   */
  public async write(workload: W, state: PromotionState, patch: Record<string, unknown> = {}, type: PatchType = 'merge'): Promise<boolean> {
    const metadata = (patch.metadata ?? {}) as { annotations?: Record<string, unknown> };
    const body = {
      ...patch,
      metadata: {
        ...metadata,
        resourceVersion: workload.metadata.resourceVersion,
        annotations: { ...metadata.annotations, [RolloutKeys.STATE_ANNOTATION]: encodePromotionState({ ...state, holder: this.options.holder }) },
      },
    };
    const { kind, namespace, name } = this.options.workload;
    if (this.promoterFields && type === 'merge') {
      const applied = withFields(this.promoterFields(workload), body);
      return this.patchFresh(() => this.cluster.patch<W>(kind, namespace, name, applied, 'apply'));
    }
    return this.patchFresh(() => this.cluster.patch<W>(kind, namespace, name, body, type));
  }

  /** Sends a write of the workload and feeds its answer to the observer; on a 409, re-reads it and returns false. */
  private async patchFresh(send: () => Promise<W>): Promise<boolean> {
    try {
      this.observer.observe(await send());
      this.conflicts = 0;
      return true;
    } catch (error) {
      if (!ClusterError.is(error, 409)) {
        throw error;
      }
      this.emit({ type: 'conflict', at: this.options.clock.now(), message: error.message });
      // Another writer that never stops (or a server that answers every write with 409) must not spin the loop forever.
      if (++this.conflicts >= MAX_CONSECUTIVE_CONFLICTS) {
        throw new RuntimeError('api', `${this.where} kept changing under the promotion: ${this.conflicts} writes in a row conflicted `
          + `(last: ${error.message}); run the command again to resume`);
      }
      await this.options.clock.sleep((this.conflicts - 1) * CONFLICT_BACKOFF_MS, this.options.signal);
      const { kind, namespace, name } = this.options.workload;
      const fresh = await this.cluster.get<W>(kind, namespace, name);
      if (fresh) {
        this.observer.observe(fresh);
      }
      return false;
    }
  }

  /**
   * Deletes pods with their uid as precondition, so a pod replaced in the meantime is never deleted by mistake; a pod
   * already gone or already replaced (404, 409) is fine: either way the controller moves on.
   *
   * @returns the pods this call deleted (not those already gone or refused)
   */
  public async deletePods<P extends { readonly name: string; readonly uid?: string }>(pods: readonly P[]): Promise<P[]> {
    const deleted: P[] = [];
    for (const pod of pods) {
      try {
        await this.cluster.delete('Pod', this.options.workload.namespace, pod.name, { preconditions: pod.uid ? { uid: pod.uid } : undefined });
        deleted.push(pod);
      } catch (error) {
        if (!ClusterError.is(error, 404) && !ClusterError.is(error, 409)) {
          throw error;
        }
      }
    }
    return deleted;
  }

  /** Runs the named extra gates for `step` and records their results in the state. */
  private async runGates(workload: W, step: number, texts: readonly string[]): Promise<void> {
    const specs = (this.options.gates ?? []).filter((gate) => texts.includes(gate.text));
    const timeoutMs = this.options.gateTimeoutMs ?? 30_000;
    const io = this.options.gateIo!;
    const results: GateResult[] = await Promise.all(specs.map((spec) => (isDataGate(spec)
      ? runDataGate(spec, {
        cluster: this.cluster,
        namespace: this.options.workload.namespace,
        pods: () => this.observer.snapshot().pods,
        io,
        prometheusUrl: this.options.prometheusUrl,
        timeoutMs,
        signal: this.options.signal,
        onWaiting: (message) => this.emit({ type: 'gate-waiting', at: this.options.clock.now(), step, gate: spec.text, message }),
      })
      : runGate(spec, io, { prometheusUrl: this.options.prometheusUrl, timeoutMs }))));
    const at = new Date(this.options.clock.now()).toISOString();
    const state = this.state()!;
    const records = results.map((result) => ({ step, gate: result.gate, passed: result.passed, message: result.message, at }));
    if (await this.write(workload, { ...state, gates: [...state.gates, ...records] })) {
      results.forEach((result) => this.emit({ type: 'gate-result', at: this.options.clock.now(), step, ...result }));
    }
  }

  /** Waits for `kubectl-stage resume` (seen through the watch) or the approval callback, whichever comes first. */
  private async awaitApproval(workload: W, step: number): Promise<void> {
    const approve = this.options.approve;
    if (approve && this.approvalAsked !== step) {
      this.approvalAsked = step;
      approve(step).then((approved) => {
        this.approvedStep = approved ? step : this.approvedStep;
        this.observer.notify();
      }, () => undefined);
    }
    if (this.approvedStep !== step) {
      await this.waitForChange();
      return;
    }
    const state = this.state()!;
    const record = { step, gate: 'approval', passed: true, message: `approved by ${this.options.holder}`, at: new Date(this.options.clock.now()).toISOString() };
    await this.write(workload, { ...state, gates: [...state.gates, record] });
  }

  /**
   * Resolves on the next change the observer sees, at `until` (a soak end, a minReadySeconds boundary, a deadline), or
   * when the run is interrupted.
   */
  public async waitForChange(until?: number): Promise<void> {
    const stop = new AbortController();
    const onAbort = () => stop.abort();
    this.options.signal?.addEventListener('abort', onAbort, { once: true });
    const waits = [this.observer.nextChange(stop.signal)];
    if (until !== undefined) {
      waits.push(this.options.clock.sleep(Math.max(0, until - this.options.clock.now()), stop.signal));
    }
    try {
      await Promise.race(waits);
    } finally {
      stop.abort();
      this.options.signal?.removeEventListener('abort', onAbort);
    }
  }

  /** Reports a wait, once per distinct wait. */
  private emitWaiting(step: number, blocking: readonly BlockingPod[], waitingForController?: string): void {
    this.emitOnce(JSON.stringify([step, blocking.map((pod) => [pod.pod, pod.reason]), waitingForController]),
      { type: 'waiting', at: this.options.clock.now(), step, blocking, waitingForController });
  }

  /** Waiting events repeat on every change; only a different wait is news. */
  private emitOnce(key: string, event: PromotionEvent): void {
    if (key !== this.lastWaiting) {
      this.lastWaiting = key;
      this.emit(event);
    }
  }

  /** Sends an event to the caller, and records the Kubernetes Event it becomes, if any. */
  public emit(event: PromotionEvent): void {
    if (event.type !== 'waiting' && event.type !== 'paused') {
      this.lastWaiting = '';
    }
    this.events.record(event);
    this.options.onEvent?.(event);
  }

  /** The run's outcome, with the API requests it made. */
  public outcome(phase: PromotionOutcome['phase'], message: string, step: number, failure?: PromotionFailureKind): PromotionOutcome {
    return { phase, message, step, failure, apiRequests: this.requests() };
  }
}

// `over` laid over `base`, objects merged field by field (what a merge patch of `over` does to `base`).
function withFields(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const result: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const inner = result[key];
    result[key] = isPlainObject(value) && isPlainObject(inner) ? withFields(inner, value) : value;
  }
  return result;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
