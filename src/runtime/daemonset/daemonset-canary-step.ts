// One step of a DaemonSet node canary, decided from the observed state: which nodes the step covers, which old pods to
// delete next within the unavailability budget, and whether the step is done. Pure: the executor
// (daemonset-canary.ts) observes, calls these functions and acts.
import { CanaryNode, resolveNodeCanarySteps, NodeCanaryPlan } from './daemonset-canary-plan';
import { RolloutKeys } from '../../keys';
import { KubeControllerRevision, KubeDaemonSet, KubeNode, KubePod } from '../kube/kube-types';
import { isPodAvailable, isPodTerminating, podName, podProblems, podRevision } from '../kube/pod-facts';
import { controlledRevisions, liveRevision, revisionHash } from '../kube/revision-history';
import { detectFailedStart, InfantMortalitySign } from '../promotion/infant-mortality';
import { BlockingPod, earliest, podAvailableAt, unavailableReason } from '../promotion/step-gate';

/** What the executor observed of one DaemonSet. */
export interface DaemonSetObservation {
  /** The DaemonSet. */
  readonly ds: KubeDaemonSet;
  /** The pods its selector matches (pods controlled by another owner are ignored). */
  readonly pods: readonly KubePod[];
  /** The ControllerRevisions its selector matches (revisions it does not control are ignored). */
  readonly revisions: readonly KubeControllerRevision[];
  /** The cluster's nodes, for their labels. */
  readonly nodes: readonly KubeNode[];
}

/** The revision new daemon pods are created from, once the controller has caught up with the spec. */
export interface DaemonSetUpdateRevision {
  /** The `controller-revision-hash` new pods carry; undefined while waiting for the controller. */
  readonly hash?: string;
  /** The ControllerRevision's number. */
  readonly number?: number;
  /** The template generation new pods carry in `pod-template-generation`. */
  readonly templateGeneration?: string;
  /** Why the revision is not known yet. */
  readonly waitingForController?: string;
}

/**
 * The update revision of a DaemonSet. DaemonSets have no `status.updateRevision`: it is the controlled
 * ControllerRevision whose data is the live template (the highest such revision, as the controller labels new pods
 * with it), known once `status.observedGeneration` has caught up with the spec.
 */
export function daemonSetUpdateRevision(observation: DaemonSetObservation): DaemonSetUpdateRevision {
  const { ds } = observation;
  const generation = ds.metadata.generation ?? 0;
  const observed = ds.status?.observedGeneration ?? 0;
  if (observed === 0 || observed < generation) {
    return { waitingForController: `the DaemonSet controller has not observed generation ${generation} yet (observedGeneration ${observed})` };
  }
  const revision = liveRevision(ds, controlledRevisions(ds, observation.revisions));
  if (!revision) {
    return { waitingForController: 'the DaemonSet controller has not recorded a ControllerRevision for the current template yet' };
  }
  return {
    hash: revisionHash('DaemonSet', revision),
    number: revision.revision,
    templateGeneration: ds.metadata.annotations?.[RolloutKeys.DAEMONSET_TEMPLATE_GENERATION_ANNOTATION],
  };
}

/**
 * Whether a daemon pod runs the update revision: the same `controller-revision-hash`, or the same template
 * generation (upstream's `IsPodUpdated`).
 */
export function isDaemonPodUpdated(pod: KubePod, revision: DaemonSetUpdateRevision): boolean {
  const labels = pod.metadata.labels ?? {};
  return (revision.hash !== undefined && labels[RolloutKeys.CONTROLLER_REVISION_HASH_LABEL] === revision.hash)
    || (revision.templateGeneration !== undefined && labels[RolloutKeys.POD_TEMPLATE_GENERATION_LABEL] === revision.templateGeneration);
}

/**
 * The node a daemon pod runs on or is meant for: `spec.nodeName`, or, before it is bound, the node its
 * `metadata.name` node affinity pins it to (upstream's `util.GetTargetNodeName`).
 */
export function daemonPodNode(pod: KubePod): string | undefined {
  if (pod.spec?.nodeName) {
    return pod.spec.nodeName;
  }
  type Terms = { nodeSelectorTerms?: { matchFields?: { key: string; values?: string[] }[] }[] };
  const affinity = pod.spec?.affinity as { nodeAffinity?: { requiredDuringSchedulingIgnoredDuringExecution?: Terms } } | undefined;
  for (const term of affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? []) {
    const field = (term.matchFields ?? []).find((requirement) => requirement.key === 'metadata.name' && requirement.values?.length === 1);
    if (field) {
      return field.values![0];
    }
  }
  return undefined;
}

