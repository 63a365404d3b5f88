// `kubectl-stage controller`: a list+watch of the StatefulSets and DaemonSets that carry the plan annotation, and for
// each one that gets a new update revision (or has a promotion in progress, after a restart), the promotion engine
// `kubectl-stage promote` runs, with the policy and gates its annotations declare. Level-triggered: every decision
// reads the workload as last observed, and the promotion's own state annotation and per-workload Lease make a rerun
// (another replica, a restart) resume where the last one stopped. pause, resume and abort steer it as they steer
// the CLI, through the state annotation.
import { setMaxListeners } from 'node:events';
import { decideWorkload } from './controller-decision';
import { ControllerLog } from './controller-log';
import { ControllerMetrics } from './controller-metrics';
import { RuntimeClock } from '../clock';
import { Cluster, ClusterError, ClusterWatchEvent } from '../cluster/cluster';
import { promoteDaemonSet } from '../daemonset/daemonset-canary';
import { KubeWorkload } from '../kube/kube-types';
import { describeRef, WorkloadKind, WorkloadRef } from '../kube/workload-ref';
import { GateIo } from '../promotion/external-gates';
import { PromotionEvent, PromotionOptions, PromotionOutcome } from '../promotion/promotion-contract';
import { changeOf } from '../promotion/webhook-message';
import { WebhookFetch, WebhookNotifier } from '../promotion/webhook-notifier';
import { EVENT_COMPONENT, WorkloadEventRecorder } from '../promotion/workload-events';
import { decideStageOf } from '../rollout/stage';
import { RuntimeError } from '../runtime-error';
import { promoteStatefulSet } from '../statefulset/partition-promotion';

/** The kinds the controller promotes. */
const KINDS: readonly WorkloadKind[] = ['StatefulSet', 'DaemonSet'];

/** Options of a {@link PromotionController}. */
export interface PromotionControllerOptions {
  /** The cluster (wrap it in a RetryingCluster to ride out throttling and server errors). */
  readonly cluster: Cluster;
  /** The clock of every wait. */
  readonly clock: RuntimeClock;
  /** The namespace watched. @default every namespace */
  readonly namespace?: string;
  /** A label selector the workloads must match, in its string form. @default every workload */
  readonly labelSelector?: string;
  /** Who promotes, written into each workload's Lease and state (`host/pid/scope/nonce`, see lease-holder.ts). */
  readonly holder: string;
  /** Whether a Lease holder is known to be dead before its Lease expires. @default none is */
  readonly holderGone?: (holder: string) => boolean;
  /** How many workloads are promoted at once; the others wait their turn. @default 10 */
  readonly maxConcurrent?: number;
  /** The duration of each workload's Lease, in seconds. @default 30 */
  readonly leaseDurationSeconds?: number;
  /** How long to wait before looking again at a workload whose Lease another promoter holds, or whose run failed. @default 5000 */
  readonly retryDelayMs?: number;
  /** The I/O of the extra gates (http, prom, exec). @default gates that need I/O fail */
  readonly gateIo?: GateIo;
  /** The Prometheus server `prom=` gates query. @default none */
  readonly prometheusUrl?: string;
  /** How long one extra gate may run, in ms. @default 30000 */
  readonly gateTimeoutMs?: number;
  /** Where counts go. @default a registry of its own */
  readonly metrics?: ControllerMetrics;
  /** Where log lines go. @default none */
  readonly log?: ControllerLog;
  /** A chat webhook told of each step failure, rollback and completion (docs/gitops.md). @default none */
  readonly notifyWebhook?: { readonly url: string; readonly fetch: WebhookFetch };
}

interface Observed {
  readonly ref: WorkloadRef;
  workload: KubeWorkload;
}

/** Promotes every annotated workload as it changes. */
export class PromotionController {
  /** What the controller counts. */
  public readonly metrics: ControllerMetrics;
  private readonly observed = new Map<string, Observed>();
  private readonly queue = new Set<string>();
  private readonly running = new Map<string, Promise<void>>();
  private readonly again = new Set<string>();
  private readonly finished = new Map<string, string>();
  private readonly reported = new Map<string, string>();
  /** The refusal last reported per workload, so a retry refused the same way is not reported again. */
  private readonly forbidden = new Map<string, string>();
  private readonly stopping = new AbortController();
  private readonly loops: Promise<void>[] = [];
  private readonly retries = new Set<Promise<void>>();
  private readonly notifier?: WebhookNotifier;
  private listed = 0;

