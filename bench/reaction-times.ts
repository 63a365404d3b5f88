// Promotion reaction time (issue 6): from the moment the last pod a step waits for turns Ready to the next
// partition write. The recorder watches the sandbox's store in process, so both sides are timed at the server,
// by the same clock, and neither side's own reporting is trusted.
import { performance } from 'perf_hooks';
import { KubeObject, RESOURCES, SandboxApi } from '../src/sandbox/api';

/** What the recorder saw, in `performance.now()` milliseconds. */
export interface WalkTimeline {
  /** Replicas of the StatefulSet. */
  readonly replicas: number;
  /** Each change of `spec.updateStrategy.rollingUpdate.partition`, in order, with when the store applied it. */
  readonly partitionChanges: ReadonlyArray<{ readonly partition: number; readonly at: number }>;
  /** When each pod (by ordinal) was first seen Ready on the new image. */
  readonly readyAt: ReadonlyMap<number, number>;
}

/**
 * The reaction time of every partition change but the first (which starts the walk): the change's time minus
 * the time the last pod of the previous step (ordinals from the previous partition up) turned Ready.
 *
 * @throws when a change came before every pod of the previous step was Ready: the side did not wait
 */
export function reactionTimes(timeline: WalkTimeline): number[] {
  const reactions: number[] = [];
  const changes = timeline.partitionChanges;
  for (let i = 1; i < changes.length; i++) {
    const gating = Array.from({ length: timeline.replicas - changes[i - 1].partition }, (_, n) => changes[i - 1].partition + n);
    const readyTimes = gating.map((ordinal) => timeline.readyAt.get(ordinal));
    const lastReady = Math.max(...readyTimes.map((t) => t ?? Infinity));
    if (!Number.isFinite(lastReady) || lastReady > changes[i].at) {
      throw new Error(`partition ${changes[i].partition} was written before pods ${gating.join(', ')} were all Ready on the new image`);
    }
    reactions.push(changes[i].at - lastReady);
  }
  return reactions;
}

function ordinalOf(pod: KubeObject): number {
  return Number(/-(\d+)$/.exec(pod.metadata.name ?? '')?.[1] ?? -1);
}

function isReady(pod: KubeObject): boolean {
  return (pod.status?.conditions ?? []).some((c: any) => c.type === 'Ready' && c.status === 'True');
}

/** Records the timeline of StatefulSet `name` (in `default`) as its pods move to `newImage`. */
export class WalkRecorder {
  private readonly partitionChanges: Array<{ partition: number; at: number }> = [];
  private readonly readyAt = new Map<number, number>();
  private readonly stops: Array<() => void>;
  private lastPartition: number | undefined;

  constructor(api: SandboxApi, private readonly name: string, private readonly newImage: string) {
    const set = api.get(RESOURCES.statefulSets, 'default', name);
    if (!set) {
      throw new Error(`statefulsets.apps "${name}" not found in namespace "default"`);
    }
    this.lastPartition = set.spec.updateStrategy?.rollingUpdate?.partition;
    const sets = api.list(RESOURCES.statefulSets, { namespace: 'default' });
    const pods = api.list(RESOURCES.pods, { namespace: 'default' });
    this.stops = [
      api.watch(RESOURCES.statefulSets, { namespace: 'default', resourceVersion: sets.resourceVersion }, (event) => this.onSet(event.object)),
      api.watch(RESOURCES.pods, { namespace: 'default', resourceVersion: pods.resourceVersion }, (event) => this.onPod(event.object)),
    ];
  }

  /** The timeline so far. */
  public timeline(replicas: number): WalkTimeline {
    return { replicas, partitionChanges: [...this.partitionChanges], readyAt: new Map(this.readyAt) };
  }

  /** Stops watching. */
  public stop(): void {
    this.stops.forEach((stop) => stop());
  }

  private onSet(set: KubeObject): void {
    if (set.metadata.name !== this.name) {
      return;
    }
    const partition = set.spec.updateStrategy?.rollingUpdate?.partition;
    if (partition !== this.lastPartition) {
      this.lastPartition = partition;
      this.partitionChanges.push({ partition: partition ?? 0, at: performance.now() });
    }
  }

  private onPod(pod: KubeObject): void {
    const ordinal = ordinalOf(pod);
    if (!pod.metadata.name?.startsWith(`${this.name}-`) || this.readyAt.has(ordinal)) {
      return;
    }
    if (pod.spec?.containers?.[0]?.image === this.newImage && isReady(pod) && !pod.metadata.deletionTimestamp) {
      this.readyAt.set(ordinal, performance.now());
    }
  }
}
