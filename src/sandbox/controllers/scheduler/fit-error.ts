// The message of an unschedulable pod (framework.FitError.Error): the number of nodes and a sorted
// histogram of the filter reasons, e.g. "0/3 nodes are available: 1 Insufficient cpu, 2 node(s) didn't
// match Pod's node affinity/selector."

/** Upstream's message when the cluster has no nodes at all. */
export const NO_NODES_AVAILABLE = 'no nodes available to schedule pods';

/** Formats the FailedScheduling message from each node's failure reasons. */
export function fitErrorMessage(reasonsByNode: ReadonlyMap<string, readonly string[]>): string {
  if (reasonsByNode.size === 0) {
    return NO_NODES_AVAILABLE;
  }
  const histogram = new Map<string, number>();
  for (const reasons of reasonsByNode.values()) {
    for (const reason of reasons) {
      histogram.set(reason, (histogram.get(reason) ?? 0) + 1);
    }
  }
  const sorted = [...histogram].map(([reason, count]) => `${count} ${reason}`).sort();
  return `0/${reasonsByNode.size} nodes are available: ${sorted.join(', ')}.`;
}
