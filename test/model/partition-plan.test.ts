import * as fc from 'fast-check';
import { PartitionPlan } from '../../src/partition-plan';
import { thrownValidationError } from '../constructs/manifest';

describe('PartitionPlan factories resolve to logical partitions', () => {
  test.each([
    ['staged()', PartitionPlan.staged(), 3, [3]],
    ['canary() on the seed\'s 3 brokers', PartitionPlan.canary(), 3, [3, 2, 0]],
    ['canary() on one replica', PartitionPlan.canary(), 1, [1, 0]],
    ['linear(1) on the seed\'s 3 brokers', PartitionPlan.linear(1), 3, [3, 2, 1, 0]],
    ['linear(2)', PartitionPlan.linear(2), 5, [5, 3, 1, 0]],
    ['exponential(2)', PartitionPlan.exponential(2), 10, [10, 9, 8, 6, 2, 0]],
    ['exponential(1.5) never repeats a phase', PartitionPlan.exponential(1.5), 6, [6, 5, 4, 3, 1, 0]],
    ['percentages 1/10/50/100 of 100', PartitionPlan.percentages([1, 10, 50, 100]), 100, [100, 99, 90, 50, 0]],
    ['percentages round up and add at least one pod', PartitionPlan.percentages([1, 10, 50, 100]), 3, [3, 2, 1, 0]],
    ['percentages not reaching 100 still end complete', PartitionPlan.percentages([25]), 8, [8, 6, 0]],
    ['the seed\'s explicit plan', PartitionPlan.explicit([100, 99, 90, 50, 0]), 100, [100, 99, 90, 50, 0]],
    ['explicit without the ends gets them added', PartitionPlan.explicit([5, 2]), 10, [10, 5, 2, 0]],
    ['canary then percentages', PartitionPlan.parse('canary,10%,50%,100%'), 100, [100, 99, 90, 50, 0]],
    ['zero replicas', PartitionPlan.canary(), 0, [0]],
  ])('%s', (_name, plan, replicas, expected) => {
    expect(plan.resolve(replicas)).toEqual(expected);
  });
});

describe('the string form', () => {
  test.each([
    ['staged'], ['canary'], ['linear:3'], ['exponential:2'], ['exponential:1.5'], ['1%,10%,50%,100%'],
    ['canary,10%,50%,100%'], ['100,99,90,50,0'], ['canary,50,0'],
  ])('%s round-trips', (text) => {
    expect(PartitionPlan.parse(text).toString()).toBe(text);
  });

  test('factories print the form parse reads', () => {
    expect(PartitionPlan.canary().toString()).toBe('canary');
    expect(PartitionPlan.linear(1).toString()).toBe('linear:1');
    expect(PartitionPlan.explicit([100, 99, 90, 50, 0]).toString()).toBe('100,99,90,50,0');
    expect(PartitionPlan.percentages([1, 10, 50, 100]).toString()).toBe('1%,10%,50%,100%');
  });

  test('spaces around steps are tolerated', () => {
    expect(PartitionPlan.parse(' canary, 10% ,100% ').toString()).toBe('canary,10%,100%');
  });
});

describe('invalid plans name the plan and the rule', () => {
  test.each([
    [() => PartitionPlan.explicit([3, 5, 0]), 'PartitionPlan: plan: "3,5,0" is not valid; partitions must strictly decrease (5 follows 3)'],
    [() => PartitionPlan.explicit([3, 3, 0]), 'PartitionPlan: plan: "3,3,0" is not valid; partitions must strictly decrease (3 follows 3)'],
    [() => PartitionPlan.explicit([3, -1]), 'PartitionPlan: plan: "3,-1" is not valid; partition -1 is negative or not an integer (valid: integers >= 0)'],
    [() => PartitionPlan.explicit([]), 'PartitionPlan: plan: "" is not valid; a plan needs at least one step'],
    [() => PartitionPlan.percentages([]), 'PartitionPlan: plan: "" is not valid; a plan needs at least one step'],
    [() => PartitionPlan.percentages([0, 50]), 'PartitionPlan: plan: "0%,50%" is not valid; percentage 0% is outside (0, 100]'],
    [() => PartitionPlan.percentages([50, 150]), 'PartitionPlan: plan: "50%,150%" is not valid; percentage 150% is outside (0, 100]'],
    [() => PartitionPlan.percentages([50, 10]), 'PartitionPlan: plan: "50%,10%" is not valid; percentages must strictly increase (10% follows 50%)'],
    [() => PartitionPlan.exponential(1), 'PartitionPlan: plan: "exponential:1" is not valid; factor must be a number > 1, got 1'],
    [() => PartitionPlan.linear(0), 'PartitionPlan: plan: "linear:0" is not valid; step must be an integer >= 1, got 0'],
    [() => PartitionPlan.linear(1.5), 'PartitionPlan: plan: "linear:1.5" is not valid; step must be an integer >= 1, got 1.5'],
    [() => PartitionPlan.parse(''), 'PartitionPlan: plan: "" is not valid; a plan needs at least one step'],
    [() => PartitionPlan.parse('10%,canary'), 'PartitionPlan.parse: text: "10%,canary" is not valid; "canary" can only be the first step'],
    [() => PartitionPlan.parse('10%,5'), 'PartitionPlan: plan: "10%,5" is not valid; a plan lists either percentages or partitions, not both'],
    [() => PartitionPlan.parse('fast'), 'PartitionPlan.parse: text: "fast" is not valid; cannot read step "fast" (valid: staged, canary, linear:N, exponential:F, a percentage such as 10%, or a partition such as 90)'],
    [() => PartitionPlan.parse('linear:'), 'PartitionPlan.parse: text: "linear:" is not valid; linear needs a number after the colon, e.g. "linear:2"'],
  ])('%#', (make, message) => {
    expect(thrownValidationError(make).message).toBe(message);
  });

  test('an explicit partition above replicas fails for that replica count only', () => {
    const plan = PartitionPlan.explicit([120, 50, 0]);
    expect(plan.validateFor(150)).toEqual([]);
    expect(plan.validateFor(100)).toEqual(['PartitionPlan "120,50,0": partition 120 is above the 100 replicas (valid: 0 to 100)']);
    expect(thrownValidationError(() => plan.resolve(100)).message)
      .toBe('PartitionPlan.resolve: replicas: 100 is not valid; plan "120,50,0": partition 120 is above the 100 replicas (valid: 0 to 100)');
  });

  test('replicas must be a non-negative integer', () => {
    expect(PartitionPlan.canary().validateFor(-1)).toEqual(['PartitionPlan "canary": replicas must be an integer >= 0, got -1']);
  });
});

