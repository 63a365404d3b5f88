// Reads one workload with what history, undo and status need: its pods and the ControllerRevisions it controls, found
// by the workload's selector as kubectl finds them. Every list's resourceVersion is kept so a watch can start there.
import { Cluster } from './cluster';
import { labelSelectorToString } from '../../internal/label-selector';
import { KubeControllerRevision, KubePod, KubeWorkload } from '../kube/kube-types';
import { controlledRevisions } from '../kube/revision-history';
import { WorkloadRef } from '../kube/workload-ref';
import { RuntimeError } from '../runtime-error';

/** A workload and its pods and revisions, read at one moment. */
export interface RolloutSnapshot {
  readonly ref: WorkloadRef;
  readonly workload: KubeWorkload;
  /** The pods the workload's selector matches, except those another controller owns. */
  readonly pods: readonly KubePod[];
  /** The ControllerRevisions the workload controls, oldest first. */
  readonly revisions: readonly KubeControllerRevision[];
  /** The resourceVersion of the workload, and of the pod list, to watch from. */
  readonly workloadResourceVersion: string;
  readonly podsResourceVersion: string;
}

/** The plural resource kubectl names in messages: `statefulsets.apps`, `daemonsets.apps`. */
export function resourceName(ref: WorkloadRef): string {
  return ref.kind === 'StatefulSet' ? 'statefulsets.apps' : 'daemonsets.apps';
}

/**
 * Reads the workload, or fails as kubectl does when it does not exist.
 *
 * @throws RuntimeError (`bad-input`) `statefulsets.apps "kafka" not found`
 */
export async function readWorkload(cluster: Cluster, ref: WorkloadRef): Promise<KubeWorkload> {
  const workload = await cluster.get<KubeWorkload>(ref.kind, ref.namespace, ref.name);
  if (!workload) {
    throw new RuntimeError('bad-input', `${resourceName(ref)} "${ref.name}" not found`);
  }
  return workload;
}

/**
 * Reads the workload, its pods and its controlled revisions.
 *
 * @param withRevisions whether to list the ControllerRevisions; without them `revisions` is empty @default true
 */
export async function readRolloutSnapshot(cluster: Cluster, ref: WorkloadRef, withRevisions = true): Promise<RolloutSnapshot> {
  const workload = await readWorkload(cluster, ref);
  const selector = { labelSelector: labelSelectorToString(workload.spec.selector) };
  const [pods, revisions] = await Promise.all([
    cluster.list<KubePod>('Pod', ref.namespace, selector),
    withRevisions ? cluster.list<KubeControllerRevision>('ControllerRevision', ref.namespace, selector) : { items: [], resourceVersion: '' },
  ]);
  const uid = workload.metadata.uid;
  // As the controllers claim pods: a pod another controller owns is not this workload's, even if the selector matches.
  const own = pods.items.filter((pod) => (pod.metadata.ownerReferences ?? [])
    .every((owner) => owner.controller !== true || owner.uid === uid));
  return {
    ref,
    workload,
    pods: own,
    revisions: controlledRevisions(workload, revisions.items),
    workloadResourceVersion: workload.metadata.resourceVersion ?? '',
    podsResourceVersion: pods.resourceVersion,
  };
}
