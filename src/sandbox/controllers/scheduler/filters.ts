// The scheduler's filter plugins, in the default profile's order, each returning the reasons a node
// does not fit (empty when it fits) with the upstream wording that ends up in FailedScheduling events
// and the PodScheduled condition.
import { labelSelectorMatches } from '../../../internal/label-selector';
import type { KubeObject } from '../../api';
import { podMatchesNodeSelectorAndAffinity } from '../node-affinity';
import { findUntoleratedTaint, isSchedulingTaint, toleratesTaint } from '../taints';
import { allocatable, NodeInfo, portConflicts, specRequests } from './node-info';

/** Upstream filter failure reasons. */
export const FILTER_REASONS = {
  unschedulable: 'node(s) were unschedulable',
  nodeName: "node(s) didn't match the requested node name",
  nodeAffinity: "node(s) didn't match Pod's node affinity/selector",
  nodePorts: "node(s) didn't have free ports for the requested pod ports",
  tooManyPods: 'Too many pods',
  insufficientCpu: 'Insufficient cpu',
  insufficientMemory: 'Insufficient memory',
  topologySpread: "node(s) didn't match pod topology spread constraints",
  topologySpreadMissingLabel: "node(s) didn't match pod topology spread constraints (missing required label)",
  existingAntiAffinity: "node(s) didn't satisfy existing pods anti-affinity rules",
  antiAffinity: "node(s) didn't match pod anti-affinity rules",
  affinity: "node(s) didn't match pod affinity rules",
} as const;

/** An assigned pod with required anti-affinity terms, and its node. */
export interface AntiAffinityPod {
  /** The pod. */
  readonly pod: KubeObject;
  /** The node it is assigned to. */
  readonly node: KubeObject;
}

/** Everything a scheduling cycle knows about the cluster. */
export interface ClusterSnapshot {
  /** All nodes with their pods. */
  readonly nodes: readonly NodeInfo[];
  /** The assigned pods that have required pod anti-affinity (few, so checked against every candidate). */
  readonly antiAffinityPods: readonly AntiAffinityPod[];
}

/** One filter plugin: the reasons `node` cannot take `pod`. */
export type Filter = (pod: KubeObject, node: NodeInfo, snapshot: ClusterSnapshot) => string[];

/** Why a node does not fit: the first failing plugin's reasons and its status code. */
export interface FilterStatus {
  /** The reasons; empty when the node fits. */
  readonly reasons: readonly string[];
  /**
   * Whether the plugin answered UnschedulableAndUnresolvable (preemption cannot help on this node) rather than
   * Unschedulable.
   */
  readonly unresolvable: boolean;
}

/** Runs the filters in order and returns the first failing plugin's status (as the framework does). */
export function runFilters(filters: readonly Filter[], pod: KubeObject, node: NodeInfo, snapshot: ClusterSnapshot): FilterStatus {
  for (const filter of filters) {
    const reasons = filter(pod, node, snapshot);
    if (reasons.length > 0) {
      return { reasons, unresolvable: isUnresolvable(filter, reasons, pod, node) };
    }
  }
  return { reasons: [], unresolvable: false };
}

// The plugins' status codes: NodeUnschedulable, NodeName, TaintToleration and NodeAffinity always answer
// UnschedulableAndUnresolvable; PodTopologySpread when the node lacks the topology label; InterPodAffinity when the
// pod's own affinity is unmet; NodeResourcesFit when the pod asks for more than the node has at all (fit.go's
// Unresolvable insufficient resource). Everything else is Unschedulable: removing pods could make room.
function isUnresolvable(filter: Filter, reasons: readonly string[], pod: KubeObject, { node }: NodeInfo): boolean {
  if (filter === nodeUnschedulable || filter === nodeName || filter === taintToleration || filter === nodeAffinity) {
    return true;
  }
  if (reasons.includes(FILTER_REASONS.topologySpreadMissingLabel) || reasons.includes(FILTER_REASONS.affinity)) {
    return true;
  }
  if (filter === nodeResourcesFit) {
    const capacity = allocatable(node);
    const request = specRequests(pod).request;
    return request.milliCpu > capacity.milliCpu || request.memory > capacity.memory;
  }
  return false;
}

