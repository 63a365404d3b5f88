// The DaemonSet controller (daemon_controller.go, update.go): one pod per eligible node, a rolling
// update bounded by maxUnavailable/maxSurge or OnDelete, revision history, and the status kubectl reads.
// Node changes (a node added, labelled or tainted) trigger a sync of every DaemonSet.
import { labelSelectorMatches } from '../../../internal/label-selector';
import { POD_REVISION_LABEL, POD_TEMPLATE_GENERATION_LABEL } from '../../../internal/well-known-labels';
import { ApiError, RESOURCES } from '../../api';
import type { KubeObject, SandboxApi } from '../../api';
import type { SandboxClock } from '../../clock';
import type { EventRecorder } from '../event-recorder';
import type { CacheEvent, CacheSet, ObjectCache } from '../object-cache';
import { addOwnerIndexes, CONTROLLER_INDEX, ORPHAN_INDEX } from '../owner-indexes';
import { controllerRefOf, keyOf, newControllerRef, splitKey } from '../owner-references';
import { isPodAvailable, isPodReady, isPodTerminal, msUntilNextAvailable } from '../pod-status';
import { WorkQueue } from '../work-queue';
import { DaemonSetHistory } from './daemonset-history';
import { nodeShouldRunDaemonPod, pinnedToNode, targetNodeName, withDaemonPodTolerations } from './daemonset-placement';
import { allowsSurge, compareByCreationAndPhase, surgeCount, templateGeneration, unavailableCount } from './daemonset-pods';
import { planRollingUpdate } from './daemonset-rolling-update';
import { countDaemonSet, DaemonSetCounts } from './daemonset-status';

/** The most pods one sync creates or deletes (`BurstReplicas`). */
const BURST_REPLICAS = 250;

// Deleting failed daemon pods backs off per node, from 1 s to 15 min, as upstream's failedPodsBackoff.
const FAILED_POD_BACKOFF_INITIAL_MS = 1_000;
const FAILED_POD_BACKOFF_MAX_MS = 15 * 60_000;

/** What the DaemonSet controller needs from its host. */
export interface DaemonSetControllerOptions {
  /** The API to write through. */
  readonly api: SandboxApi;
  /** The clock that runs the work queue and measures minReadySeconds. */
  readonly clock: SandboxClock;
  /** The shared caches. */
  readonly caches: CacheSet;
  /** The recorder for `daemonset-controller` events. */
  readonly recorder: EventRecorder;
  /** Decides whether a failed sync is retried. */
  readonly isRetryable: (error: unknown) => boolean;
}

interface FailedPodBackoff {
  readonly delayMs: number;
  readonly until: number;
}

/** Reconciles DaemonSets. */
export class DaemonSetController {
  private readonly daemonSets: ObjectCache;
  private readonly pods: ObjectCache;
  private readonly nodes: ObjectCache;
  private readonly history: DaemonSetHistory;
  private readonly queue: WorkQueue;
  private readonly failedPodBackoff = new Map<string, FailedPodBackoff>();

  constructor(private readonly options: DaemonSetControllerOptions) {
    const { api, caches } = options;
    this.daemonSets = caches.of(RESOURCES.daemonSets);
    this.pods = caches.of(RESOURCES.pods);
    this.nodes = caches.of(RESOURCES.nodes);
    const revisions = caches.of(RESOURCES.controllerRevisions);
    addOwnerIndexes(this.pods);
    addOwnerIndexes(revisions);
    this.history = new DaemonSetHistory(api, revisions, this.pods);
    this.queue = new WorkQueue({ clock: options.clock, reconcile: (key) => this.sync(key), isRetryable: options.isRetryable });
    this.daemonSets.addListener((event) => this.queue.add(keyOf(event.object)));
    this.pods.addListener((event) => this.onPodEvent(event));
    this.nodes.addListener((event) => this.onNodeEvent(event));
  }

  /** Stops processing. */
  public stop(): void {
    this.queue.stop();
  }

  private onPodEvent(event: CacheEvent): void {
    const ref = controllerRefOf(event.object);
    if (ref) {
      if (ref.kind === 'DaemonSet') {
        const ds = this.daemonSets.get(event.object.metadata.namespace, ref.name);
        if (ds && ds.metadata.uid === ref.uid) {
          this.queue.add(keyOf(ds));
        }
      }
      return;
    }
    if (event.type === 'DELETED') {
      return;
    }
    for (const ds of this.daemonSets.all()) {
      if (ds.metadata.namespace === event.object.metadata.namespace && labelSelectorMatches(ds.spec?.selector, event.object.metadata.labels)) {
        this.queue.add(keyOf(ds));
      }
    }
  }

