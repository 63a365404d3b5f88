// Promotion reaction time (issue 6): from the moment the last pod a step waits for turns Ready to the next
// partition write. The recorder watches the sandbox's store in process (or, on a real API server, its watches), so
// both sides are timed by the same observer and clock, and neither side's own reporting is trusted.
import { performance } from 'perf_hooks';
import { Cluster } from '../src/runtime/cluster/cluster';
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

/**
 * Records the timeline of StatefulSet `name` (in `default`) as its pods move to `newImage`, from the objects it is
 * fed: {@link recordSandboxWalk} feeds it from the sandbox's store, {@link recordClusterWalk} from API watches.
 */
export class WalkRecorder {
  private readonly partitionChanges: Array<{ partition: number; at: number }> = [];
  private readonly readyAt = new Map<number, number>();

  /** @param lastPartition the StatefulSet's partition when recording starts */
  constructor(private readonly name: string, private readonly newImage: string, private lastPartition: number | undefined) {}

  /** The timeline so far. */
  public timeline(replicas: number): WalkTimeline {
    return { replicas, partitionChanges: [...this.partitionChanges], readyAt: new Map(this.readyAt) };
  }

  /** Takes note of a StatefulSet as it is now. */
  public observeSet(set: KubeObject): void {
    if (set.metadata.name !== this.name) {
      return;
    }
    const partition = set.spec.updateStrategy?.rollingUpdate?.partition;
    if (partition !== this.lastPartition) {
      this.lastPartition = partition;
      this.partitionChanges.push({ partition: partition ?? 0, at: performance.now() });
    }
  }

  /** Takes note of a pod as it is now. */
  public observePod(pod: KubeObject): void {
    const ordinal = ordinalOf(pod);
    if (!pod.metadata.name?.startsWith(`${this.name}-`) || this.readyAt.has(ordinal)) {
      return;
    }
    if (pod.spec?.containers?.[0]?.image === this.newImage && isReady(pod) && !pod.metadata.deletionTimestamp) {
      this.readyAt.set(ordinal, performance.now());
    }
  }
}

/** A recorder being fed, and how to stop feeding it. */
export interface WalkRecording {
  /** The recorder. */
  readonly recorder: WalkRecorder;
  /** Stops watching. */
  stop(): void;
}

function currentPartition(set: KubeObject | undefined, name: string): number | undefined {
  if (!set) {
    throw new Error(`statefulsets.apps "${name}" not found in namespace "default"`);
  }
  return set.spec.updateStrategy?.rollingUpdate?.partition;
}

/** Records StatefulSet `name`'s walk by watching the sandbox's store in process: times are the store's own. */
export function recordSandboxWalk(api: SandboxApi, name: string, newImage: string): WalkRecording {
  const recorder = new WalkRecorder(name, newImage, currentPartition(api.get(RESOURCES.statefulSets, 'default', name), name));
  const sets = api.list(RESOURCES.statefulSets, { namespace: 'default' });
  const pods = api.list(RESOURCES.pods, { namespace: 'default' });
  const stops = [
    api.watch(RESOURCES.statefulSets, { namespace: 'default', resourceVersion: sets.resourceVersion }, (event) => recorder.observeSet(event.object)),
    api.watch(RESOURCES.pods, { namespace: 'default', resourceVersion: pods.resourceVersion }, (event) => recorder.observePod(event.object)),
  ];
  return { recorder, stop: () => stops.forEach((stop) => stop()) };
}

/**
 * Records StatefulSet `name`'s walk through two API watches (a real API server): times are when the events reach
 * this process, so both ends of a reaction carry the same delivery delay.
 */
export async function recordClusterWalk(cluster: Cluster, name: string, newImage: string): Promise<WalkRecording> {
  const recorder = new WalkRecorder(name, newImage, currentPartition(await cluster.get<KubeObject>('StatefulSet', 'default', name), name));
  const abort = new AbortController();
  for (const [kind, observe] of [['StatefulSet', (o: KubeObject) => recorder.observeSet(o)], ['Pod', (o: KubeObject) => recorder.observePod(o)]] as const) {
    const list = await cluster.list<KubeObject>(kind, 'default');
    list.items.forEach(observe);
    cluster.watch<KubeObject>(kind, 'default', { resourceVersion: list.resourceVersion }, (event) => observe(event.object), abort.signal)
      .catch((error) => process.stderr.write(`recordClusterWalk: the ${kind} watch failed: ${error.message}\n`));
  }
  return { recorder, stop: () => abort.abort() };
}
