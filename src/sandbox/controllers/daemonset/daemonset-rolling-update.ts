// The DaemonSet rolling update decision (update.go `rollingUpdate`), as a pure function of the pods
// per node. Without surge, old pods are deleted while fewer than maxUnavailable nodes are
// unavailable (an updated pod that never becomes available, like the seed's `:bad` image, keeps the
// budget spent and halts the rollout). With surge, a new pod is started next to an old available one
// on up to maxSurge nodes and the old pod is deleted once the new one is available.
import type { KubeObject } from '../../api';
import { isPodAvailable } from '../pod-status';
import { updatedAndOldPodOnNode } from './daemonset-pods';

/** What the rolling update sees. */
export interface RollingUpdateInput {
  /** The daemon pods by target node, with an empty list for every node that should run one. */
  readonly nodeToDaemonPods: ReadonlyMap<string, readonly KubeObject[]>;
  /** The current revision hash. */
  readonly hash: string;
  /** The template generation, if known. */
  readonly generation: string | undefined;
  /** Resolved maxSurge. */
  readonly maxSurge: number;
  /** Resolved maxUnavailable. */
  readonly maxUnavailable: number;
  /** The number of nodes that should run a daemon pod. */
  readonly desiredNumberScheduled: number;
  /** spec.minReadySeconds. */
  readonly minReadySeconds: number;
  /** The current time, epoch ms. */
  readonly now: number;
  /** Whether the named node should run a daemon pod under the current scheduling constraints. */
  readonly shouldRun: (nodeName: string) => boolean;
}

/** What the rolling update decided. */
export interface RollingUpdatePlan {
  /** Names of old pods to delete. */
  readonly podsToDelete: string[];
  /** Nodes to create a new pod on. */
  readonly nodesToCreate: string[];
}

/** Decides which old pods to delete and which nodes get a new pod. */
export function planRollingUpdate(input: RollingUpdateInput): RollingUpdatePlan {
  return input.maxSurge === 0 ? planWithoutSurge(input) : planWithSurge(input);
}

function planWithoutSurge(input: RollingUpdateInput): RollingUpdatePlan {
  const available = (pod: KubeObject) => isPodAvailable(pod, input.minReadySeconds, input.now);
  let numUnavailable = 0;
  const allowedReplacements: string[] = [];
  const candidates: string[] = [];
  for (const pods of input.nodeToDaemonPods.values()) {
    const found = updatedAndOldPodOnNode(pods, input.hash, input.generation);
    if (!found) {
      // Excess pods: the manage loop prunes them; count the node as unavailable meanwhile.
      numUnavailable++;
      continue;
    }
    const { newPod, oldPod } = found;
    if ((!oldPod && !newPod) || (oldPod && newPod)) {
      numUnavailable++;
    } else if (newPod) {
      if (!available(newPod)) {
        numUnavailable++;
      }
    } else if (!available(oldPod!)) {
      allowedReplacements.push(oldPod!.metadata.name!);
      numUnavailable++;
    } else if (numUnavailable < input.maxUnavailable) {
      candidates.push(oldPod!.metadata.name!);
    }
  }
  const remaining = Math.min(Math.max(input.maxUnavailable - numUnavailable, 0), candidates.length);
  return { podsToDelete: [...allowedReplacements, ...candidates.slice(0, remaining)], nodesToCreate: [] };
}

function planWithSurge(input: RollingUpdateInput): RollingUpdatePlan {
  const available = (pod: KubeObject) => isPodAvailable(pod, input.minReadySeconds, input.now);
  const podsToDelete: string[] = [];
  const shouldNotRunPodsToDelete: string[] = [];
  const candidateNewNodes: string[] = [];
  const allowedNewNodes: string[] = [];
  let numSurge = 0;
  let numAvailable = 0;
  for (const [nodeName, pods] of input.nodeToDaemonPods) {
    const found = updatedAndOldPodOnNode(pods, input.hash, input.generation);
    if (!found) {
      numSurge++;
      continue;
    }
    const { newPod, oldPod } = found;
    if (oldPod ? available(oldPod) : newPod !== undefined && available(newPod)) {
      numAvailable++;
    }
    if (!oldPod) {
      continue;
    }
    if (!newPod) {
      if (!available(oldPod)) {
        if (!input.shouldRun(nodeName)) {
          podsToDelete.push(oldPod.metadata.name!);
        } else {
          allowedNewNodes.push(nodeName);
        }
      } else if (!input.shouldRun(nodeName)) {
        shouldNotRunPodsToDelete.push(oldPod.metadata.name!);
      } else if (numSurge < input.maxSurge) {
        candidateNewNodes.push(nodeName);
      }
      continue;
    }
    if (!available(newPod)) {
      numSurge++;
      continue;
    }
    podsToDelete.push(oldPod.metadata.name!);
  }
  // Pods on nodes the DaemonSet no longer targets go only once as many pods are available elsewhere.
  const deletable = Math.min(Math.max(numAvailable - input.desiredNumberScheduled, 0), shouldNotRunPodsToDelete.length);
  podsToDelete.push(...shouldNotRunPodsToDelete.slice(0, deletable));
  const remainingSurge = Math.min(Math.max(input.maxSurge - numSurge, 0), candidateNewNodes.length);
  return { podsToDelete, nodesToCreate: [...allowedNewNodes, ...candidateNewNodes.slice(0, remainingSurge)] };
}
