// The default scheduler, reduced to what a rehearsal needs: every pending pod of `default-scheduler`
// goes through the filter plugins against every node; a feasible node with the most free resources
// (LeastAllocated) is bound, otherwise the pod gets PodScheduled=False/Unschedulable and a
// FailedScheduling event, and waits until the cluster changes (a pod goes away, a node appears or
// changes) or for the upstream 5-minute retry.
import type { KubeObject, SandboxApi } from '../../api';
import { RESOURCES } from '../../api';
import type { SandboxClock } from '../../clock';
import { rfc3339 } from '../../timestamps';
import type { EventRecorder } from '../event-recorder';
import type { CacheEvent, CacheSet, ObjectCache } from '../object-cache';
import { keyOf, splitKey } from '../owner-references';
import { isPodTerminal } from '../pod-status';
import { WorkQueue } from '../work-queue';
import { AntiAffinityPod, ClusterSnapshot, DEFAULT_FILTERS, requiredTerms, runFilters } from './filters';
import { fitErrorMessage, preemptionMessage } from './fit-error';
import { allocatable, buildNodeInfo, NodeInfo, specRequests } from './node-info';

/** The scheduler name pods ask for by default. */
export const DEFAULT_SCHEDULER_NAME = 'default-scheduler';

/** Index of pods by the node they are assigned to. */
export const POD_NODE_INDEX = 'node';

// Upstream moves pods that stayed unschedulable this long back to the active queue.
const UNSCHEDULABLE_RETRY_MS = 5 * 60_000;

/** What the scheduler needs from its host. */
export interface SchedulerOptions {
  /** The API to write through. */
  readonly api: SandboxApi;
  /** The clock for the queue and timestamps. */
  readonly clock: SandboxClock;
  /** The shared caches. */
  readonly caches: CacheSet;
  /** The recorder for `default-scheduler` events. */
  readonly recorder: EventRecorder;
  /** Decides whether a failed attempt is retried. */
  readonly isRetryable: (error: unknown) => boolean;
  /** Binds a pod to a node through the API (the pods/binding subresource). */
  readonly bind: (pod: KubeObject, nodeName: string) => void;
}

/** Assigns pending pods to nodes. */
export class Scheduler {
  private readonly pods: ObjectCache;
  private readonly nodes: ObjectCache;
  private readonly queue: WorkQueue;
  private readonly unschedulable = new Set<string>();
  private readonly nodeInfos = new Map<string, NodeInfo>();
  private readonly antiAffinityPods = new Map<string, KubeObject>();

  constructor(private readonly options: SchedulerOptions) {
    this.pods = options.caches.of(RESOURCES.pods);
    this.nodes = options.caches.of(RESOURCES.nodes);
    this.pods.addIndex(POD_NODE_INDEX, (pod) => (pod.spec?.nodeName ? [pod.spec.nodeName] : []));
    this.queue = new WorkQueue({ clock: options.clock, reconcile: (key) => this.schedule(key), isRetryable: options.isRetryable });
    this.pods.addListener((event) => this.onPodEvent(event));
    this.nodes.addListener((event) => this.onNodeEvent(event));
  }

  /** Stops scheduling. */
  public stop(): void {
    this.queue.stop();
  }

  private onPodEvent(event: CacheEvent): void {
    const pod = event.object;
    const key = keyOf(pod);
    const node = pod.spec?.nodeName;
    const previousNode = event.previous?.spec?.nodeName;
    if (changesNodeInfo(event)) {
      for (const name of new Set([node, previousNode])) {
        if (name) {
          this.nodeInfos.delete(name);
        }
      }
    }
    if (node && event.type !== 'DELETED' && requiredTerms(pod, 'podAntiAffinity').length > 0) {
      this.antiAffinityPods.set(key, pod);
    } else {
      this.antiAffinityPods.delete(key);
    }
    if (!node) {
      // Only a new pod or a change of what it asks for is worth another attempt: the scheduler's own
      // status writes must not loop back into scheduling.
      if (event.type === 'ADDED' || (event.type === 'MODIFIED' && schedulingInputChanged(event.previous, pod))) {
        this.queue.add(key);
      } else if (event.type === 'DELETED') {
        this.unschedulable.delete(key);
      }
      return;
    }
    const freed = event.type === 'DELETED'
      || (isPodTerminal(pod) && !(event.previous && isPodTerminal(event.previous)))
      || (pod.metadata.labels !== event.previous?.metadata.labels
        && JSON.stringify(pod.metadata.labels ?? {}) !== JSON.stringify(event.previous?.metadata.labels ?? {}));
    if (freed) {
      this.retryUnschedulable();
    }
  }

  private onNodeEvent(event: CacheEvent): void {
    this.nodeInfos.delete(event.object.metadata.name!);
    if (event.type !== 'DELETED') {
      this.retryUnschedulable();
    }
  }

  private retryUnschedulable(): void {
    for (const key of this.unschedulable) {
      this.queue.add(key);
    }
  }