  public constructor(private readonly options: PromotionControllerOptions) {
    this.metrics = options.metrics ?? new ControllerMetrics();
    // Every running promotion and every retry waits on this one signal (each removes its listener when its wait
    // ends), so it holds listeners in proportion to the workloads: past Node's default of 10 it would print a
    // MaxListenersExceededWarning, a line that is not JSON, among the log lines on stderr.
    setMaxListeners(0, this.stopping.signal);
    const webhook = options.notifyWebhook;
    if (webhook) {
      this.notifier = new WebhookNotifier({
        ...webhook,
        clock: options.clock,
        onGiveUp: (failure) => {
          this.metrics.add('staged_rollouts_notifications_failed_total');
          this.log('warning', 'notification failed', { text: failure.message.text, attempts: failure.attempts, error: failure.error });
        },
      });
    }
  }

  /** Whether the first list of every kind is in (the informer cache has synced). */
  public get synced(): boolean {
    return this.listed === KINDS.length;
  }

  /** The workloads being promoted now (`statefulset/kafka` in `namespace/`), sorted. */
  public get promoting(): string[] {
    return [...this.running.keys()].sort();
  }

  /** Lists both kinds, starts watching them and starts promoting; resolves once the first lists are in. */
  public async start(): Promise<void> {
    for (const kind of KINDS) {
      const resourceVersion = await this.list(kind);
      this.listed++;
      this.loops.push(this.watchLoop(kind, resourceVersion));
    }
    this.log('info', 'controller started', { namespace: this.options.namespace ?? '*', selector: this.options.labelSelector ?? '' });
    this.pump();
  }

  /**
   * Stops watching and starting promotions; the running ones stop where they are (their state stays for the next
   * controller to resume, their Leases are released). Resolves when every one has stopped.
   */
  public async stop(): Promise<void> {
    this.stopping.abort();
    await Promise.all([...this.loops, ...this.running.values(), ...this.retries]);
    await this.notifier?.flush();
    this.log('info', 'controller stopped', {});
  }

  private async list(kind: WorkloadKind): Promise<string> {
    const list = await this.options.cluster.list<KubeWorkload>(kind, this.options.namespace, { labelSelector: this.options.labelSelector });
    for (const key of [...this.observed.keys()].filter((k) => this.observed.get(k)!.ref.kind === kind)) {
      this.observed.delete(key);
    }
    list.items.forEach((workload) => this.apply(kind, { type: 'ADDED', object: workload }));
    return list.resourceVersion;
  }

  // Watches from `resourceVersion`, resumes a dropped stream from the last version seen, relists on 410 Gone.
  private async watchLoop(kind: WorkloadKind, resourceVersion: string): Promise<void> {
    const { cluster, clock } = this.options;
    const signal = this.stopping.signal;
    let version = resourceVersion;
    while (!signal.aborted) {
      let events = 0;
      try {
        await cluster.watch<KubeWorkload>(kind, this.options.namespace,
          { labelSelector: this.options.labelSelector, resourceVersion: version, allowBookmarks: true }, (event) => {
            events++;
            version = event.object.metadata.resourceVersion ?? version;
            if (event.type !== 'BOOKMARK') {
              this.apply(kind, event);
            }
          }, signal);
      } catch (error) {
        if (signal.aborted) {
          return;
        }
        if (ClusterError.is(error, 410)) {
          version = await this.list(kind).catch(() => version);
          continue;
        }
        this.log('warning', 'watch failed; watching again', { kind, error: (error as Error).message });
        events = 0;
      }
      if (events === 0 && !signal.aborted) {
        await clock.sleep(1000, signal);
      }
    }
  }

  private apply(kind: WorkloadKind, event: ClusterWatchEvent<KubeWorkload>): void {
    const ref: WorkloadRef = { kind, namespace: event.object.metadata.namespace ?? '', name: event.object.metadata.name ?? '' };
    const key = keyOf(ref);
    if (event.type === 'DELETED') {
      this.observed.delete(key);
      this.finished.delete(key);
      this.reported.delete(key);
      this.forbidden.delete(key);
      return;
    }
    this.observed.set(key, { ref, workload: event.object });
    this.enqueue(key);
  }

  private enqueue(key: string): void {
    if (this.running.has(key)) {
      this.again.add(key);
      return;
    }
    this.queue.add(key);
    this.pump();
  }