/** The DaemonSet's pods grouped by node, terminating pods included. Pods controlled by another owner are left out. */
export function daemonPodsByNode(ds: KubeDaemonSet, pods: readonly KubePod[]): Map<string, KubePod[]> {
  const byNode = new Map<string, KubePod[]>();
  for (const pod of pods) {
    const controller = (pod.metadata.ownerReferences ?? []).find((ref) => ref.controller === true);
    const node = daemonPodNode(pod);
    if (node === undefined || (controller !== undefined && controller.uid !== ds.metadata.uid)) {
      continue;
    }
    byNode.set(node, [...(byNode.get(node) ?? []), pod]);
  }
  return byNode;
}

/** The nodes running the DaemonSet, with their labels and whether their pod is updated, for the plan. */
export function canaryNodes(observation: DaemonSetObservation, revision: DaemonSetUpdateRevision): CanaryNode[] {
  const labels = new Map(observation.nodes.map((node) => [node.metadata.name ?? '', node.metadata.labels ?? {}]));
  return [...daemonPodsByNode(observation.ds, observation.pods)].map(([name, pods]) => ({
    name,
    labels: labels.get(name) ?? {},
    updated: nodePods(pods, revision).newPod !== undefined,
  }));
}

/** The inputs of {@link evaluateCanaryStep}. */
export interface CanaryStepInput {
  /** What was observed. */
  readonly observation: DaemonSetObservation;
  /** The plan being walked. */
  readonly plan: NodeCanaryPlan;
  /** The step to evaluate (0 = staged). */
  readonly step: number;
  /** Pods that may be unavailable at once, across the DaemonSet (at least 1). */
  readonly maxUnavailable: number;
  /** Now, ms since the epoch. */
  readonly now: number;
}

/** A daemon pod to delete so the controller recreates it from the update revision. */
export interface CanaryDeletion {
  /** The pod's name. */
  readonly pod: string;
  /** Its uid: the deletion's precondition, so a pod replaced meanwhile is never deleted by mistake. */
  readonly uid: string;
  /** Its node. */
  readonly node: string;
}

/** What one step of a node canary needs next. */
export interface CanaryStepEvaluation {
  /** The revision being rolled out (hash undefined while the controller catches up). */
  readonly revision: DaemonSetUpdateRevision;
  /** The number of steps the plan resolves to for the current nodes, the staged step included. */
  readonly stepCount: number;
  /** The nodes the step covers: the plan's nodes for the step, and every node already on the update revision. */
  readonly nodes: readonly string[];
  /** Whether every covered node runs one updated pod that is Ready and Available. */
  readonly passed: boolean;
  /** Set while the controller has not caught up (spec not observed, or a node waiting for its pod). */
  readonly waitingForController?: string;
  /** The covered nodes' pods still in the way. */
  readonly blocking: readonly BlockingPod[];
  /** Old pods to delete now; never more than the budget allows. */
  readonly deletions: readonly CanaryDeletion[];
  /** Updated pods in a back-off (the new revision cannot start): the step fails at once. */
  readonly failedStart: readonly InfantMortalitySign[];
  /** When a Ready pod becomes Available through minReadySeconds alone. */
  readonly recheckAt?: number;
}

/**
 * Evaluates a step of a node canary, as the DaemonSet controller's rolling update (`rollingUpdate` in
 * pkg/controller/daemon/update.go, maxSurge 0) would for the step's nodes only:
 *
 * - unavailable nodes are counted across the whole DaemonSet: a node without a live pod, with several, or whose
 *   updated pod is not Available;
 * - on the step's nodes, an old pod that is not Available is replaced at once (it costs no budget), and available old
 *   pods are deleted while the count stays within `maxUnavailable`;
 * - the step passes when every covered node runs an updated pod that is Ready and Available.
 *
 * Nothing is deleted, and the step cannot pass, while the controller has not observed the spec or has not yet given
 * every node that should run the DaemonSet its pod (`status.desiredNumberScheduled`): a node between the deletion of
 * its old pod and the creation of its new one would otherwise be missed. The controller creates the new pod only once
 * the old one is gone, so a node never runs two daemon pods at once and a pod binding a hostPort never surges.
 */
