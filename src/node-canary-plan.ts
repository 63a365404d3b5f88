// The node canary plan of a DaemonSet, as text: its one definition, read by the constructs (a promotion Job's plan is
// checked at synth) and by the runtime (which resolves it against the nodes, daemonset-canary-plan.ts). DaemonSets
// have no partition, so a staged DaemonSet update moves node by node. Imports nothing from cdk8s.
import { LabelRequirement, LabelSelectorError, parseLabelSelector, splitTopLevel } from './internal/label-selector';

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

/** The prefix of a step that names its nodes by a label selector. */
export const NODES_PREFIX = 'nodes=';
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
 * @throws Error naming the plan, where it came from, the step and what would be valid
 */
export function parseNodeCanaryPlanText(text: string, origin = '--plan'): NodeCanaryPlan {
  const fail = (problem: string): never => {
    throw new Error(`invalid DaemonSet canary plan "${text}" from ${origin}: ${problem}`);
  };
  if (typeof text !== 'string') {
    return fail('give the plan as text, e.g. "canary" or "1,25%,100%"');
  }
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
