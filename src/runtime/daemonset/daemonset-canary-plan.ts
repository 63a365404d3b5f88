// The node canary plan of a DaemonSet (its text form is node-canary-plan.ts), resolved for the nodes that run the
// DaemonSet into the nodes each step moves to the update revision. Pure: no I/O, no clock.
import { scaledValueFromIntOrPercent } from '../../internal/int-or-percent';
import { matchesRequirements } from '../../internal/label-selector';
import { NodeCanaryPlan, NODES_PREFIX, parseNodeCanaryPlanText } from '../../node-canary-plan';
import { RuntimeError } from '../runtime-error';

export { formatNodeCanaryPlan } from '../../node-canary-plan';
export type { NodeCanaryPlan, NodeCanaryStep } from '../../node-canary-plan';

/** A node that runs (or should run) a pod of the DaemonSet, as the planner sees it. */
export interface CanaryNode {
  /** The node's name. */
  readonly name: string;
  /** The node's labels, which `nodes=<selector>` steps match. */
  readonly labels: Readonly<Record<string, string>>;
  /** Whether the node's daemon pod already runs the update revision. */
  readonly updated: boolean;
}

/**
 * Parses a DaemonSet node canary plan (see `parseNodeCanaryPlanText` for its form).
 *
 * @param text the plan, e.g. `canary,nodes=topology.kubernetes.io/zone=a,50%`
 * @param origin where the plan came from, for messages (`--plan`)
 * @throws RuntimeError (`bad-input`) naming the step and what would be valid
 */
export function parseNodeCanaryPlan(text: string, origin = '--plan'): NodeCanaryPlan {
  try {
    return parseNodeCanaryPlanText(text, origin);
  } catch (error) {
    throw new RuntimeError('bad-input', (error as Error).message);
  }
}

/**
 * The order in which count and percentage steps pick nodes: nodes already on the update revision first (moving them
 * costs nothing, and a rollout the controller had begun before the canary took over is kept), then the others in
 * natural order of their names (`node-2` before `node-10`). The order only changes when an unpicked node is updated
 * by someone else, so the nodes of a step stay the same while the promoter replaces their pods.
 */
export function canaryNodeOrder(nodes: readonly CanaryNode[]): CanaryNode[] {
  return [...nodes].sort((a, b) => Number(b.updated) - Number(a.updated) || NODE_NAME_ORDER.compare(a.name, b.name));
}

/**
 * Resolves a plan for the nodes that run the DaemonSet: for each step, the nodes that run the update revision once it
 * is done. Index 0 is the staged step (no node); the last step is every node. Sets only grow; a listed step that adds
 * no node (a count above the nodes already covered, a selector matching only covered nodes) is dropped, as
 * `PartitionPlan` drops phases that add no pod.
 *
 * @param plan the parsed plan
 * @param nodes the nodes running the DaemonSet's pods
 * @returns the node names per step, each list in the order of {@link canaryNodeOrder}
 */
export function resolveNodeCanarySteps(plan: NodeCanaryPlan, nodes: readonly CanaryNode[]): string[][] {
  const ordered = canaryNodeOrder(nodes);
  const total = ordered.length;
  const steps: string[][] = [[]];
  let covered = new Set<string>();
  const push = (added: readonly CanaryNode[]) => {
    const next = new Set([...covered, ...added.map((node) => node.name)]);
    if (next.size > covered.size) {
      covered = next;
      steps.push(ordered.filter((node) => covered.has(node.name)).map((node) => node.name));
    }
  };
  const firstUncovered = (count: number) => ordered.filter((node) => !covered.has(node.name)).slice(0, Math.max(0, count - covered.size));
  for (const step of plan.steps) {
    switch (step.kind) {
      case 'count':
        push(firstUncovered(step.count));
        break;
      case 'percent':
        push(firstUncovered(nodesForPercent(step.percent, total)));
        break;
      case 'nodes':
        push(ordered.filter((node) => matchesRequirements(step.requirements, node.labels)));
        break;
    }
  }
  push(ordered);
  return steps;
}

/**
 * Checks a plan against the nodes before a promotion starts: a `nodes=` step whose selector matches none of the nodes
 * running the DaemonSet is a mistake (a typo in a label), not a step to skip.
 *
 * @throws RuntimeError (`bad-input`) naming the selector and the nodes there are
 */
export function validateNodeCanaryPlan(plan: NodeCanaryPlan, nodes: readonly CanaryNode[], where: string): void {
  if (nodes.length === 0) {
    throw new RuntimeError('bad-input', `${where} runs no pod on any node, so there is no node to canary on`);
  }
  for (const step of plan.steps) {
    if (step.kind === 'nodes' && !nodes.some((node) => matchesRequirements(step.requirements, node.labels))) {
      const names = canaryNodeOrder(nodes).map((node) => node.name);
      throw new RuntimeError('bad-input',
        `DaemonSet canary plan "${plan.text}": step "${NODES_PREFIX}${step.selector}" matches none of the ${nodes.length} nodes running `
        + `${where} (${names.slice(0, 5).join(', ')}${names.length > 5 ? ', ...' : ''}); check the node labels with "kubectl get nodes --show-labels"`);
    }
  }
}

/** The nodes `percent`% of `total` nodes means: rounded up, and at least one node. */
export function nodesForPercent(percent: number, total: number): number {
  return Math.max(1, scaledValueFromIntOrPercent('plan', `${percent}%`, total, true));
}

const NODE_NAME_ORDER = new Intl.Collator('en', { numeric: true });

