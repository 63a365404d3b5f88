import { fitErrorMessage, NO_NODES_AVAILABLE, preemptionMessage } from '../../../src/sandbox/controllers/scheduler/fit-error';

describe('fitErrorMessage', () => {
  test('counts one reason on every node like the scheduler', () => {
    const reasons = new Map([['node-1', ['Insufficient cpu']], ['node-2', ['Insufficient cpu']], ['node-3', ['Insufficient cpu']]]);
    expect(fitErrorMessage(reasons)).toBe('0/3 nodes are available: 3 Insufficient cpu.');
  });

  test('sorts the histogram entries', () => {
    const reasons = new Map([
      ['node-1', ["node(s) didn't match Pod's node affinity/selector"]],
      ['node-2', ["node(s) didn't match Pod's node affinity/selector"]],
      ['node-3', ['Insufficient cpu']],
    ]);
    expect(fitErrorMessage(reasons)).toBe("0/3 nodes are available: 1 Insufficient cpu, 2 node(s) didn't match Pod's node affinity/selector.");
  });

  test('reports an empty cluster as upstream does', () => {
    expect(fitErrorMessage(new Map())).toBe(NO_NODES_AVAILABLE);
  });
});

describe('preemptionMessage (DefaultPreemption PostFilter)', () => {
  const pod = (preemptionPolicy?: string) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { preemptionPolicy } });

  test('nodes where removing pods could help have no victims (every pod has the same priority); the others are not helped', () => {
    const statuses = new Map([['node-1', true], ['node-2', false], ['node-3', false]]);
    expect(preemptionMessage(pod(), statuses)).toBe(
      'preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod.');
  });

  test('a pod that may not preempt says so', () => {
    expect(preemptionMessage(pod('Never'), new Map([['node-1', false]]))).toBe('preemption: not eligible due to preemptionPolicy=Never.');
  });

  test('the PostFilter message follows the filters\' with its own period, as upstream prints it', () => {
    const reasons = new Map([['node-1', ['node(s) were unschedulable']], ['node-2', ["node(s) didn't match pod anti-affinity rules"]]]);
    expect(fitErrorMessage(reasons, 'preemption: 0/2 nodes are available: 1 No preemption victims found for incoming pod, 1 Preemption is not helpful for scheduling.'))
      .toBe("0/2 nodes are available: 1 node(s) didn't match pod anti-affinity rules, 1 node(s) were unschedulable. "
        + 'preemption: 0/2 nodes are available: 1 No preemption victims found for incoming pod, 1 Preemption is not helpful for scheduling..');
  });

  test('counts of ten or more sort as Go sorts strings', () => {
    const reasons = new Map(Array.from({ length: 12 }, (_, i) => [`node-${i}`, [i < 10 ? 'Insufficient cpu' : 'Too many pods']]));
    expect(fitErrorMessage(reasons)).toBe('0/12 nodes are available: 10 Insufficient cpu, 2 Too many pods.');
  });
});
