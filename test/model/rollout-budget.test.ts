import * as fc from 'fast-check';
import { PercentOrCount } from '../../src/percent-or-count';
import { RolloutBudget } from '../../src/rollout-budget';
import { thrownValidationError } from '../constructs/manifest';

const pct = PercentOrCount.percent;
const count = PercentOrCount.count;

describe('RolloutBudget.deployment (ResolveFenceposts: surge up, unavailable down)', () => {
  test.each([
    // [maxSurge, maxUnavailable, total, surge, unavailable]
    ['25%', '25%', 10, 3, 2],
    ['25%', '25%', 4, 1, 1],
    ['25%', '25%', 1, 1, 0],
    ['10%', '10%', 15, 2, 1],
    ['30%', '30%', 10, 3, 3], // seed 003: at most 130% of the pods exist, at least 70% are available
    ['30%', '30%', 7, 3, 2],
    ['0', '25%', 3, 0, 1], // floor(0.75) = 0 and no surge: the fencepost allows 1 unavailable
    ['0', '1%', 50, 0, 1],
    ['1', '0', 10, 1, 0],
    ['200%', '0', 3, 6, 0], // a Deployment's maxSurge may exceed 100%
  ])('maxSurge %s, maxUnavailable %s of %i -> %i surge, %i unavailable', (surge, unavailable, total, s, u) => {
    const budget = RolloutBudget.deployment({ maxSurge: PercentOrCount.parse(surge), maxUnavailable: PercentOrCount.parse(unavailable) });
    expect(budget.resolve(total)).toEqual({ maxSurge: s, maxUnavailable: u });
  });

  test('defaults are 25% / 25%', () => {
    const budget = RolloutBudget.deployment();
    expect(budget.maxSurge.toString()).toBe('25%');
    expect(budget.maxUnavailable.toString()).toBe('25%');
    expect(budget.describe(10)).toBe('10 pods, maxSurge 25%, maxUnavailable 25% -> 5 pods at a time (3 surge + 2 unavailable), 2 waves');
  });
});

describe('RolloutBudget.daemonSet (SurgeCount / UnavailableCount: both up)', () => {
  test.each([
    ['0', '25%', 4, 0, 1],
    ['0', '25%', 10, 0, 3],
    ['0', '10%', 3, 0, 1],
    ['10%', '0', 5, 1, 0],
    ['25%', '25%', 10, 3, 3],
    ['0', '1', 0, 0, 1],
    ['0', '25%', 0, 0, 0], // no node scheduled, nothing to replace
  ])('maxSurge %s, maxUnavailable %s of %i nodes -> %i surge, %i unavailable', (surge, unavailable, total, s, u) => {
    const budget = RolloutBudget.daemonSet({ maxSurge: PercentOrCount.parse(surge), maxUnavailable: PercentOrCount.parse(unavailable) });
    expect(budget.resolve(total)).toEqual({ maxSurge: s, maxUnavailable: u });
  });

  test('defaults are maxSurge 0, maxUnavailable 1', () => {
    const budget = RolloutBudget.daemonSet();
    expect(budget.maxSurge.toString()).toBe('0');
    expect(budget.maxUnavailable.toString()).toBe('1');
    expect(budget.resolve(7)).toEqual({ maxSurge: 0, maxUnavailable: 1 });
  });

  test('the issue\'s example sentence', () => {
    expect(RolloutBudget.daemonSet({ maxUnavailable: pct(25) }).describe(4)).toBe('4 nodes, maxUnavailable 25% -> 1 pod at a time, 4 waves');
  });

  test('a surge-only budget and a custom unit', () => {
    const budget = RolloutBudget.daemonSet({ maxSurge: count(2), maxUnavailable: count(0) });
    expect(budget.describe(5)).toBe('5 nodes, maxSurge 2 -> 2 pods at a time, 3 waves');
    expect(budget.describe(1, 'worker')).toBe('1 worker, maxSurge 2 -> 2 pods at a time, 1 wave');
  });

  test('both percentages are capped at 100%', () => {
    expect(thrownValidationError(() => RolloutBudget.daemonSet({ maxSurge: pct(101) })).message)
      .toBe('RolloutBudget.daemonSet: maxSurge: "101%" is not valid; a percentage must not be greater than 100%');
    expect(thrownValidationError(() => RolloutBudget.daemonSet({ maxUnavailable: pct(150) })).message)
      .toBe('RolloutBudget.daemonSet: maxUnavailable: "150%" is not valid; a percentage must not be greater than 100%');
  });
});

