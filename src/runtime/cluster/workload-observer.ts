// The engine's eyes: a list+watch cache of one workload (a StatefulSet, or a DaemonSet for a node canary) and its pods,
// like a client-go informer reduced to what a promotion needs. The engine awaits `nextChange()` instead of polling, so it reacts within one watch round trip.
import { RuntimeClock } from '../clock';
import { Cluster, ClusterError, ClusterKind, ClusterWatchEvent, ListSelector } from './cluster';
import { labelSelectorToString } from '../../internal/label-selector';
import { KubeObjectMeta, KubePod, KubeStatefulSet, KubeWorkload } from '../kube/kube-types';
import { WorkloadKind } from '../kube/workload-ref';

/** What the observer has seen. */
export interface WorkloadSnapshot<W extends KubeWorkload = KubeStatefulSet> {
  /** The workload, or undefined when it does not exist. */
  readonly workload: W | undefined;
  /** Its pods, by the workload's selector, sorted by name. */
  readonly pods: readonly KubePod[];
}

/** Options of a {@link WorkloadObserver}. */
export interface WorkloadObserverOptions {
  /** What is listed and watched. */
  readonly cluster: Cluster;
  /** The clock of the pause before a watch is reopened. */
  readonly clock: RuntimeClock;
  /** The workload's namespace. */
  readonly namespace: string;
  /** The workload's kind. @default 'StatefulSet' */
  readonly kind?: WorkloadKind;
  /** The workload's name. */
  readonly name: string;
  /** The pause before re-opening a watch that failed or ended without events. @default 1000 */
  readonly rewatchDelayMs?: number;
}

interface Named {
  readonly metadata: KubeObjectMeta;
}

/**
 * Whether `candidate` is a later version of an object than `known`. resourceVersions are opaque to clients, but
 * every API server in practice issues increasing integers; when either is not one, a different version counts as
 * newer (the watch delivers changes in order, so the next event corrects any mistake).
 */
export function isNewerVersion(candidate: Named, known: Named | undefined): boolean {
  const a = candidate.metadata.resourceVersion;
  const b = known?.metadata.resourceVersion;
  if (!known || a === undefined || b === undefined) {
    return true;
  }
  return /^\d+$/.test(a) && /^\d+$/.test(b) ? BigInt(a) > BigInt(b) : a !== b;
}

/** A list+watch cache of a workload and its pods. */
export class WorkloadObserver<W extends KubeWorkload = KubeStatefulSet> {
  private workload: W | undefined;
  private readonly pods = new Map<string, KubePod>();
  private waiters: (() => void)[] = [];
  private readonly stopping = new AbortController();
  private readonly loops: Promise<void>[] = [];
  private podSelector?: ListSelector;

  public constructor(private readonly options: WorkloadObserverOptions) {}

  /** Lists the workload and its pods and starts watching both. */
  public async start(): Promise<void> {
    const workloadRv = await this.listWorkload();
    this.loops.push(this.watchLoop<W>(this.kind, { fieldSelector: `metadata.name=${this.options.name}` }, workloadRv,
      (event) => this.applyWorkload(event), () => this.listWorkload()));
    await this.startPods();
  }

  /** The current view. */
  public snapshot(): WorkloadSnapshot<W> {
    return { workload: this.workload, pods: [...this.pods.values()].sort((a, b) => (a.metadata.name ?? '').localeCompare(b.metadata.name ?? '')) };
  }

  /** Feeds the answer of our own write, so the next decision does not wait for the watch to echo it. */
  public observe(workload: W): void {
    if (isNewerVersion(workload, this.workload)) {
      this.workload = workload;
      this.notify();
    }
  }

  /** Resolves at the next change of the workload or its pods, or when `signal` aborts. */
  public nextChange(signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal?.aborted) {
        resolve();
        return;
      }
      const done = () => {
        signal?.removeEventListener('abort', done);
        resolve();
      };
      this.waiters.push(done);
      signal?.addEventListener('abort', done, { once: true });
    });
  }

  /** Wakes every `nextChange` waiter, for changes the watches cannot see (the lock, an approval callback). */
  public notify(): void {
    const waiters = this.waiters;
    this.waiters = [];
    waiters.forEach((wake) => wake());
  }

  /** Stops the watches. */
  public async stop(): Promise<void> {
    this.stopping.abort();
    this.notify();
    await Promise.all(this.loops);
  }

  private async startPods(): Promise<void> {
    if (this.podSelector || !this.workload) {
      return;
    }
    this.podSelector = { labelSelector: labelSelectorToString(this.workload.spec.selector) };
    const podRv = await this.listPods();
    this.loops.push(this.watchLoop('Pod', this.podSelector, podRv, (event) => this.applyPod(event), () => this.listPods()));
  }

  private get kind(): WorkloadKind {
    return this.options.kind ?? 'StatefulSet';
  }

  private async listWorkload(): Promise<string> {
    const list = await this.options.cluster.list<W>(this.kind, this.options.namespace,
      { fieldSelector: `metadata.name=${this.options.name}` });
    this.workload = list.items[0];
    this.notify();
    return list.resourceVersion;
  }

  private async listPods(): Promise<string> {
    const list = await this.options.cluster.list<KubePod>('Pod', this.options.namespace, this.podSelector);
    this.pods.clear();
    list.items.forEach((pod) => this.pods.set(pod.metadata.name ?? '', pod));
    this.notify();
    return list.resourceVersion;
  }

  private applyWorkload(event: ClusterWatchEvent<W>): void {
    if (event.type === 'DELETED') {
      this.workload = undefined;
    } else if (isNewerVersion(event.object, this.workload)) {
      this.workload = event.object;
    }
    this.notify();
    // A workload created after we started: now its pods can be selected.
    void this.startPods().catch(() => undefined);
  }

  private applyPod(event: ClusterWatchEvent<KubePod>): void {
    const name = event.object.metadata.name ?? '';
    if (event.type === 'DELETED') {
      this.pods.delete(name);
    } else {
      this.pods.set(name, event.object);
    }
    this.notify();
  }

  // Watches from `rv`, resumes a dropped stream from the last resourceVersion seen (bookmarks included), and relists
  // when the server answers 410 Gone because that version is too old.
  private async watchLoop<T extends Named>(kind: ClusterKind, selector: ListSelector, rv: string,
    apply: (event: ClusterWatchEvent<T>) => void, relist: () => Promise<string>): Promise<void> {
    const { cluster, clock, namespace } = this.options;
    const signal = this.stopping.signal;
    let resourceVersion = rv;
    while (!signal.aborted) {
      let events = 0;
      try {
        await cluster.watch<T>(kind, namespace, { ...selector, resourceVersion, allowBookmarks: true }, (event) => {
          events++;
          resourceVersion = event.object.metadata.resourceVersion ?? resourceVersion;
          if (event.type !== 'BOOKMARK') {
            apply(event);
          }
        }, signal);
      } catch (error) {
        if (signal.aborted) {
          return;
        }
        if (ClusterError.is(error, 410)) {
          resourceVersion = await this.relistUntilDone(relist);
          continue;
        }
        events = 0;
      }
      if (events === 0 && !signal.aborted) {
        await clock.sleep(this.options.rewatchDelayMs ?? 1000, signal);
      }
    }
  }

  private async relistUntilDone(relist: () => Promise<string>): Promise<string> {
    for (;;) {
      try {
        return await relist();
      } catch {
        if (this.stopping.signal.aborted) {
          return '';
        }
        await this.options.clock.sleep(this.options.rewatchDelayMs ?? 1000, this.stopping.signal);
      }
    }
  }
}