describe('pinning a staged partition', () => {
  test('everything staged is written as 32767, so a scale-up cannot leak the update', () => {
    expect(PartitionPlan.STAGED_PARTITION).toBe(32767);
    expect(PartitionPlan.toPhysicalPartition(3, 3)).toBe(32767);
    expect(PartitionPlan.toPhysicalPartition(2, 3)).toBe(2);
    expect(PartitionPlan.toPhysicalPartition(0, 3)).toBe(0);
  });

  test('a physical partition at or above replicas reads as everything staged', () => {
    expect(PartitionPlan.toLogicalPartition(32767, 5)).toBe(5);
    expect(PartitionPlan.toLogicalPartition(5, 5)).toBe(5);
    expect(PartitionPlan.toLogicalPartition(2, 5)).toBe(2);
  });
});

describe('properties over random plans and replica counts', () => {
  const plans = fc.oneof(
    fc.constant(PartitionPlan.canary()),
    fc.integer({ min: 1, max: 50 }).map((step) => PartitionPlan.linear(step)),
    fc.double({ min: 1.01, max: 10, noNaN: true }).map((factor) => PartitionPlan.exponential(factor)),
    fc.uniqueArray(fc.integer({ min: 1, max: 100 }), { minLength: 1, maxLength: 8 })
      .map((percents) => PartitionPlan.percentages([...percents].sort((a, b) => a - b))),
    fc.uniqueArray(fc.integer({ min: 0, max: 200 }), { minLength: 1, maxLength: 8 })
      .map((partitions) => PartitionPlan.explicit([...partitions].sort((a, b) => b - a))),
  );

  test('resolved partitions start at replicas, strictly decrease and end at 0', () => {
    fc.assert(fc.property(plans, fc.integer({ min: 0, max: 1000 }), (plan, replicas) => {
      fc.pre(plan.validateFor(replicas).length === 0);
      const partitions = plan.resolve(replicas);
      expect(partitions[0]).toBe(replicas);
      expect(partitions[partitions.length - 1]).toBe(0);
      for (let i = 1; i < partitions.length; i++) {
        expect(partitions[i]).toBeLessThan(partitions[i - 1]);
      }
    }));
  });

  test('parse(toString()) resolves the same way', () => {
    fc.assert(fc.property(plans, fc.integer({ min: 0, max: 1000 }), (plan, replicas) => {
      fc.pre(plan.validateFor(replicas).length === 0);
      expect(PartitionPlan.parse(plan.toString()).resolve(replicas)).toEqual(plan.resolve(replicas));
    }));
  });

  test('physical and logical partitions convert back', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 0, max: 1000 }), (logical, replicas) => {
      fc.pre(logical <= replicas);
      expect(PartitionPlan.toLogicalPartition(PartitionPlan.toPhysicalPartition(logical, replicas), replicas)).toBe(logical);
    }));
  });
});

describe('inputs that are not plans', () => {
  test('parse, percentages and explicit throw a ValidationError saying what they expected instead of a TypeError', () => {
    expect(thrownValidationError(() => PartitionPlan.parse(undefined as unknown as string)).message)
      .toBe('PartitionPlan.parse: text: undefined is not valid; give the plan\'s text form, e.g. "canary" or "canary,10%,50%,100%"');
    expect(thrownValidationError(() => PartitionPlan.parse(7 as unknown as string)).message).toMatch(/^PartitionPlan.parse: text: 7 is not valid; /);
    expect(thrownValidationError(() => PartitionPlan.percentages(undefined as unknown as number[])).message)
      .toBe('PartitionPlan.percentages: percents: undefined is not valid; give a list of percentages such as [1, 10, 50, 100]');
    const explicit = thrownValidationError(() => PartitionPlan.explicit('90,0' as unknown as number[]));
    expect({ path: explicit.path, constructPath: explicit.constructPath, property: explicit.property, value: explicit.value })
      .toEqual({ path: 'PartitionPlan.explicit', constructPath: undefined, property: 'partitions', value: '"90,0"' });
  });

  test('a set larger than the pin is held at its own size, never below it', () => {
    expect(PartitionPlan.toPhysicalPartition(3, 3)).toBe(PartitionPlan.STAGED_PARTITION);
    expect(PartitionPlan.toPhysicalPartition(40000, 40000)).toBe(40000);
    expect(PartitionPlan.toPhysicalPartition(39999, 40000)).toBe(39999);
  });
});