describe('RolloutBudget.statefulSet (getStatefulSetMaxUnavailable: down, then at least 1)', () => {
  test.each([
    ['25%', 10, 2],
    ['25%', 3, 1],
    ['1%', 50, 1],
    ['50%', 10, 5],
    ['100%', 3, 3],
    ['2', 10, 2],
  ])('maxUnavailable %s of %i -> %i', (unavailable, total, u) => {
    const budget = RolloutBudget.statefulSet({ maxUnavailable: PercentOrCount.parse(unavailable) });
    expect(budget.resolve(total)).toEqual({ maxSurge: 0, maxUnavailable: u });
  });

  test('default is 1 pod at a time', () => {
    const budget = RolloutBudget.statefulSet();
    expect(budget.maxSurge.isZero).toBe(true);
    expect(budget.describe(3)).toBe('3 pods, maxUnavailable 1 -> 1 pod at a time, 3 waves');
    expect(budget.describe(1)).toBe('1 pod, maxUnavailable 1 -> 1 pod at a time, 1 wave');
  });

  test('zero and more than 100% are rejected', () => {
    expect(thrownValidationError(() => RolloutBudget.statefulSet({ maxUnavailable: count(0) })).message).toBe('RolloutBudget.statefulSet: maxUnavailable: "0" is not valid; '
      + 'use at least 1 (or 1%): a StatefulSet cannot surge, so 0 would block the update');
    expect(thrownValidationError(() => RolloutBudget.statefulSet({ maxUnavailable: pct(0) })).message).toMatch(/^RolloutBudget.statefulSet: maxUnavailable: "0%" is not valid; /);
    expect(thrownValidationError(() => RolloutBudget.statefulSet({ maxUnavailable: pct(120) })).message)
      .toBe('RolloutBudget.statefulSet: maxUnavailable: "120%" is not valid; a percentage must not be greater than 100%');
  });
});

describe('RolloutBudget validation', () => {
  test('both zero is rejected, naming the kind\'s factory', () => {
    expect(thrownValidationError(() => RolloutBudget.deployment({ maxSurge: count(0), maxUnavailable: pct(0) })).message).toBe('RolloutBudget.deployment: maxUnavailable: "0%" is not valid; '
      + 'maxSurge is 0 too, so no pod could ever be replaced; set maxUnavailable or maxSurge above 0');
    expect(thrownValidationError(() => RolloutBudget.daemonSet({ maxUnavailable: count(0) })).message)
      .toMatch(/^RolloutBudget.daemonSet: maxUnavailable: "0" is not valid; maxSurge is 0 too/);
  });

  test('a Deployment\'s maxUnavailable is capped at 100%', () => {
    expect(thrownValidationError(() => RolloutBudget.deployment({ maxUnavailable: pct(101) })).message).toMatch(/^RolloutBudget.deployment: maxUnavailable: "101%" is not valid; /);
  });

  test('an invalid total names the value', () => {
    expect(thrownValidationError(() => RolloutBudget.deployment().resolve(-1)).message).toBe('RolloutBudget.resolve: total: -1 is not valid; use a whole number of pods of 0 or more');
    expect(thrownValidationError(() => RolloutBudget.statefulSet().waves(2.5)).message).toMatch(/^RolloutBudget.resolve: total: 2.5 is not valid; /);
  });

  test('an empty workload takes no wave', () => {
    expect(RolloutBudget.statefulSet().waves(0)).toBe(0);
    expect(RolloutBudget.daemonSet().describe(0)).toBe('0 nodes, maxUnavailable 1 -> 1 pod at a time, 0 waves');
  });
});

describe('RolloutBudget properties', () => {
  const budgetValue = fc.oneof(fc.integer({ min: 0, max: 100 }).map(pct), fc.integer({ min: 0, max: 20 }).map(count));

  test('every budget makes progress and the waves cover every pod', () => {
    fc.assert(fc.property(budgetValue, budgetValue, fc.integer({ min: 1, max: 5000 }), (maxSurge, maxUnavailable, total) => {
      fc.pre(!(maxSurge.isZero && maxUnavailable.isZero));
      for (const budget of [
        RolloutBudget.deployment({ maxSurge, maxUnavailable }),
        RolloutBudget.daemonSet({ maxSurge, maxUnavailable }),
        ...(maxUnavailable.isZero ? [] : [RolloutBudget.statefulSet({ maxUnavailable })]),
      ]) {
        const atATime = budget.podsAtATime(total);
        expect(atATime).toBeGreaterThanOrEqual(1);
        const waves = budget.waves(total);
        expect(waves * atATime).toBeGreaterThanOrEqual(total);
        expect((waves - 1) * atATime).toBeLessThan(total);
      }
    }));
  });
});
