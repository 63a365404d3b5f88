// The node canary plan of a DaemonSet: DaemonSets have no partition, so a staged DaemonSet update moves node by node.
// This file parses the plan's string form and resolves it, for the nodes that run the DaemonSet, into the nodes each
// step moves to the update revision. Pure: no I/O, no clock.
import { RuntimeError } from './runtime-error';
import { scaledValueFromIntOrPercent } from '../internal/int-or-percent';
import { LabelRequirement, LabelSelectorError, matchesRequirements, parseLabelSelector, splitTopLevel } from '../internal/label-selector';

/** One listed step of a node canary plan, before it is resolved against the nodes. */
export type NodeCanaryStep =
  /** Cumulative: this many nodes run the update revision once the step is done (`canary` is `1`). */
  | { readonly kind: 'count'; readonly count: number }
  /** Cumulative: this share of the nodes (rounded up) runs the update revision once the step is done. */
  | { readonly kind: 'percent'; readonly percent: number }
  /** Every node the selector matches runs the update revision once the step is done (with the earlier steps' nodes). */
  | { readonly kind: 'nodes'; readonly selector: string; readonly requirements: readonly LabelRequirement[] };

/** A parsed node canary plan. */
export interface NodeCanaryPlan {
  /** The plan's string form, as given. */
  readonly text: string;
  /** The listed steps; resolution adds the final "every node" step when the list does not end with it. */
  readonly steps: readonly NodeCanaryStep[];
}

/** A node that runs (or should run) a pod of the DaemonSet, as the planner sees it. */
export interface CanaryNode {
  /** The node's name. */
  readonly name: string;
  /** The node's labels, which `nodes=<selector>` steps match. */
  readonly labels: Readonly<Record<string, string>>;
  /** Whether the node's daemon pod already runs the update revision. */
  readonly updated: boolean;
}

const NODES_PREFIX = 'nodes=';
const COUNT = /^\d+$/;
const PERCENT = /^(\d+)%$/;

/**
 * Parses a DaemonSet node canary plan.
 *
 * The string form is a list of cumulative steps separated by commas (or by `;`, which never appears in a selector):
 * - `canary`: one node;
 * - `N`: N nodes in all (a count above the number of nodes means every node);
 * - `P%`: P percent of the nodes in all, rounded up as the DaemonSet controller rounds `maxUnavailable`
 *   (`intstr.GetScaledValueFromIntOrPercent` with roundUp), so `10%` of 3 nodes is 1 node;
 * - `nodes=<label selector>`: the nodes whose labels match, in `kubectl -l` syntax. A selector with several
 *   requirements keeps its commas (`nodes=zone=a,tier=edge,50%` is two steps): a comma-separated part that is not a
 *   step of its own continues the selector before it.
 *
 * Every plan ends with every node; `100%` is added when the list does not end with it.
 *
 * @param text the plan, e.g. `canary,nodes=topology.kubernetes.io/zone=a,50%`
 * @param origin where the plan came from, for messages (`--plan`)
 * @throws RuntimeError (`bad-input`) naming the step and what would be valid
 */
export function parseNodeCanaryPlan(text: string, origin = '--plan'): NodeCanaryPlan {
  const fail = (problem: string): never => {
    throw new RuntimeError('bad-input', `invalid DaemonSet canary plan "${text}" from ${origin}: ${problem}`);
  };
  const tokens = splitSteps(text);
  if (tokens.length === 0) {
    return fail('it lists no step; use for example "canary", "1,50%", "nodes=zone=a" or "10%,50%"');
  }
  const steps: NodeCanaryStep[] = [];
  let lastCount = 0;
  let lastPercent = 0;
  for (const token of tokens) {
    const percent = PERCENT.exec(token);
    if (token === 'canary' || COUNT.test(token)) {
      const count = token === 'canary' ? 1 : Number(token);
      if (count < 1) {
        fail(`step "${token}": a count must be at least 1 node`);
      }
      if (count <= lastCount) {
        fail(`step "${token}": counts are cumulative and must increase (the step before already covers ${lastCount} nodes)`);
      }
      lastCount = count;
      steps.push({ kind: 'count', count });
    } else if (percent) {
      const value = Number(percent[1]);
      if (value < 1 || value > 100) {
        fail(`step "${token}": a percentage must be between 1% and 100%`);
      }
      if (value <= lastPercent) {
        fail(`step "${token}": percentages are cumulative and must increase (the step before already covers ${lastPercent}%)`);
      }
      lastPercent = value;
      steps.push({ kind: 'percent', percent: value });
    } else if (token.startsWith(NODES_PREFIX)) {
      const selector = token.slice(NODES_PREFIX.length).trim();
      if (selector === '') {
        fail(`step "${token}": the selector is empty; use "100%" for every node`);
      }
      steps.push({ kind: 'nodes', selector, requirements: parseSelector(selector, token, fail) });
    } else {
      fail(`step "${token}" is not "canary", a node count such as 3, a percentage such as 25%, or nodes=<label selector>`);
    }
  }
  return { text, steps };
}

/** The plan's steps in their string form, joined by `;` when a selector holds a comma (so the text parses back). */
export function formatNodeCanaryPlan(plan: NodeCanaryPlan): string {
  const tokens = plan.steps.map((step) => {
    switch (step.kind) {
      case 'count':
        return String(step.count);
      case 'percent':
        return `${step.percent}%`;
      case 'nodes':
        return `${NODES_PREFIX}${step.selector}`;
    }
  });
  return tokens.join(tokens.some((token) => token.includes(',')) ? ';' : ',');
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

// Splits on `;` when the text has one, else on commas outside parentheses, joining a part that is not a step of its
// own onto a `nodes=` step before it (the rest of a multi-requirement selector).
function splitSteps(text: string): string[] {
  if (text.includes(';')) {
    return text.split(';').map((part) => part.trim()).filter((part) => part !== '');
  }
  const tokens: string[] = [];
  for (const raw of splitTopLevel(text)) {
    const part = raw.trim();
    const previous = tokens[tokens.length - 1];
    if (previous?.startsWith(NODES_PREFIX) && !isStepStart(part)) {
      tokens[tokens.length - 1] = `${previous},${part}`;
    } else if (part !== '') {
      tokens.push(part);
    }
  }
  return tokens;
}

function isStepStart(part: string): boolean {
  return part === 'canary' || COUNT.test(part) || PERCENT.test(part) || part.startsWith(NODES_PREFIX);
}

function parseSelector(selector: string, token: string, fail: (problem: string) => never): LabelRequirement[] {
  try {
    return parseLabelSelector(selector);
  } catch (error) {
    if (error instanceof LabelSelectorError) {
      return fail(`step "${token}": ${error.message}`);
    }
    throw error;
  }
}