export function evaluateCanaryStep(input: CanaryStepInput): CanaryStepEvaluation {
  const { observation, now } = input;
  const { ds } = observation;
  const revision = daemonSetUpdateRevision(observation);
  const byNode = daemonPodsByNode(ds, observation.pods);
  const nodes = canaryNodes(observation, revision);
  const steps = resolveNodeCanarySteps(input.plan, nodes);
  const step = Math.min(input.step, steps.length - 1);
  const planned = new Set(steps[step]);
  const covered = [...steps[step], ...nodes.filter((node) => node.updated && !planned.has(node.name)).map((node) => node.name)];
  const base = { revision, stepCount: steps.length, nodes: covered };
  const desired = ds.status?.desiredNumberScheduled ?? 0;
  const waitingForController = revision.waitingForController
    ?? (byNode.size < desired ? `the DaemonSet controller has not yet created the pods of ${desired - byNode.size} of its ${desired} nodes` : undefined);
  if (waitingForController !== undefined || revision.hash === undefined) {
    return { ...base, passed: false, waitingForController, blocking: [], deletions: [], failedStart: [] };
  }
  const minReadySeconds = ds.spec.minReadySeconds ?? 0;
  const blocking: BlockingPod[] = [];
  let recheckAt: number | undefined;
  for (const node of covered) {
    const pods = nodePods(byNode.get(node) ?? [], revision);
    const block = nodeBlocking(node, pods, revision, minReadySeconds, now);
    if (block) {
      blocking.push(block);
      if (pods.newPod) {
        recheckAt = earliest(recheckAt, podAvailableAt(pods.newPod, minReadySeconds));
      }
    }
  }
  return {
    ...base,
    passed: blocking.length === 0,
    blocking,
    deletions: podsToDelete(byNode, covered, revision, input.maxUnavailable, minReadySeconds, now),
    failedStart: detectFailedStart(observation.pods, revision.hash),
    recheckAt,
  };
}

/** The live pods of one node, split as upstream's `findUpdatedPodsOnNode`; `several` when there is more than one of a kind. */
interface NodePods {
  readonly newPod?: KubePod;
  readonly oldPod?: KubePod;
  readonly several: boolean;
  readonly terminating?: KubePod;
}

function nodePods(pods: readonly KubePod[], revision: DaemonSetUpdateRevision): NodePods {
  const live = pods.filter((pod) => !isPodTerminating(pod));
  const updated = live.filter((pod) => isDaemonPodUpdated(pod, revision));
  const old = live.filter((pod) => !isDaemonPodUpdated(pod, revision));
  return {
    newPod: updated[0],
    oldPod: old[0],
    several: updated.length > 1 || old.length > 1,
    terminating: pods.find(isPodTerminating),
  };
}

function nodeBlocking(
  node: string, pods: NodePods, revision: DaemonSetUpdateRevision, minReadySeconds: number, now: number,
): BlockingPod | undefined {
  if (pods.newPod) {
    const problems = podProblems(pods.newPod);
    const reason = unavailableReason(pods.newPod, minReadySeconds, now, problems);
    return reason ? { pod: podName(pods.newPod), node, reason, problems } : undefined;
  }
  if (pods.oldPod) {
    return {
      pod: podName(pods.oldPod),
      node,
      reason: `on revision ${podRevision(pods.oldPod) ?? '<none>'}, waiting to be replaced by ${revision.hash}`,
      problems: podProblems(pods.oldPod),
    };
  }
  return pods.terminating
    ? { pod: podName(pods.terminating), node, reason: 'terminating; the controller creates the new pod once it is gone', problems: [] }
    : { pod: '', node, reason: 'no daemon pod yet', problems: [] };
}

// The no-surge branch of upstream's rollingUpdate, restricted to the covered nodes.
function podsToDelete(
  byNode: ReadonlyMap<string, readonly KubePod[]>, covered: readonly string[], revision: DaemonSetUpdateRevision,
  maxUnavailable: number, minReadySeconds: number, now: number,
): CanaryDeletion[] {
  // Each covered node's place in the plan's order, looked up once per pod instead of searched for.
  const planOrder = new Map(covered.map((node, index) => [node, index]));
  let unavailable = 0;
  const replacements: CanaryDeletion[] = [];
  const candidates: CanaryDeletion[] = [];
  for (const [node, all] of byNode) {
    const pods = nodePods(all, revision);
    if (pods.several || (pods.newPod === undefined) === (pods.oldPod === undefined)) {
      unavailable++;
    } else if (pods.newPod) {
      if (!isPodAvailable(pods.newPod, minReadySeconds, now)) {
        unavailable++;
      }
    } else if (planOrder.has(node)) {
      const deletion = { pod: podName(pods.oldPod!), uid: pods.oldPod!.metadata.uid ?? '', node };
      (isPodAvailable(pods.oldPod!, minReadySeconds, now) ? candidates : replacements).push(deletion);
    }
  }
  // Candidates go in the plan's node order, so the nodes a step names first are replaced first.
  const inPlanOrder = (a: CanaryDeletion, b: CanaryDeletion) => planOrder.get(a.node)! - planOrder.get(b.node)!;
  const allowed = Math.max(0, Math.min(maxUnavailable - unavailable, candidates.length));
  return [...replacements.sort(inPlanOrder), ...candidates.sort(inPlanOrder).slice(0, allowed)];
}