  private schedule(key: string): void {
    const { namespace, name } = splitKey(key);
    const pod = this.pods.get(namespace, name);
    if (!pod || pod.spec?.nodeName || pod.metadata.deletionTimestamp || isPodTerminal(pod)
      || (pod.spec?.schedulerName ?? DEFAULT_SCHEDULER_NAME) !== DEFAULT_SCHEDULER_NAME) {
      this.unschedulable.delete(key);
      return;
    }
    const snapshot = this.snapshot();
    const reasonsByNode = new Map<string, readonly string[]>();
    const unresolvableByNode = new Map<string, boolean>();
    const feasible: NodeInfo[] = [];
    for (const info of snapshot.nodes) {
      const status = runFilters(DEFAULT_FILTERS, pod, info, snapshot);
      if (status.reasons.length === 0) {
        feasible.push(info);
      } else {
        reasonsByNode.set(info.node.metadata.name!, status.reasons);
        unresolvableByNode.set(info.node.metadata.name!, status.unresolvable);
      }
    }
    if (feasible.length === 0) {
      const postFilter = snapshot.nodes.length > 0 ? preemptionMessage(pod, unresolvableByNode) : undefined;
      this.markUnschedulable(key, pod, fitErrorMessage(reasonsByNode, postFilter));
      return;
    }
    const chosen = bestNode(pod, feasible);
    const nodeName = chosen.node.metadata.name!;
    this.options.bind(pod, nodeName);
    this.unschedulable.delete(key);
    this.options.recorder.normal(pod, 'Scheduled', `Successfully assigned ${pod.metadata.namespace}/${pod.metadata.name} to ${nodeName}`);
  }

  private markUnschedulable(key: string, pod: KubeObject, message: string): void {
    this.unschedulable.add(key);
    this.options.recorder.warning(pod, 'FailedScheduling', message);
    const conditions: any[] = pod.status?.conditions ?? [];
    const existing = conditions.find((condition) => condition.type === 'PodScheduled');
    if (existing?.status !== 'False' || existing.reason !== 'Unschedulable' || existing.message !== message) {
      const condition = {
        type: 'PodScheduled',
        status: 'False',
        lastProbeTime: null,
        lastTransitionTime: existing?.status === 'False' ? existing.lastTransitionTime : rfc3339(this.options.clock.now()),
        reason: 'Unschedulable',
        message,
      };
      this.options.api.updateStatus(RESOURCES.pods, {
        ...pod,
        status: { ...(pod.status ?? {}), conditions: [...conditions.filter((c) => c.type !== 'PodScheduled'), condition] },
      });
    }
    this.queue.addAfter(key, UNSCHEDULABLE_RETRY_MS);
  }

  private snapshot(): ClusterSnapshot {
    const nodes: NodeInfo[] = [];
    for (const node of this.nodes.all()) {
      let info = this.nodeInfos.get(node.metadata.name!);
      if (!info) {
        info = buildNodeInfo(node, this.pods.byIndex(POD_NODE_INDEX, node.metadata.name!).values());
        this.nodeInfos.set(node.metadata.name!, info);
      }
      nodes.push(info);
    }
    nodes.sort((a, b) => a.node.metadata.name!.localeCompare(b.node.metadata.name!));
    const antiAffinityPods: AntiAffinityPod[] = [];
    for (const pod of this.antiAffinityPods.values()) {
      const node = this.nodes.get(undefined, pod.spec.nodeName);
      if (node && !isPodTerminal(pod)) {
        antiAffinityPods.push({ pod, node });
      }
    }
    return { nodes, antiAffinityPods };
  }
}

// LeastAllocated scoring on the non-zero requests, ties broken by fewer pods, then by name.
function bestNode(pod: KubeObject, feasible: readonly NodeInfo[]): NodeInfo {
  const request = specRequests(pod).nonZero;
  const score = (info: NodeInfo) => {
    const capacity = allocatable(info.node);
    const free = (total: number, used: number) => (total > 0 ? Math.max(0, total - used) / total : 0);
    const cpuScore = free(capacity.milliCpu, info.nonZeroRequested.milliCpu + request.milliCpu);
    const memoryScore = free(capacity.memory, info.nonZeroRequested.memory + request.memory);
    return (cpuScore + memoryScore) / 2;
  };
  let best = feasible[0];
  let bestScore = score(best);
  for (const candidate of feasible.slice(1)) {
    const candidateScore = score(candidate);
    if (candidateScore > bestScore || (candidateScore === bestScore && candidate.pods.length < best.pods.length)) {
      best = candidate;
      bestScore = candidateScore;
    }
  }
  return best;
}

function schedulingInputChanged(previous: KubeObject | undefined, current: KubeObject): boolean {
  return !previous
    || JSON.stringify(previous.spec ?? {}) !== JSON.stringify(current.spec ?? {})
    || JSON.stringify(previous.metadata.labels ?? {}) !== JSON.stringify(current.metadata.labels ?? {});
}

// A node's info holds its pods' specs (requests, ports, affinity), labels and deletion marks, and leaves out terminal
// pods: a write that changes none of these, such as the kubelet's status writes, leaves the info as it was. Committed
// objects share the parts a write did not change, so identity tells.
function changesNodeInfo(event: CacheEvent): boolean {
  const previous = event.previous;
  const pod = event.object;
  return event.type !== 'MODIFIED' || previous === undefined
    || previous.spec !== pod.spec
    || previous.metadata.labels !== pod.metadata.labels
    || previous.metadata.deletionTimestamp !== pod.metadata.deletionTimestamp
    || isPodTerminal(previous) !== isPodTerminal(pod);
}
