// The disruption controller (pkg/controller/disruption/disruption.go): it keeps each PodDisruptionBudget's status
// (expected pods, desired and current healthy, disruptions allowed, the DisruptionAllowed condition) up to date as
// its pods change, so `kubectl get pdb` shows ALLOWED DISRUPTIONS and the Eviction API can decide.
import {
  buildDisruptedPodMap, ControllerScale, countHealthyPods, expectedPodCount, failSafeStatus, nextBudgetStatus,
} from './disruption-status';
import { labelSelectorMatches } from '../../../internal/label-selector';
import { ApiError, RESOURCES } from '../../api';
import type { KubeObject, OwnerReference, ResourceType, SandboxApi } from '../../api';
import { qualifiedResource } from '../../api-errors';
import type { SandboxClock } from '../../clock';
import { budgetsCovering } from '../../disruption-budgets';
import type { EventRecorder } from '../event-recorder';
import type { CacheEvent, CacheSet, ObjectCache } from '../object-cache';
import { keyOf } from '../owner-references';
import { WorkQueue } from '../work-queue';

/** What the disruption controller needs from its host. */
export interface DisruptionControllerOptions {
  /** The API to write through. */
  readonly api: SandboxApi;
  /** The clock that runs the work queue and times disrupted pods. */
  readonly clock: SandboxClock;
  /** The shared caches. */
  readonly caches: CacheSet;
  /** The recorder for the controller's events (upstream's source component is `controllermanager`). */
  readonly recorder: EventRecorder;
  /** Decides whether a failed sync is retried. */
  readonly isRetryable: (error: unknown) => boolean;
}

const NAMESPACE_INDEX = 'namespace';

/** Computes PodDisruptionBudget status. */
export class DisruptionController {
  private readonly budgets: ObjectCache;
  private readonly pods: ObjectCache;
  private readonly sets: ObjectCache;
  private readonly queue: WorkQueue;

  constructor(private readonly options: DisruptionControllerOptions) {
    const { caches } = options;
    this.budgets = caches.of(RESOURCES.podDisruptionBudgets);
    this.pods = caches.of(RESOURCES.pods);
    this.sets = caches.of(RESOURCES.statefulSets);
    this.pods.addIndex(NAMESPACE_INDEX, (pod) => [pod.metadata.namespace ?? '']);
    this.budgets.addIndex(NAMESPACE_INDEX, (budget) => [budget.metadata.namespace ?? '']);
    this.queue = new WorkQueue({ clock: options.clock, reconcile: (key) => this.sync(key), isRetryable: options.isRetryable });
    this.budgets.addListener((event) => this.queue.add(keyOf(event.object)));
    this.pods.addListener((event) => this.onPodEvent(event));
  }

  /** Stops processing. */
  public stop(): void {
    this.queue.stop();
  }

  // addPod / updatePod / deletePod: the pod's (first) budget syncs; a pod several budgets cover is warned about.
  private onPodEvent(event: CacheEvent): void {
    const pod = event.object;
    const budgets = budgetsCovering(pod, this.budgets.byIndex(NAMESPACE_INDEX, pod.metadata.namespace ?? '').values());
    if (budgets.length === 0) {
      return;
    }
    if (budgets.length > 1 && event.type !== 'DELETED') {
      this.options.recorder.warning(pod, 'MultiplePodDisruptionBudgets',
        `Pod "${pod.metadata.namespace}"/"${pod.metadata.name}" matches multiple PodDisruptionBudgets.  Chose "${budgets[0].metadata.name}" arbitrarily.`);
    }
    this.queue.add(keyOf(budgets[0]));
  }

  private sync(key: string): void {
    const budget = this.budgets.getByKey(key);
    if (!budget) {
      return;
    }
    try {
      this.trySync(budget);
    } catch (error) {
      // A conflict is retried as it is; any other failure makes the budget refuse evictions (failSafe), and the
      // budget waits for its next change, as upstream's sync returns failSafe's own result.
      if (error instanceof ApiError && error.code === 409) {
        throw error;
      }
      const message = error instanceof Error ? error.message : String(error);
      this.writeStatus(budget, failSafeStatus(budget, message, this.options.clock.now()));
    }
  }