  // Starts what the concurrency bound allows, oldest first.
  private pump(): void {
    const limit = this.options.maxConcurrent ?? 10;
    for (const key of [...this.queue]) {
      if (this.stopping.signal.aborted || !this.synced || this.running.size >= limit) {
        return;
      }
      this.queue.delete(key);
      const run = this.reconcile(key).finally(() => {
        this.running.delete(key);
        this.metrics.set('staged_rollouts_promotions_in_progress', this.running.size);
        if (this.again.delete(key)) {
          this.queue.add(key);
        }
        this.pump();
      });
      this.running.set(key, run);
    }
  }

  private async reconcile(key: string): Promise<void> {
    const observed = this.observed.get(key);
    if (!observed) {
      return;
    }
    const { ref, workload } = observed;
    const decision = decideWorkload(ref.kind, workload, { prometheusUrl: this.options.prometheusUrl, finishedRevision: this.finished.get(key) });
    if (decision.type !== 'invalid') {
      this.reported.delete(key);
    }
    if (decision.type === 'ignore') {
      return;
    }
    if (decision.type === 'stage') {
      await this.stage(ref, workload);
      return;
    }
    if (decision.type === 'invalid') {
      // Once per set of problems: status changes and resyncs must not repeat the Event; a new mistake is reported.
      const problems = decision.problems.join('\n');
      if (this.reported.get(key) !== problems) {
        this.reported.set(key, problems);
        this.metrics.add('staged_rollouts_invalid_annotations_total', { kind: ref.kind });
        const message = `not promoted: ${decision.problems.join('; ')}`;
        this.log('error', 'invalid annotations', { workload: keyOf(ref), problems: decision.problems });
        const { cluster, clock, holder } = this.options;
        const recorder = new WorkloadEventRecorder({ cluster, clock, ref, workload: () => workload, instance: holder });
        recorder.note({ type: 'Warning', reason: 'InvalidAnnotations', action: 'Promote', message });
        await recorder.flush();
      }
      return;
    }
    this.metrics.set('staged_rollouts_promotions_in_progress', this.running.size);
    this.log('info', decision.resume ? 'resuming promotion' : 'promoting', { workload: keyOf(ref), revision: decision.revision });
    let outcome: PromotionOutcome;
    try {
      outcome = await this.promote(ref, workload, decision);
    } catch (error) {
      if (this.stopping.signal.aborted) {
        return;
      }
      if (ClusterError.is(error, 403)) {
        await this.reportForbidden(ref, workload, error);
      } else {
        const held = error instanceof RuntimeError && error.kind === 'lock-held';
        this.log(held ? 'info' : 'error', held ? 'waiting for the lease' : 'promotion failed to run', { workload: keyOf(ref), error: (error as Error).message });
      }
      this.retryLater(key);
      return;
    }
    this.forbidden.delete(key);
    if (outcome.phase === 'interrupted') {
      return;
    }
    this.metrics.add('staged_rollouts_promotions_total', { kind: ref.kind, phase: outcome.phase });
    this.finished.set(key, decision.revision);
    this.log(outcome.phase === 'complete' ? 'info' : 'warning', 'promotion finished', { workload: keyOf(ref), phase: outcome.phase, message: outcome.message });
    // Decided again with what the promotion left: a complete or rolled-back workload is staged for its next change.
    this.again.add(key);
  }

  // A request the account's RBAC refuses stops the promotion where it was sent, possibly midway (a rollback that may
  // not read the revision it restores or delete a stuck pod): said once per refusal as a Warning Event on the workload,
  // a metric and a log line, since only a grant (or a person) can finish it. The retry goes on, for the grant may come.
  private async reportForbidden(ref: WorkloadRef, workload: KubeWorkload, error: ClusterError): Promise<void> {
    const key = keyOf(ref);
    this.log('error', 'promotion forbidden', { workload: key, error: error.message });
    if (this.forbidden.get(key) === error.message) {
      return;
    }
    this.forbidden.set(key, error.message);
    this.metrics.add('staged_rollouts_promotions_forbidden_total', { kind: ref.kind });
    const message = `promotion stopped midway, the workload left as the refusal found it: the API server refused a request: ${error.message}; `
      + 'grant it to the controller\'s account (StagedRolloutController: allowRollback for autoRollback, allowOrderedRestart for a restart '
      + 'order, allowPodMetrics for kafka and zookeeper gates), or finish by hand with kubectl-stage undo or abort';
    const { cluster, clock, holder } = this.options;
    const recorder = new WorkloadEventRecorder({ cluster, clock, ref, workload: () => workload, instance: holder });
    recorder.note({ type: 'Warning', reason: 'PromotionForbidden', action: 'Promote', message });
    await recorder.flush();
  }

