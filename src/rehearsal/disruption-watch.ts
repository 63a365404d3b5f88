// Watches, while a workload is promoted, what a reviewer asks of each step: how many of its pods were unavailable at
// once, and how close its PodDisruptionBudgets came to refusing a voluntary disruption (the disruption controller's
// `status.currentHealthy` against `status.desiredHealthy`). Reads the store's committed objects synchronously, so no
// change between two virtual instants is missed.
import { DisruptionSample } from './step-recorder';
import { labelSelectorMatches } from '../internal/label-selector';
import { isPodReady, isPodTerminating } from '../runtime/kube/pod-facts';
import { KubeObject, RESOURCES, SandboxApi } from '../sandbox/api';

/** Samples a workload's disruption on every change of its pods or budgets. */
export class DisruptionWatch {
  private readonly pods = new Map<string, boolean>();
  private readonly budgets = new Map<string, { currentHealthy: number; desiredHealthy: number }>();
  private readonly stops: (() => void)[];
  private readonly desired: number;
  // Off while the watches replay the current objects, so no sample shows a half-listed workload.
  private synced = false;

  /**
   * @param api the sandbox store
   * @param workload the StatefulSet or DaemonSet, as stored (its uid owns its pods)
   * @param onSample receives a sample after every change
   */
  public constructor(api: SandboxApi, workload: KubeObject, private readonly onSample: (sample: DisruptionSample) => void) {
    const { namespace, uid } = workload.metadata;
    this.desired = workload.kind === 'StatefulSet' ? workload.spec.replicas ?? 1 : workload.status?.desiredNumberScheduled ?? 0;
    const templateLabels = workload.spec.template?.metadata?.labels;
    this.stops = [
      api.watchView(RESOURCES.pods, { namespace }, (event) => {
        const pod = event.object;
        if (!(pod.metadata.ownerReferences ?? []).some((owner: { uid: string }) => owner.uid === uid)) {
          return;
        }
        if (event.type === 'DELETED') {
          this.pods.delete(pod.metadata.name!);
        } else {
          this.pods.set(pod.metadata.name!, isPodReady(pod as never) && !isPodTerminating(pod as never));
        }
        this.emit();
      }),
      api.watchView(RESOURCES.podDisruptionBudgets, { namespace }, (event) => {
        const budget = event.object;
        if (event.type === 'DELETED' || !labelSelectorMatches(budget.spec?.selector, templateLabels)) {
          this.budgets.delete(budget.metadata.name!);
        } else {
          this.budgets.set(budget.metadata.name!, {
            currentHealthy: budget.status?.currentHealthy ?? 0,
            desiredHealthy: budget.status?.desiredHealthy ?? 0,
          });
        }
        this.emit();
      }),
    ];
    this.synced = true;
    this.emit();
  }

  /** Stops watching. */
  public stop(): void {
    this.stops.forEach((stop) => stop());
  }

  private emit(): void {
    if (!this.synced) {
      return;
    }
    const available = [...this.pods.values()].filter(Boolean).length;
    this.onSample({ unavailable: Math.max(0, this.desired - available), budgets: new Map(this.budgets) });
  }
}