  private onNodeEvent(event: CacheEvent): void {
    if (event.type === 'MODIFIED' && event.previous && !nodeSchedulingChanged(event.previous, event.object)) {
      return;
    }
    for (const ds of this.daemonSets.all()) {
      this.queue.add(keyOf(ds));
    }
  }

  private sync(key: string): void {
    const { namespace, name } = splitKey(key);
    const ds = this.daemonSets.get(namespace, name);
    if (!ds || ds.metadata.deletionTimestamp) {
      return;
    }
    const nodes = [...this.nodes.all()].sort((a, b) => a.metadata.name!.localeCompare(b.metadata.name!));
    const { current, old } = this.history.construct(ds);
    const hash = current.metadata.labels?.[POD_REVISION_LABEL] ?? '';
    this.manage(ds, nodes, hash);
    if (ds.spec?.updateStrategy?.type === 'RollingUpdate') {
      this.rollingUpdate(ds, nodes, hash);
    }
    this.history.cleanup(ds, old);
    this.writeStatus(ds, nodes, hash);
    // Availability changes with time alone, so look again when the next Ready pod becomes available.
    const pods = this.pods.byIndex(CONTROLLER_INDEX, ds.metadata.uid ?? '').values();
    const wait = msUntilNextAvailable(pods, ds.spec?.minReadySeconds ?? 0, this.options.clock.now());
    if (wait !== undefined) {
      this.queue.addAfter(key, wait);
    }
  }

  // `manage`: create a pod on every node that should run one and has none; delete failed, excess
  // and misplaced pods.
  private manage(ds: KubeObject, nodes: readonly KubeObject[], hash: string): void {
    const nodeToDaemonPods = this.nodeToDaemonPods(ds);
    const nodesNeedingPods: string[] = [];
    const podsToDelete: string[] = [];
    for (const node of nodes) {
      this.podsShouldBeOnNode(ds, node, nodeToDaemonPods, hash, nodesNeedingPods, podsToDelete);
    }
    // Unscheduled pods for nodes that no longer exist would never be scheduled nor cleaned up.
    const nodeNames = new Set(nodes.map((node) => node.metadata.name));
    for (const [nodeName, pods] of nodeToDaemonPods) {
      if (!nodeNames.has(nodeName)) {
        podsToDelete.push(...pods.filter((pod) => !pod.spec?.nodeName).map((pod) => pod.metadata.name!));
      }
    }
    this.syncNodes(ds, podsToDelete, nodesNeedingPods, hash);
  }

  private podsShouldBeOnNode(
    ds: KubeObject, node: KubeObject, nodeToDaemonPods: ReadonlyMap<string, KubeObject[]>, hash: string,
    nodesNeedingPods: string[], podsToDelete: string[],
  ): void {
    const nodeName = node.metadata.name!;
    const { shouldRun, shouldContinueRunning } = nodeShouldRunDaemonPod(node, ds);
    const daemonPods = nodeToDaemonPods.get(nodeName);
    if (shouldRun && !daemonPods) {
      nodesNeedingPods.push(nodeName);
      return;
    }
    if (!daemonPods) {
      return;
    }
    if (!shouldContinueRunning) {
      podsToDelete.push(...daemonPods.filter((pod) => !pod.metadata.deletionTimestamp).map((pod) => pod.metadata.name!));
      return;
    }
    const running: KubeObject[] = [];
    for (const pod of daemonPods) {
      if (pod.metadata.deletionTimestamp) {
        continue;
      }
      if (pod.status?.phase === 'Failed') {
        if (this.failedPodInBackoff(ds, nodeName)) {
          continue;
        }
        this.options.recorder.warning(ds, 'FailedDaemonPod', `Found failed daemon pod ${pod.metadata.namespace}/${pod.metadata.name} on node ${nodeName}, will try to kill it`);
        podsToDelete.push(pod.metadata.name!);
      } else if (pod.status?.phase === 'Succeeded') {
        this.options.recorder.normal(ds, 'SucceededDaemonPod', `Found succeeded daemon pod ${pod.metadata.namespace}/${pod.metadata.name} on node ${nodeName}, will try to delete it`);
        podsToDelete.push(pod.metadata.name!);
      } else {
        running.push(pod);
      }
    }
    running.sort(compareByCreationAndPhase);
    if (!allowsSurge(ds)) {
      // Without surge, only the oldest pod stays.
      podsToDelete.push(...running.slice(1).map((pod) => pod.metadata.name!));
      return;
    }
    if (running.length === 0 && shouldRun) {
      nodesNeedingPods.push(nodeName);
      return;
    }
    // With surge, an old and a new pod may coexist while the new one is not yet available.
    let oldestNew: KubeObject | undefined;
    let oldestOld: KubeObject | undefined;
    for (const pod of running) {
      if (pod.metadata.labels?.[POD_REVISION_LABEL] === hash) {
        if (!oldestNew) {
          oldestNew = pod;
          continue;
        }
      } else if (!oldestOld) {
        oldestOld = pod;
        continue;
      }
      podsToDelete.push(pod.metadata.name!);
    }
    if (oldestNew && oldestOld) {
      if (!isPodReady(oldestOld) || isPodAvailable(oldestNew, ds.spec?.minReadySeconds ?? 0, this.options.clock.now())) {
        podsToDelete.push(oldestOld.metadata.name!);
      }
    }
  }