/** NodeUnschedulable: cordoned nodes take only pods tolerating `node.kubernetes.io/unschedulable`. */
export const nodeUnschedulable: Filter = (pod, { node }) => {
  if (!node.spec?.unschedulable) {
    return [];
  }
  const taint = { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' };
  return (pod.spec?.tolerations ?? []).some((toleration: any) => toleratesTaint(toleration, taint)) ? [] : [FILTER_REASONS.unschedulable];
};

/** NodeName: a pod naming a node fits only that node. */
export const nodeName: Filter = (pod, { node }) =>
  (pod.spec?.nodeName && pod.spec.nodeName !== node.metadata.name ? [FILTER_REASONS.nodeName] : []);

/** TaintToleration: NoSchedule and NoExecute taints must be tolerated. */
export const taintToleration: Filter = (pod, { node }) => {
  const taint = findUntoleratedTaint(node.spec?.taints, pod.spec?.tolerations, isSchedulingTaint);
  return taint ? [`node(s) had untolerated taint {${taint.key}: ${taint.value ?? ''}}`] : [];
};

/** NodeAffinity: nodeSelector and required node affinity. */
export const nodeAffinity: Filter = (pod, { node }) =>
  (podMatchesNodeSelectorAndAffinity(pod.spec, node) ? [] : [FILTER_REASONS.nodeAffinity]);

/** NodePorts: host ports must be free. */
export const nodePorts: Filter = (pod, { usedPorts }) =>
  (specRequests(pod).ports.some((port) => portConflicts(port, usedPorts)) ? [FILTER_REASONS.nodePorts] : []);

/** NodeResourcesFit: the pod count, CPU and memory requests must fit the allocatable resources. */
export const nodeResourcesFit: Filter = (pod, { node, pods, requested }) => {
  const capacity = allocatable(node);
  const reasons: string[] = [];
  if (pods.length + 1 > capacity.pods) {
    reasons.push(FILTER_REASONS.tooManyPods);
  }
  const request = specRequests(pod).request;
  if (request.milliCpu > 0 && request.milliCpu > capacity.milliCpu - requested.milliCpu) {
    reasons.push(FILTER_REASONS.insufficientCpu);
  }
  if (request.memory > 0 && request.memory > capacity.memory - requested.memory) {
    reasons.push(FILTER_REASONS.insufficientMemory);
  }
  return reasons;
};

/** PodTopologySpread: `whenUnsatisfiable: DoNotSchedule` constraints must keep the skew within maxSkew. */
export const podTopologySpread: Filter = (pod, { node }, snapshot) => {
  const constraints = (pod.spec?.topologySpreadConstraints ?? []).filter((constraint: any) => (constraint.whenUnsatisfiable ?? 'DoNotSchedule') === 'DoNotSchedule');
  for (const constraint of constraints) {
    const key: string = constraint.topologyKey;
    const domain = node.metadata.labels?.[key];
    if (domain === undefined) {
      return [FILTER_REASONS.topologySpreadMissingLabel];
    }
    const counts = new Map<string, number>();
    for (const info of snapshot.nodes) {
      const value = info.node.metadata.labels?.[key];
      if (value === undefined || !podMatchesNodeSelectorAndAffinity(pod.spec, info.node)) {
        continue;
      }
      const matching = info.pods.filter((other) => other.metadata.namespace === pod.metadata.namespace
        && !other.metadata.deletionTimestamp && labelSelectorMatches(constraint.labelSelector, other.metadata.labels)).length;
      counts.set(value, (counts.get(value) ?? 0) + matching);
    }
    const minMatch = Math.min(...counts.values());
    const self = labelSelectorMatches(constraint.labelSelector, pod.metadata.labels) ? 1 : 0;
    if ((counts.get(domain) ?? 0) + self - minMatch > (constraint.maxSkew ?? 1)) {
      return [FILTER_REASONS.topologySpread];
    }
  }
  return [];
};

/**
 * InterPodAffinity, in upstream's order: the pod's own required affinity, its own required
 * anti-affinity, then existing pods' required anti-affinity (the first failure is the reason).
 */
export const interPodAffinity: Filter = (pod, { node }, snapshot) => {
  const sameDomain = (key: string, other: KubeObject) => {
    const value = node.metadata.labels?.[key];
    return value !== undefined && other.metadata.labels?.[key] === value;
  };
  const affinityTerms = requiredTerms(pod, 'podAffinity');
  if (affinityTerms.length > 0) {
    const anyMatchInCluster = snapshot.nodes.some((info) =>
      info.pods.some((existing) => affinityTerms.some((term) => termMatchesPod(term, pod, existing))));
    // The first pod of a group that is affine to itself may go anywhere.
    const selfAffine = affinityTerms.every((term) => termMatchesPod(term, pod, pod));
    if (!(!anyMatchInCluster && selfAffine)) {
      for (const term of affinityTerms) {
        const matchedInDomain = snapshot.nodes.some((info) =>
          sameDomain(term.topologyKey, info.node) && info.pods.some((existing) => termMatchesPod(term, pod, existing)));
        if (!matchedInDomain) {
          return [FILTER_REASONS.affinity];
        }
      }
    }
  }
  for (const term of requiredTerms(pod, 'podAntiAffinity')) {
    const violatedInDomain = snapshot.nodes.some((info) =>
      sameDomain(term.topologyKey, info.node) && info.pods.some((existing) => termMatchesPod(term, pod, existing)));
    if (violatedInDomain) {
      return [FILTER_REASONS.antiAffinity];
    }
  }
  for (const existing of snapshot.antiAffinityPods) {
    const terms = requiredTerms(existing.pod, 'podAntiAffinity');
    if (terms.some((term) => termMatchesPod(term, existing.pod, pod) && sameDomain(term.topologyKey, existing.node))) {
      return [FILTER_REASONS.existingAntiAffinity];
    }
  }
  return [];
};

/** The default profile's filters, in order. */
export const DEFAULT_FILTERS: readonly Filter[] = [
  nodeUnschedulable, nodeName, taintToleration, nodeAffinity, nodePorts, nodeResourcesFit, podTopologySpread, interPodAffinity,
];

/** The pod's required (anti-)affinity terms. */
export function requiredTerms(pod: KubeObject, kind: 'podAffinity' | 'podAntiAffinity'): any[] {
  return pod.spec?.affinity?.[kind]?.requiredDuringSchedulingIgnoredDuringExecution ?? [];
}

// A term of `owner` selects `candidate` when the candidate is in the term's namespaces (the owner's
// own by default; an empty namespaceSelector means all) and its labels match the term's selector.
function termMatchesPod(term: any, owner: KubeObject, candidate: KubeObject): boolean {
  const namespaces: string[] = term.namespaces ?? [];
  const allNamespaces = term.namespaceSelector !== undefined && Object.keys(term.namespaceSelector).length === 0;
  const inNamespace = allNamespaces
    || (namespaces.length > 0 ? namespaces.includes(candidate.metadata.namespace ?? '') : candidate.metadata.namespace === owner.metadata.namespace);
  return inNamespace && labelSelectorMatches(term.labelSelector, candidate.metadata.labels);
}
