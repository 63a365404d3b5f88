// Where a DaemonSet's pods belong (daemon_controller.go NodeShouldRunDaemonPod/predicates and
// util/daemonset_util.go): a node runs the daemon pod when the pod template's nodeName, nodeSelector
// and required node affinity fit it and its NoSchedule/NoExecute taints are tolerated. Daemon pods
// get extra tolerations so node problems never evict them, and are pinned to their node with a
// `metadata.name` node affinity that the scheduler then honours.
import type { KubeObject } from '../../api';
import { NODE_NAME_FIELD, podMatchesNodeSelectorAndAffinity } from '../node-affinity';
import { findUntoleratedTaint, isSchedulingTaint, Toleration } from '../taints';

/** The tolerations every daemon pod gets (`AddOrUpdateDaemonPodTolerations`), in upstream order. */
export const DAEMON_POD_TOLERATIONS: readonly Toleration[] = [
  { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' },
  { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' },
  { key: 'node.kubernetes.io/disk-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/memory-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/pid-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' },
];

/** The extra toleration of host-network daemon pods. */
export const HOST_NETWORK_DAEMON_POD_TOLERATION: Toleration = { key: 'node.kubernetes.io/network-unavailable', operator: 'Exists', effect: 'NoSchedule' };

/** Whether a DaemonSet may place a pod on a node, and whether an existing one may stay. */
export interface DaemonPodPlacement {
  /** A daemon pod should run on the node. */
  readonly shouldRun: boolean;
  /** An existing daemon pod may keep running (only an untolerated NoExecute taint evicts it). */
  readonly shouldContinueRunning: boolean;
}

/** The pod spec with the daemon tolerations added or updated (`AddOrUpdateDaemonPodTolerations`). */
export function withDaemonPodTolerations(podSpec: any): any {
  const tolerations: Toleration[] = [...(podSpec?.tolerations ?? [])];
  const required = podSpec?.hostNetwork ? [...DAEMON_POD_TOLERATIONS, HOST_NETWORK_DAEMON_POD_TOLERATION] : DAEMON_POD_TOLERATIONS;
  for (const toleration of required) {
    const existing = tolerations.findIndex((candidate) => candidate.key === toleration.key && (candidate.operator ?? 'Equal') === toleration.operator
      && (candidate.value ?? '') === (toleration.value ?? '') && (candidate.effect ?? '') === toleration.effect);
    if (existing >= 0) {
      tolerations[existing] = toleration;
    } else {
      tolerations.push(toleration);
    }
  }
  return { ...podSpec, tolerations };
}

/** `NodeShouldRunDaemonPod`. */
export function nodeShouldRunDaemonPod(node: KubeObject, ds: KubeObject): DaemonPodPlacement {
  const templateSpec = ds.spec?.template?.spec ?? {};
  if (templateSpec.nodeName && templateSpec.nodeName !== node.metadata.name) {
    return { shouldRun: false, shouldContinueRunning: false };
  }
  const podSpec = withDaemonPodTolerations({ ...templateSpec, nodeName: node.metadata.name });
  if (!podMatchesNodeSelectorAndAffinity(podSpec, node)) {
    return { shouldRun: false, shouldContinueRunning: false };
  }
  const taints = node.spec?.taints ?? [];
  if (findUntoleratedTaint(taints, podSpec.tolerations, isSchedulingTaint)) {
    const evicting = findUntoleratedTaint(taints, podSpec.tolerations, (taint) => taint.effect === 'NoExecute');
    return { shouldRun: false, shouldContinueRunning: evicting === undefined };
  }
  return { shouldRun: true, shouldContinueRunning: true };
}

/**
 * The node a daemon pod is for (`GetTargetNodeName`): its spec.nodeName once bound, before that the
 * single `metadata.name` value of its required node affinity.
 */
export function targetNodeName(pod: KubeObject): string | undefined {
  if (pod.spec?.nodeName) {
    return pod.spec.nodeName;
  }
  const terms = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? [];
  for (const term of terms) {
    for (const field of term.matchFields ?? []) {
      if (field.key === NODE_NAME_FIELD && field.operator === 'In' && field.values?.length === 1) {
        return field.values[0];
      }
    }
  }
  return undefined;
}

/**
 * The affinity with its required node selector replaced by one term pinning the pod to `nodeName`
 * (`ReplaceDaemonSetPodNodeNameNodeAffinity`); preferred terms and pod (anti-)affinity are kept.
 */
export function pinnedToNode(affinity: any, nodeName: string): any {
  const pin = { nodeSelectorTerms: [{ matchFields: [{ key: NODE_NAME_FIELD, operator: 'In', values: [nodeName] }] }] };
  return {
    ...(affinity ?? {}),
    nodeAffinity: { ...(affinity?.nodeAffinity ?? {}), requiredDuringSchedulingIgnoredDuringExecution: pin },
  };
}