  private failedPodInBackoff(ds: KubeObject, nodeName: string): boolean {
    const key = `${ds.metadata.uid}/${nodeName}`;
    const now = this.options.clock.now();
    const backoff = this.failedPodBackoff.get(key);
    if (backoff && now < backoff.until) {
      this.queue.addAfter(keyOf(ds), backoff.until - now);
      return true;
    }
    const delayMs = backoff ? Math.min(backoff.delayMs * 2, FAILED_POD_BACKOFF_MAX_MS) : FAILED_POD_BACKOFF_INITIAL_MS;
    this.failedPodBackoff.set(key, { delayMs, until: now + delayMs });
    return false;
  }

  private rollingUpdate(ds: KubeObject, nodes: readonly KubeObject[], hash: string): void {
    const nodeToDaemonPods = this.nodeToDaemonPods(ds);
    const shouldRunByNode = new Map<string, boolean>();
    let desiredNumberScheduled = 0;
    for (const node of nodes) {
      const { shouldRun } = nodeShouldRunDaemonPod(node, ds);
      shouldRunByNode.set(node.metadata.name!, shouldRun);
      if (shouldRun) {
        desiredNumberScheduled++;
        if (!nodeToDaemonPods.has(node.metadata.name!)) {
          nodeToDaemonPods.set(node.metadata.name!, []);
        }
      }
    }
    let maxUnavailable = unavailableCount(ds, desiredNumberScheduled);
    const maxSurge = surgeCount(ds, desiredNumberScheduled);
    // An impossible configuration (both zero) falls back to accepting one unavailable node.
    if (desiredNumberScheduled > 0 && maxUnavailable === 0 && maxSurge === 0) {
      maxUnavailable = 1;
    }
    const plan = planRollingUpdate({
      nodeToDaemonPods,
      hash,
      generation: templateGeneration(ds),
      maxSurge,
      maxUnavailable,
      desiredNumberScheduled,
      minReadySeconds: ds.spec?.minReadySeconds ?? 0,
      now: this.options.clock.now(),
      shouldRun: (nodeName) => shouldRunByNode.get(nodeName) ?? false,
    });
    this.syncNodes(ds, plan.podsToDelete, plan.nodesToCreate, hash);
  }

  // `syncNodes`: deletes the named pods and creates a pod pinned to each node, at most BURST_REPLICAS each.
  private syncNodes(ds: KubeObject, podsToDelete: readonly string[], nodesNeedingPods: readonly string[], hash: string): void {
    const generation = templateGeneration(ds);
    const template = ds.spec?.template ?? {};
    const labels: Record<string, string> = { ...(template.metadata?.labels ?? {}) };
    if (generation !== undefined) {
      labels[POD_TEMPLATE_GENERATION_LABEL] = generation;
    }
    if (hash) {
      labels[POD_REVISION_LABEL] = hash;
    }
    const spec = withDaemonPodTolerations(template.spec ?? {});
    for (const nodeName of nodesNeedingPods.slice(0, BURST_REPLICAS)) {
      const pod: KubeObject = {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {
          generateName: `${ds.metadata.name}-`,
          namespace: ds.metadata.namespace,
          labels,
          ...(template.metadata?.annotations ? { annotations: template.metadata.annotations } : {}),
          ...(template.metadata?.finalizers ? { finalizers: template.metadata.finalizers } : {}),
          ownerReferences: [newControllerRef(ds)],
        },
        spec: { ...structuredClone(spec), affinity: pinnedToNode(spec.affinity, nodeName) },
      };
      try {
        const created = this.options.api.create(RESOURCES.pods, pod);
        this.options.recorder.normal(ds, 'SuccessfulCreate', `Created pod: ${created.metadata.name}`);
      } catch (error) {
        if (error instanceof ApiError) {
          this.options.recorder.warning(ds, 'FailedCreate', `Error creating: ${error.message}`);
        }
        throw error;
      }
    }
    for (const podName of podsToDelete.slice(0, BURST_REPLICAS)) {
      try {
        this.options.api.delete(RESOURCES.pods, ds.metadata.namespace, podName);
        this.options.recorder.normal(ds, 'SuccessfulDelete', `Deleted pod: ${podName}`);
      } catch (error) {
        if (error instanceof ApiError && error.reason === 'NotFound') {
          continue;
        }
        if (error instanceof ApiError) {
          this.options.recorder.warning(ds, 'FailedDelete', `Error deleting: ${error.message}`);
        }
        throw error;
      }
    }
  }

