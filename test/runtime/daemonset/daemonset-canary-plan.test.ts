import {
  CanaryNode, canaryNodeOrder, formatNodeCanaryPlan, nodesForPercent, parseNodeCanaryPlan, resolveNodeCanarySteps, validateNodeCanaryPlan,
} from '../../../src/runtime/daemonset/daemonset-canary-plan';
import { RuntimeError } from '../../../src/runtime/runtime-error';

/** node-1..node-N; odd nodes in zone a, even in zone b. */
function nodes(count: number, updated: string[] = []): CanaryNode[] {
  return Array.from({ length: count }, (_, i) => ({
    name: `node-${i + 1}`,
    labels: { zone: i % 2 === 0 ? 'a' : 'b', tier: i < 2 ? 'edge' : 'core' },
    updated: updated.includes(`node-${i + 1}`),
  }));
}

function badInput(text: string): string {
  try {
    parseNodeCanaryPlan(text);
  } catch (error) {
    expect(RuntimeError.is(error, 'bad-input')).toBe(true);
    return (error as Error).message;
  }
  throw new Error(`"${text}" parsed`);
}

describe('parseNodeCanaryPlan', () => {
  test('reads canary, counts, percentages and selectors', () => {
    expect(parseNodeCanaryPlan('canary,nodes=zone=a,50%').steps).toEqual([
      { kind: 'count', count: 1 },
      { kind: 'nodes', selector: 'zone=a', requirements: [{ key: 'zone', operator: 'In', values: ['a'] }] },
      { kind: 'percent', percent: 50 },
    ]);
  });

  test('a selector keeps its commas: parts that are not steps continue it', () => {
    const plan = parseNodeCanaryPlan('nodes=zone=a,tier=edge,3,nodes=zone in (a,b),100%');
    expect(plan.steps.map((step) => step.kind === 'nodes' ? step.selector : step.kind)).toEqual(['zone=a,tier=edge', 'count', 'zone in (a,b)', 'percent']);
    expect(formatNodeCanaryPlan(plan)).toBe('nodes=zone=a,tier=edge;3;nodes=zone in (a,b);100%');
    expect(parseNodeCanaryPlan(formatNodeCanaryPlan(plan)).steps).toEqual(plan.steps);
  });

  test('";" separates steps when present', () => {
    expect(parseNodeCanaryPlan('nodes=tier=edge; 5 ;').steps.map((step) => step.kind)).toEqual(['nodes', 'count']);
    expect(formatNodeCanaryPlan(parseNodeCanaryPlan('canary,10%'))).toBe('1,10%');
  });

  test('bad input names the step and what is valid', () => {
    expect(badInput('0%')).toBe('invalid DaemonSet canary plan "0%" from --plan: step "0%": a percentage must be between 1% and 100%');
    expect(badInput('150%')).toContain('step "150%": a percentage must be between 1% and 100%');
    expect(badInput('0')).toContain('step "0": a count must be at least 1 node');
    expect(badInput('3,2')).toContain('step "2": counts are cumulative and must increase (the step before already covers 3 nodes)');
    expect(badInput('50%,10%')).toContain('step "10%": percentages are cumulative and must increase');
    expect(badInput('nodes=')).toContain('step "nodes=": the selector is empty; use "100%" for every node');
    expect(badInput('nodes=zone in a')).toContain('step "nodes=zone in a": invalid label selector "zone in a"');
    expect(badInput('half')).toContain('step "half" is not "canary", a node count such as 3, a percentage such as 25%, or nodes=<label selector>');
    expect(badInput(' ')).toContain('it lists no step');
  });
});

describe('resolveNodeCanarySteps', () => {
  test('counts pick nodes in natural name order and the plan ends with every node', () => {
    expect(resolveNodeCanarySteps(parseNodeCanaryPlan('canary,3'), nodes(10))).toEqual([
      [],
      ['node-1'],
      ['node-1', 'node-2', 'node-3'],
      ['node-1', 'node-2', 'node-3', 'node-4', 'node-5', 'node-6', 'node-7', 'node-8', 'node-9', 'node-10'],
    ]);
  });

  test('percentages round up against the nodes (10% of 3 nodes is 1 node, 25% of 10 is 3)', () => {
    expect(nodesForPercent(10, 3)).toBe(1);
    expect(nodesForPercent(25, 10)).toBe(3);
    expect(nodesForPercent(1, 10)).toBe(1);
    expect(resolveNodeCanarySteps(parseNodeCanaryPlan('10%,50%'), nodes(10)).map((step) => step.length)).toEqual([0, 1, 5, 10]);
  });

  test('selectors add the nodes they match to the earlier steps\' nodes', () => {
    const steps = resolveNodeCanarySteps(parseNodeCanaryPlan('canary,nodes=zone=b,8'), nodes(6));
    expect(steps).toEqual([
      [],
      ['node-1'],
      ['node-1', 'node-2', 'node-4', 'node-6'],
      ['node-1', 'node-2', 'node-3', 'node-4', 'node-5', 'node-6'],
    ]);
  });

  test('steps that add no node are dropped (a count above the nodes means every node)', () => {
    expect(resolveNodeCanarySteps(parseNodeCanaryPlan('canary,5,100'), nodes(3)).map((step) => step.length)).toEqual([0, 1, 3]);
    expect(resolveNodeCanarySteps(parseNodeCanaryPlan('nodes=tier=edge,2,100%'), nodes(4)).map((step) => step.length)).toEqual([0, 2, 4]);
  });

  test('nodes already on the update revision are picked first, so a step keeps its nodes while they are replaced', () => {
    expect(canaryNodeOrder(nodes(10, ['node-7'])).map((node) => node.name).slice(0, 3)).toEqual(['node-7', 'node-1', 'node-2']);
    expect(resolveNodeCanarySteps(parseNodeCanaryPlan('2'), nodes(10, ['node-7']))[1]).toEqual(['node-7', 'node-1']);
    // node-1 replaced: the same two nodes.
    expect(resolveNodeCanarySteps(parseNodeCanaryPlan('2'), nodes(10, ['node-7', 'node-1']))[1]).toEqual(['node-1', 'node-7']);
  });
});

describe('validateNodeCanaryPlan', () => {
  test('a selector matching no node is bad input naming it', () => {
    expect(() => validateNodeCanaryPlan(parseNodeCanaryPlan('nodes=zone=c'), nodes(7), 'daemonset/node-exporter')).toThrow(
      'DaemonSet canary plan "nodes=zone=c": step "nodes=zone=c" matches none of the 7 nodes running daemonset/node-exporter '
      + '(node-1, node-2, node-3, node-4, node-5, ...); check the node labels with "kubectl get nodes --show-labels"');
    expect(() => validateNodeCanaryPlan(parseNodeCanaryPlan('nodes=zone=a'), nodes(2), 'daemonset/x')).not.toThrow();
  });

  test('a DaemonSet without pods has no node to canary on', () => {
    expect(() => validateNodeCanaryPlan(parseNodeCanaryPlan('canary'), [], 'daemonset/x'))
      .toThrow('daemonset/x runs no pod on any node, so there is no node to canary on');
  });
});
