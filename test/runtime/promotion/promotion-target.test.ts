import { podsForTarget, resolveTargetStep } from '../../../src/runtime/promotion/promotion-target';

describe('podsForTarget', () => {
  test('a percentage rounds up and is at least one pod', () => {
    expect(podsForTarget('50%', 5)).toBe(3);
    expect(podsForTarget('1%', 3)).toBe(1);
    expect(podsForTarget('100%', 100)).toBe(100);
  });

  test('a count is taken as is', () => {
    expect(podsForTarget('3', 5)).toBe(3);
  });

  test('rejects out-of-range and malformed values with the reason', () => {
    expect(() => podsForTarget('0%', 5)).toThrow('invalid --to "0%": a percentage must be in (0%, 100%]');
    expect(() => podsForTarget('150%', 5)).toThrow('invalid --to "150%": a percentage must be in (0%, 100%]');
    expect(() => podsForTarget('6', 5)).toThrow('invalid --to "6": expected between 1 and 5 pods (the workload has 5)');
    expect(() => podsForTarget('half', 5))
      .toThrow('invalid --to "half": expected a percentage such as 50% or a number of pods such as 3');
  });
});

describe('resolveTargetStep', () => {
  // The 100-replica plan 100, 99, 90, 50, 0: pods updated after each step.
  const updated = [0, 1, 10, 50, 100];

  test('--all goes to the last step, --step one further', () => {
    expect(resolveTargetStep({ kind: 'all' }, updated, 1)).toBe(4);
    expect(resolveTargetStep({ kind: 'step' }, updated, 1)).toBe(2);
    expect(resolveTargetStep({ kind: 'step' }, updated, 4)).toBe(4);
  });

  test('--to stops at the first step that updates at least that many pods', () => {
    expect(resolveTargetStep({ kind: 'to', value: '50%' }, updated, 0)).toBe(3);
    expect(resolveTargetStep({ kind: 'to', value: '5' }, updated, 0)).toBe(2);
    expect(resolveTargetStep({ kind: 'to', value: '100%' }, updated, 0)).toBe(4);
  });
});