  // `getNodesToDaemonPods`: the pods the DaemonSet claims, grouped by target node; terminal pods
  // already being deleted are left out. Orphans matching the selector are adopted, owned pods that
  // no longer match are released.
  private nodeToDaemonPods(ds: KubeObject): Map<string, KubeObject[]> {
    const byNode = new Map<string, KubeObject[]>();
    const add = (pod: KubeObject) => {
      if (isPodTerminal(pod) && pod.metadata.deletionTimestamp) {
        return;
      }
      const nodeName = targetNodeName(pod);
      if (nodeName === undefined) {
        return;
      }
      const pods = byNode.get(nodeName);
      if (pods) {
        pods.push(pod);
      } else {
        byNode.set(nodeName, [pod]);
      }
    };
    for (const pod of [...this.pods.byIndex(CONTROLLER_INDEX, ds.metadata.uid ?? '').values()]) {
      if (labelSelectorMatches(ds.spec?.selector, pod.metadata.labels)) {
        add(pod);
      } else {
        this.options.api.update(RESOURCES.pods, {
          ...pod,
          metadata: { ...pod.metadata, ownerReferences: (pod.metadata.ownerReferences ?? []).filter((ref) => ref.uid !== ds.metadata.uid) },
        });
      }
    }
    for (const pod of [...this.pods.byIndex(ORPHAN_INDEX, ds.metadata.namespace ?? '').values()]) {
      if (!pod.metadata.deletionTimestamp && labelSelectorMatches(ds.spec?.selector, pod.metadata.labels)) {
        add(this.options.api.update(RESOURCES.pods, {
          ...pod,
          metadata: { ...pod.metadata, ownerReferences: [...(pod.metadata.ownerReferences ?? []), newControllerRef(ds)] },
        }));
      }
    }
    return byNode;
  }

  private writeStatus(ds: KubeObject, nodes: readonly KubeObject[], hash: string): void {
    const counts = countDaemonSet({
      nodes,
      nodeToDaemonPods: this.nodeToDaemonPods(ds),
      shouldRun: (node) => nodeShouldRunDaemonPod(node, ds).shouldRun,
      hash,
      generation: templateGeneration(ds),
      minReadySeconds: ds.spec?.minReadySeconds ?? 0,
      now: this.options.clock.now(),
    });
    const latest = this.daemonSets.get(ds.metadata.namespace, ds.metadata.name!) ?? ds;
    const status = latest.status ?? {};
    const unchanged = (Object.keys(counts) as Array<keyof DaemonSetCounts>).every((field) => (status[field] ?? 0) === counts[field])
      && (status.observedGeneration ?? 0) >= (latest.metadata.generation ?? 0);
    if (!unchanged) {
      this.options.api.updateStatus(RESOURCES.daemonSets, {
        ...latest,
        status: { ...status, observedGeneration: latest.metadata.generation, ...counts },
      });
    }
  }
}

// Only changes to what decides placement matter to DaemonSets (`shouldIgnoreNodeUpdate`).
function nodeSchedulingChanged(previous: KubeObject, current: KubeObject): boolean {
  const placement = (node: KubeObject) => JSON.stringify([node.metadata.labels ?? {}, node.spec?.taints ?? [], node.spec?.unschedulable ?? false,
    (node.status?.conditions ?? []).filter((c: any) => c.status === 'True').map((c: any) => c.type).sort()]);
  return placement(previous) !== placement(current);
}
