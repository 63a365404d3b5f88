import { fitErrorMessage, NO_NODES_AVAILABLE } from '../../../src/sandbox/controllers/scheduler/fit-error';

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
