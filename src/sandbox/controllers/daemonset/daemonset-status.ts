// DaemonSet status counts (daemon_controller.go updateDaemonSetStatus), which kubectl's DESIRED,
// CURRENT, READY, UP-TO-DATE and AVAILABLE columns and `rollout status` read.
import type { KubeObject } from '../../api';
import { isPodAvailable, isPodReady } from '../pod-status';
import { compareByCreationAndPhase, isPodUpdated } from './daemonset-pods';

/** The status counts of a DaemonSet. */
export interface DaemonSetCounts {
  /** Nodes that should run the daemon pod. */
  desiredNumberScheduled: number;
  /** Of those, nodes running at least one daemon pod. */
  currentNumberScheduled: number;
  /** Nodes running a daemon pod they should not run. */
  numberMisscheduled: number;
  /** Nodes whose oldest daemon pod is Ready. */
  numberReady: number;
  /** Nodes whose oldest daemon pod runs the current template. */
  updatedNumberScheduled: number;
  /** Nodes whose oldest daemon pod has been Ready for minReadySeconds. */
  numberAvailable: number;
  /** desiredNumberScheduled - numberAvailable. */
  numberUnavailable: number;
}

/** What the counts are computed from. */
export interface DaemonSetCountsInput {
  /** All nodes. */
  readonly nodes: readonly KubeObject[];
  /** The daemon pods by target node. */
  readonly nodeToDaemonPods: ReadonlyMap<string, readonly KubeObject[]>;
  /** Whether a node should run the daemon pod. */
  readonly shouldRun: (node: KubeObject) => boolean;
  /** The current revision hash. */
  readonly hash: string;
  /** The template generation, if known. */
  readonly generation: string | undefined;
  /** spec.minReadySeconds. */
  readonly minReadySeconds: number;
  /** The current time, epoch ms. */
  readonly now: number;
}

/** Counts nodes and daemon pods as `updateDaemonSetStatus` does. */
export function countDaemonSet(input: DaemonSetCountsInput): DaemonSetCounts {
  const counts: DaemonSetCounts = {
    desiredNumberScheduled: 0,
    currentNumberScheduled: 0,
    numberMisscheduled: 0,
    numberReady: 0,
    updatedNumberScheduled: 0,
    numberAvailable: 0,
    numberUnavailable: 0,
  };
  for (const node of input.nodes) {
    const pods = input.nodeToDaemonPods.get(node.metadata.name!) ?? [];
    const scheduled = pods.length > 0;
    if (!input.shouldRun(node)) {
      if (scheduled) {
        counts.numberMisscheduled++;
      }
      continue;
    }
    counts.desiredNumberScheduled++;
    if (!scheduled) {
      continue;
    }
    counts.currentNumberScheduled++;
    const pod = [...pods].sort(compareByCreationAndPhase)[0];
    if (isPodReady(pod)) {
      counts.numberReady++;
      if (isPodAvailable(pod, input.minReadySeconds, input.now)) {
        counts.numberAvailable++;
      }
    }
    if (isPodUpdated(pod, input.hash, input.generation)) {
      counts.updatedNumberScheduled++;
    }
  }
  counts.numberUnavailable = counts.desiredNumberScheduled - counts.numberAvailable;
  return counts;
}
