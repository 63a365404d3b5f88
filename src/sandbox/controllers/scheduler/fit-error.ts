// The message of an unschedulable pod (framework.FitError.Error): the number of nodes and a sorted
// histogram of the filter reasons, e.g. "0/3 nodes are available: 1 Insufficient cpu, 2 node(s) didn't
// match Pod's node affinity/selector.", then what preemption found, e.g. " preemption: 0/3 nodes are
// available: 3 No preemption victims found for incoming pod.."
import type { KubeObject } from '../../api';

/** Upstream's message when the cluster has no nodes at all. */
export const NO_NODES_AVAILABLE = 'no nodes available to schedule pods';

/**
 * Formats the FailedScheduling message from each node's failure reasons, followed (as upstream's FitError does) by
 * the PostFilter message of the default preemption plugin when there is one.
 */
export function fitErrorMessage(reasonsByNode: ReadonlyMap<string, readonly string[]>, postFilterMessage?: string): string {
  if (reasonsByNode.size === 0) {
    return NO_NODES_AVAILABLE;
  }
  const histogram = new Map<string, number>();
  for (const reasons of reasonsByNode.values()) {
    for (const reason of reasons) {
      histogram.set(reason, (histogram.get(reason) ?? 0) + 1);
    }
  }
  // Go's sort.Strings: byte order, so "10 x" sorts before "2 y" as upstream's does.
  const sorted = [...histogram].map(([reason, count]) => `${count} ${reason}`).sort(byBytes);
  const message = `0/${reasonsByNode.size} nodes are available: ${sorted.join(', ')}.`;
  return postFilterMessage ? `${message} ${postFilterMessage}.` : message;
}

/**
 * What DefaultPreemption's PostFilter reports for a pod no node fits (preemption.go's Evaluator.Preempt), given whether
 * each node's failure is unresolvable. The sandbox has no PriorityClasses, so every pod has the same priority and no
 * node ever has a victim: a node preemption could help on reports that it found none.
 */
export function preemptionMessage(pod: KubeObject, unresolvableByNode: ReadonlyMap<string, boolean>): string {
  if (pod.spec?.preemptionPolicy === 'Never') {
    return 'preemption: not eligible due to preemptionPolicy=Never.';
  }
  const reasons = new Map([...unresolvableByNode].map(([node, unresolvable]) =>
    [node, [unresolvable ? 'Preemption is not helpful for scheduling' : 'No preemption victims found for incoming pod']]));
  return `preemption: ${fitErrorMessage(reasons)}`;
}

function byBytes(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