  private trySync(budget: KubeObject): void {
    const { recorder, clock } = this.options;
    const pods = this.podsFor(budget);
    if (pods.length === 0) {
      recorder.normal(budget, 'NoPods', 'No matching pods found');
    }
    let expected;
    try {
      expected = expectedPodCount(budget, pods, (ref, namespace) => this.findController(ref, namespace));
    } catch (error) {
      recorder.warning(budget, 'CalculateExpectedPodCountFailed', `Failed to calculate the number of expected pods: ${(error as Error).message}`);
      throw error;
    }
    if (expected.unmanagedPods.length > 0) {
      recorder.warning(budget, 'UnmanagedPods', `Pods selected by this PodDisruptionBudget (selector: ${goSelector(budget.spec?.selector)}) were found `
        + 'to be unmanaged. As a result, the status of the PDB cannot be calculated correctly, which may result in undefined behavior. '
        + 'To account for these pods please set ".spec.minAvailable" field of the PDB to an integer value.');
    }
    const now = clock.now();
    const { disruptedPods, recheckAtMs, notDeleted } = buildDisruptedPodMap(budget, pods, now);
    for (const pod of notDeleted) {
      // Upstream's message names the namespace twice (pdb.Namespace, pdb.Namespace).
      recorder.warning(pod, 'NotDeleted', `Pod was expected by PDB ${budget.metadata.namespace}/${budget.metadata.namespace} to be deleted but it wasn't`);
    }
    const currentHealthy = countHealthyPods(pods, disruptedPods, now);
    const { desiredHealthy, expectedCount } = expected;
    const status = nextBudgetStatus(budget, { currentHealthy, desiredHealthy, expectedCount, disruptedPods }, now);
    if (status) {
      this.writeStatus(budget, status);
    }
    if (recheckAtMs !== undefined) {
      // Upstream looks again at the expiry; real latency carries it past the strict boundary, the virtual clock has
      // none, so the sandbox looks 1 ms past it (as for minReadySeconds).
      this.queue.addAfter(keyOf(budget), recheckAtMs - now + 1);
    }
  }

  private writeStatus(budget: KubeObject, status: Record<string, any>): void {
    try {
      this.options.api.updateStatus(RESOURCES.podDisruptionBudgets, { ...budget, status });
    } catch (error) {
      if (!(error instanceof ApiError && error.code === 404)) {
        throw error;
      }
    }
  }

  // getPodsForPdb: the pods of the budget's namespace its selector matches (an absent selector matches none).
  private podsFor(budget: KubeObject): KubeObject[] {
    const pods: KubeObject[] = [];
    for (const pod of this.pods.byIndex(NAMESPACE_INDEX, budget.metadata.namespace ?? '').values()) {
      try {
        if (labelSelectorMatches(budget.spec?.selector, pod.metadata.labels)) {
          pods.push(pod);
        }
      } catch {
        return [];
      }
    }
    return pods;
  }

  // The finder chain: the workload kinds upstream lists (of which the sandbox serves StatefulSets), then the scale
  // subresource of whatever kind the reference names.
  private findController(ref: OwnerReference, namespace: string): ControllerScale | undefined {
    const group = ref.apiVersion.includes('/') ? ref.apiVersion.slice(0, ref.apiVersion.indexOf('/')) : '';
    if (ref.kind === 'StatefulSet' && group === 'apps') {
      const set = this.sets.get(namespace, ref.name);
      if (set && set.metadata.uid === ref.uid) {
        return { uid: set.metadata.uid!, scale: set.spec?.replicas ?? 1 };
      }
    }
    const type = Object.values(RESOURCES).find((candidate) => candidate.group === group && candidate.kind === ref.kind);
    if (!type) {
      throw new Error(`no matches for kind "${ref.kind}" in version "${ref.apiVersion}"`);
    }
    if (!type.hasScale) {
      throw new Error(`${qualifiedResource(type)} does not implement the scale subresource`);
    }
    const owner = this.options.api.get(type as ResourceType, namespace, ref.name);
    if (!owner || owner.metadata.uid !== ref.uid) {
      return undefined;
    }
    return { uid: owner.metadata.uid!, scale: owner.spec?.replicas ?? 0 };
  }
}

// How Go's %v prints a *metav1.LabelSelector (its generated String method) in the UnmanagedPods event.
function goSelector(selector: Record<string, any> | undefined): string {
  if (!selector) {
    return '<nil>';
  }
  const matchLabels: Record<string, string> = selector.matchLabels ?? {};
  const labels = Object.keys(matchLabels).sort().map((key) => `${key}: ${matchLabels[key]},`).join('');
  const expressions = (selector.matchExpressions ?? []).map((requirement: Record<string, any>) =>
    `LabelSelectorRequirement{Key:${requirement.key},Operator:${requirement.operator},Values:[${(requirement.values ?? []).join(' ')}],},`).join('');
  return `&LabelSelector{MatchLabels:map[string]string{${labels}},MatchExpressions:[]LabelSelectorRequirement{${expressions}},}`;
}
