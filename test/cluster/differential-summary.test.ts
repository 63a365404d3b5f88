import { summarizeDifferential } from './differential-summary';

test('the summary counts scenarios and checkpoints and names the scenarios that differ', () => {
  expect(summarizeDifferential([
    { scenario: 'a', steps: 3, equal: true, differences: [] },
    { scenario: 'b', steps: 2, equal: false, differences: ['x', 'y'] },
  ])).toEqual([
    'differential (sandbox vs real control plane): 2 scenarios, 5 checkpoints compared; 1 scenarios equal, 1 different',
    '  different: b (2 differences)',
  ]);
  expect(summarizeDifferential([])[0]).toBe('differential (sandbox vs real control plane): 0 scenarios, 0 checkpoints compared; 0 scenarios equal, 0 different');
});
