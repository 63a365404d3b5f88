// core/v1 Events as client-go's record.EventRecorder writes them, so that `kubectl describe` shows
// the controllers', the scheduler's and the kubelet's events. Repeats of the same event (same object,
// type, reason, message and source) are folded into one Event whose count and lastTimestamp grow,
// as client-go's EventCorrelator does.
import { ApiError, RESOURCES } from '../api';
import type { KubeObject, SandboxApi } from '../api';
import type { SandboxClock } from '../clock';
import { rfc3339 } from '../timestamps';

/** Normal or Warning. */
export enum EventType {
  /** Informational. */
  NORMAL = 'Normal',
  /** Something went wrong. */
  WARNING = 'Warning',
}

/** Where an event comes from and what it is about, beyond the involved object. */
export interface EventDetails {
  /**
   * The node name for kubelet events (`source.host`).
   * @default - none
   */
  readonly host?: string;
  /**
   * The part of the object the event is about, e.g. `spec.containers{kafka}`.
   * @default - the whole object
   */
  readonly fieldPath?: string;
}

/**
 * How many correlation keys the broadcaster remembers (client-go's `maxLruCacheEntries`): a repeat of an event older
 * than that many others is written as a new Event rather than counted, and memory stays bounded however long the
 * sandbox runs.
 */
export const CORRELATION_CACHE_ENTRIES = 4096;

/**
 * Writes the events of all components (client-go's EventBroadcaster): it correlates repeats and keeps
 * event names unique across components.
 */
export class EventBroadcaster {
  private readonly recorded = new Map<string, KubeObject>();
  private lastNanos = 0n;

  constructor(public readonly api: SandboxApi, public readonly clock: SandboxClock) {}

  /** The last written Event with this correlation key, if any. */
  public correlated(correlationKey: string): KubeObject | undefined {
    return this.recorded.get(correlationKey);
  }

  /** Remembers the last written Event of a correlation key, forgetting the least recently written past the bound. */
  public remember(correlationKey: string, event: KubeObject): void {
    // A Map iterates in insertion order: re-inserting makes the key the most recent, the first key is the oldest.
    this.recorded.delete(correlationKey);
    this.recorded.set(correlationKey, event);
    if (this.recorded.size > CORRELATION_CACHE_ENTRIES) {
      this.recorded.delete(this.recorded.keys().next().value!);
    }
  }

  /** A recorder whose events carry `component` as their source. */
  public recorderFor(component: string): EventRecorder {
    return new EventRecorder(this, component);
  }

  /**
   * A unique `<hex nanoseconds>` event name suffix. Event names are `<object>.<hex nanoseconds>`
   * upstream; a virtual clock can record many events in the same millisecond, so the nanoseconds are
   * made strictly increasing.
   */
  public uniqueNanos(): bigint {
    const nanos = BigInt(this.clock.now()) * 1_000_000n;
    this.lastNanos = nanos > this.lastNanos ? nanos : this.lastNanos + 1n;
    return this.lastNanos;
  }
}

/** Records events for one component (`statefulset-controller`, `default-scheduler`, `kubelet`, ...). */
export class EventRecorder {
  constructor(private readonly broadcaster: EventBroadcaster, private readonly component: string) {}

  /** Records a Normal event. */
  public normal(involved: KubeObject, reason: string, message: string, details: EventDetails = {}): void {
    this.record(involved, EventType.NORMAL, reason, message, details);
  }

  /** Records a Warning event. */
  public warning(involved: KubeObject, reason: string, message: string, details: EventDetails = {}): void {
    this.record(involved, EventType.WARNING, reason, message, details);
  }

  /** Records an event, or bumps the count of the identical event recorded before. */
  public record(involved: KubeObject, type: EventType, reason: string, message: string, details: EventDetails = {}): void {
    const namespace = involved.metadata.namespace || 'default';
    const now = rfc3339(this.broadcaster.clock.now());
    const correlationKey = [involved.metadata.uid, involved.kind, namespace, involved.metadata.name, details.fieldPath ?? '', type, reason, message, details.host ?? ''].join('\u0000');
    const previous = this.broadcaster.correlated(correlationKey);
    if (previous && this.bump(correlationKey, previous, now)) {
      return;
    }
    const event: KubeObject = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: `${involved.metadata.name}.${this.broadcaster.uniqueNanos().toString(16)}`, namespace },
      involvedObject: {
        apiVersion: involved.apiVersion,
        kind: involved.kind,
        name: involved.metadata.name,
        ...(involved.metadata.namespace ? { namespace: involved.metadata.namespace } : {}),
        uid: involved.metadata.uid,
        resourceVersion: involved.metadata.resourceVersion,
        ...(details.fieldPath ? { fieldPath: details.fieldPath } : {}),
      },
      reason,
      message,
      source: { component: this.component, ...(details.host ? { host: details.host } : {}) },
      firstTimestamp: now,
      lastTimestamp: now,
      count: 1,
      type,
      reportingComponent: this.component,
      reportingInstance: details.host ?? '',
    };
    try {
      this.broadcaster.remember(correlationKey, this.broadcaster.api.create(RESOURCES.events, event));
    } catch (error) {
      // As client-go does, a failed event write is dropped: events are best effort and must never
      // fail the reconcile that emits them (e.g. while the object's namespace is being deleted).
      if (!(error instanceof ApiError)) {
        throw error;
      }
    }
  }

  private bump(correlationKey: string, previous: KubeObject, now: string): boolean {
    try {
      const updated = this.broadcaster.api.update(RESOURCES.events, { ...previous, count: (previous.count ?? 1) + 1, lastTimestamp: now });
      this.broadcaster.remember(correlationKey, updated);
      return true;
    } catch (error) {
      if (!(error instanceof ApiError)) {
        throw error;
      }
      return false;
    }
  }
}