  private promote(ref: WorkloadRef, workload: KubeWorkload, decision: Extract<ReturnType<typeof decideWorkload>, { type: 'promote' }>): Promise<PromotionOutcome> {
    const o = this.options;
    const steps = new Map<number, number>();
    const notify = this.notifier?.listener({ ref, change: changeOf(workload, decision.revision) });
    const onEvent = (event: PromotionEvent) => {
      this.observe(ref, event, steps);
      notify?.(event);
    };
    const options: PromotionOptions = {
      cluster: o.cluster,
      clock: o.clock,
      workload: ref,
      target: { kind: 'all' },
      soakMs: decision.policy.soakMs,
      timeoutMs: decision.policy.timeoutMs,
      autoRollback: decision.policy.autoRollback,
      approveEach: decision.policy.approveEach,
      gates: decision.gates,
      gateIo: o.gateIo,
      prometheusUrl: o.prometheusUrl,
      gateTimeoutMs: o.gateTimeoutMs,
      holder: o.holder,
      holderGone: o.holderGone,
      leaseDurationSeconds: o.leaseDurationSeconds,
      signal: this.stopping.signal,
      onEvent,
    };
    return ref.kind === 'StatefulSet' ? promoteStatefulSet(options) : promoteDaemonSet(options);
  }

  // Metrics and log lines from the engine's events: step durations (a step ends when the next starts or the
  // promotion finishes), gate results and rollbacks.
  private observe(ref: WorkloadRef, event: PromotionEvent, steps: Map<number, number>): void {
    const endSteps = () => {
      for (const [, startedAt] of steps) {
        this.metrics.observe('staged_rollouts_step_duration_seconds', (event.at - startedAt) / 1000, { kind: ref.kind });
      }
      steps.clear();
    };
    switch (event.type) {
      case 'step-started':
      case 'canary-step-started':
        endSteps();
        steps.set(event.step, event.at);
        break;
      case 'finished':
        endSteps();
        break;
      case 'gate-result':
        this.metrics.add('staged_rollouts_gate_results_total', { gate: event.gate, result: event.passed ? 'passed' : 'failed' });
        break;
      case 'rolling-back':
        this.metrics.add('staged_rollouts_rollbacks_total', { kind: ref.kind });
        break;
      default:
        break;
    }
    const { type, at, ...fields } = event;
    this.log(type === 'failed' ? 'warning' : 'info', type, { workload: keyOf(ref), ...fields });
  }

  // Pins the workload so the next change waits for the controller (kubectl-stage stage's decision), with the version
  // observed as precondition: a conflict means a newer version is on its way through the watch, decided again then.
  private async stage(ref: WorkloadRef, workload: KubeWorkload): Promise<void> {
    try {
      const decision = decideStageOf(ref.kind, workload);
      if (decision.action === 'patch') {
        await this.options.cluster.patch(ref.kind, ref.namespace, ref.name, decision.patch, decision.patchType);
        this.log('info', 'staged', { workload: keyOf(ref), message: decision.message });
      }
    } catch (error) {
      if (ClusterError.is(error, 409) || this.stopping.signal.aborted) {
        return;
      }
      this.log('error', 'could not stage', { workload: keyOf(ref), error: (error as Error).message });
      this.retryLater(keyOf(ref));
    }
  }

  private retryLater(key: string): void {
    const retry = this.options.clock.sleep(this.options.retryDelayMs ?? 5000, this.stopping.signal).then(() => {
      this.retries.delete(retry);
      if (!this.stopping.signal.aborted) {
        this.enqueue(key);
      }
    });
    this.retries.add(retry);
  }

  private log(level: 'info' | 'warning' | 'error', message: string, fields: Record<string, unknown>): void {
    this.options.log?.({ time: new Date(this.options.clock.now()).toISOString(), level, msg: message, component: EVENT_COMPONENT, ...fields });
  }
}

function keyOf(ref: WorkloadRef): string {
  return `${ref.namespace}/${describeRef(ref)}`;
}
