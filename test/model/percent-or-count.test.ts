import { PercentOrCount } from '../../src/percent-or-count';
import { thrownValidationError } from '../constructs/manifest';

describe('PercentOrCount', () => {
  test('count(n) is an absolute number of pods', () => {
    const count = PercentOrCount.count(3);
    expect(count.value).toBe(3);
    expect(count.isPercent).toBe(false);
    expect(count.isZero).toBe(false);
    expect(count.toString()).toBe('3');
    expect(count._toKube().value).toBe(3);
  });

  test('percent(p) is a share of the pods, written as "P%"', () => {
    const percent = PercentOrCount.percent(25);
    expect(percent.value).toBe(25);
    expect(percent.isPercent).toBe(true);
    expect(percent.toString()).toBe('25%');
    expect(percent._toKube().value).toBe('25%');
  });

  test('zero counts and zero percentages are zero', () => {
    expect(PercentOrCount.count(0).isZero).toBe(true);
    expect(PercentOrCount.percent(0).isZero).toBe(true);
  });

  test('parse and toString round-trip', () => {
    for (const text of ['0', '1', '17', '0%', '25%', '100%', '150%']) {
      expect(PercentOrCount.parse(text).toString()).toBe(text);
    }
    expect(PercentOrCount.parse(' 25% ').isPercent).toBe(true);
  });

  test('invalid input is a ValidationError naming the factory, the parameter, the value and what is valid', () => {
    expect(thrownValidationError(() => PercentOrCount.count(-1)).message).toBe(
      'PercentOrCount.count: n: -1 is not valid; use a whole number from 0 to 2147483647, such as 1');
    expect(thrownValidationError(() => PercentOrCount.count(1.5)).message).toMatch(/^PercentOrCount.count: n: 1.5 is not valid; /);
    expect(thrownValidationError(() => PercentOrCount.percent(-5)).message).toBe(
      'PercentOrCount.percent: p: -5 is not valid; use a whole number from 0 to 2147483647, such as 25 (for "25%")');
    expect(thrownValidationError(() => PercentOrCount.percent(12.5)).message).toMatch(/^PercentOrCount.percent: p: 12.5 is not valid; /);
    for (const text of ['', 'abc', '-1', '2.5%', '25 %', '%']) {
      expect(thrownValidationError(() => PercentOrCount.parse(text)).message).toBe(
        `PercentOrCount.parse: text: ${JSON.stringify(text)} is not valid; use a count such as "1" or a percentage such as "25%"`);
    }
  });

  test('_scale rounds as the caller asks', () => {
    expect(PercentOrCount.percent(25)._scale('maxSurge', 10, true)).toBe(3);
    expect(PercentOrCount.percent(25)._scale('maxUnavailable', 10, false)).toBe(2);
    expect(PercentOrCount.count(4)._scale('maxUnavailable', 10, false)).toBe(4);
  });

  test('_requireAtMostHundredPercent rejects percentages above 100 only', () => {
    expect(thrownValidationError(() => PercentOrCount.percent(101)._requireAtMostHundredPercent('RolloutBudget.daemonSet', 'maxUnavailable')).message).toBe(
      'RolloutBudget.daemonSet: maxUnavailable: "101%" is not valid; a percentage must not be greater than 100%');
    expect(() => PercentOrCount.percent(100)._requireAtMostHundredPercent('x', 'y')).not.toThrow();
    expect(() => PercentOrCount.count(500)._requireAtMostHundredPercent('x', 'y')).not.toThrow();
  });
});

describe('PercentOrCount stays within an int32', () => {
  test('as IntOrString requires', () => {
    expect(PercentOrCount.count(2147483647).value).toBe(2147483647);
    expect(() => PercentOrCount.count(2 ** 31)).toThrow('n: 2147483648 is not valid');
    expect(() => PercentOrCount.percent(2 ** 31)).toThrow('p: 2147483648 is not valid');
  });
});
