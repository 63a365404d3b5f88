// Kubernetes Events on the promoted workload, so `kubectl describe` and event-based alerting see each step, failure,
// rollback and end of a promotion. Events are best effort, as client-go's recorder makes them: one that cannot be
// written is dropped, never failing the promotion. They are created through the Cluster boundary, so the retrying and
// counting decorators apply to them like to any request.
import { RuntimeClock } from '../clock';
import type { PromotionEvent } from './promotion-contract';
import { formatMicroTime } from './promotion-lock';
import { Cluster, ClusterError } from '../cluster/cluster';
import { KubeEvent, KubeWorkload } from '../kube/kube-types';
import { WorkloadRef } from '../kube/workload-ref';

/** The `reportingComponent` (and `source.component`) of every Event kubectl-stage writes. */
export const EVENT_COMPONENT = 'kubectl-stage';

/** Upstream's limits on an Event's fields (pkg/apis/core/validation/events.go). */
const REPORTING_INSTANCE_LIMIT = 128;
const MESSAGE_LIMIT = 1024;

/** What one Event says: its type, reason, action and message. */
export interface EventNote {
  /** `Normal`, or `Warning` for what an operator should look at. */
  readonly type: 'Normal' | 'Warning';
  /** A CamelCase word, e.g. `PromotionStep`. */
  readonly reason: string;
  /** What kubectl-stage was doing: `Promote`, or `RollBack` (an automatic rollback, `undo`). */
  readonly action: 'Promote' | 'RollBack';
  readonly message: string;
}

/** What a step of an ordered restart does (`restarts` pods, chosen as it runs), for progress lines and Events. */
export function orderedStepText(restarts: number): string {
  return restarts === 0 ? 'staged (OnDelete while promoting, pods restarted in order)'
    : `${restarts} pod${restarts === 1 ? '' : 's'} to the new revision, one at a time in order`;
}

/**
 * The Event a promotion event becomes (pure): a step started, a step failed, a rollback began, the promotion ended.
 * Waits, soaks, gates and conflicts are progress, not news: undefined.
 *
 * @param ref the workload, to name its pods
 */
export function eventNoteFor(event: PromotionEvent, ref: WorkloadRef): EventNote | undefined {
  switch (event.type) {
    case 'step-started':
      return {
        type: 'Normal',
        // Step 0 writes the staged partition: the promotion begins.
        reason: event.step === 0 ? 'PromotionStarted' : 'PromotionStep',
        action: 'Promote',
        message: event.restarts !== undefined ? `step ${event.step}: ${orderedStepText(event.restarts)}` : `step ${event.step}: partition ${event.partition}`
          + (event.ordinals.length > 0 ? `, ${event.ordinals.map((ordinal) => `${ref.name}-${ordinal}`).join(', ')} on the update revision` : ' (staged)'),
      };
    case 'canary-step-started':
      return {
        type: 'Normal',
        reason: 'PromotionStep',
        action: 'Promote',
        message: `step ${event.step}: ${event.nodes.length > 0 ? `node${event.nodes.length === 1 ? '' : 's'} ${event.nodes.join(', ')}` : 'no node'} on the update revision`,
      };
    case 'failed':
      // The engine's failure messages name their step already ("step 1 failed: ...").
      return {
        type: 'Warning',
        reason: 'PromotionStepFailed',
        action: 'Promote',
        message: event.message.startsWith(`step ${event.step} `) ? event.message : `step ${event.step} failed: ${event.message}`,
      };
    case 'rolling-back':
      return { type: 'Warning', reason: 'PromotionRollingBack', action: 'RollBack', message: `restoring revision ${event.revision}` };
    case 'finished':
      switch (event.phase) {
        case 'complete':
          return { type: 'Normal', reason: 'PromotionComplete', action: 'Promote', message: event.message };
        case 'rolled-back':
          return { type: 'Warning', reason: 'PromotionRolledBack', action: 'RollBack', message: event.message };
        case 'aborted':
          return { type: 'Warning', reason: 'PromotionAborted', action: 'Promote', message: event.message };
        default:
          return { type: 'Warning', reason: 'PromotionFailed', action: 'Promote', message: event.message };
      }
    default:
      return undefined;
  }
}

/**
 * The core/v1 Event recording `note` on `workload` at `now` (pure). Named `<workload>.<hex nanoseconds>` as client-go
 * names events; it carries both the legacy fields (`source`, `firstTimestamp`, `count`) older clients show and the
 * `eventTime`, `reportingComponent`, `reportingInstance` and `action` that upstream then requires.
 *
 * @param nanos the name's nanoseconds, unique per recorder
 * @param instance who reports it: the promoter's identity
 */
export function workloadEvent(
  ref: WorkloadRef, workload: KubeWorkload | undefined, note: EventNote, now: number, nanos: bigint, instance: string,
): KubeEvent {
  const time = new Date(now).toISOString().replace(/\.\d{3}Z$/, 'Z');
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: `${ref.name}.${nanos.toString(16)}`, namespace: ref.namespace },
    involvedObject: {
      apiVersion: 'apps/v1',
      kind: ref.kind,
      namespace: ref.namespace,
      name: ref.name,
      uid: workload?.metadata.uid,
      resourceVersion: workload?.metadata.resourceVersion,
    },
    type: note.type,
    reason: note.reason,
    message: note.message.length > MESSAGE_LIMIT ? `${note.message.slice(0, MESSAGE_LIMIT - 3)}...` : note.message,
    action: note.action,
    source: { component: EVENT_COMPONENT },
    reportingComponent: EVENT_COMPONENT,
    reportingInstance: instance.slice(0, REPORTING_INSTANCE_LIMIT),
    eventTime: formatMicroTime(now),
    firstTimestamp: time,
    lastTimestamp: time,
    count: 1,
  };
}

/** Options of a {@link WorkloadEventRecorder}. */
export interface WorkloadEventRecorderOptions {
  /** Where the Events are created. */
  readonly cluster: Cluster;
  /** The clock of their times. */
  readonly clock: RuntimeClock;
  /** The workload they are about. */
  readonly ref: WorkloadRef;
  /** The workload as last observed (its uid and resourceVersion), when known. */
  readonly workload: () => KubeWorkload | undefined;
  /** The promoter's identity (`reportingInstance`). */
  readonly instance: string;
}

/** How many names an Event tries before it is dropped. */
const NAME_ATTEMPTS = 5;

/** Writes a workload's Events one after another in the background; {@link flush} waits for the last. */
export class WorkloadEventRecorder {
  private pending: Promise<void> = Promise.resolve();
  private lastNanos = 0n;

  public constructor(private readonly options: WorkloadEventRecorderOptions) {}

  /** Records the Event `event` becomes, if any; never throws, and a failed write is dropped. */
  public record(event: PromotionEvent): void {
    const note = eventNoteFor(event, this.options.ref);
    if (note) {
      this.note(note);
    }
  }

  /** Records an Event that says `note`; never throws, and a failed write is dropped. */
  public note(note: EventNote): void {
    const { cluster, clock, ref, instance } = this.options;
    const now = clock.now();
    // Several events in one millisecond still get distinct, increasing names.
    const nanos = BigInt(now) * 1_000_000n;
    this.lastNanos = nanos > this.lastNanos ? nanos : this.lastNanos + 1n;
    const workload = this.options.workload();
    // Another recorder (the promotion's, the controller's) may have named an Event of the same nanosecond: a name
    // taken (409) is retried with the next ones, so on a virtual clock, where many Events share a millisecond, none is lost.
    const create = async (attempt: number): Promise<void> => {
      const body = workloadEvent(ref, workload, note, now, this.lastNanos, instance);
      try {
        await cluster.create<KubeEvent>('Event', ref.namespace, body);
      } catch (error) {
        if (ClusterError.is(error, 409) && attempt < NAME_ATTEMPTS) {
          this.lastNanos += 1n;
          await create(attempt + 1);
        }
      }
    };
    this.pending = this.pending.then(() => create(1)).then(() => undefined, () => undefined);
  }

  /** Waits until every recorded Event was written or dropped. */
  public flush(): Promise<void> {
    return this.pending;
  }
}
