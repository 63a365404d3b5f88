import { PercentOrCount } from '../../src/percent-or-count';

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

  test('invalid input names the value and what is valid', () => {
    expect(() => PercentOrCount.count(-1)).toThrow('PercentOrCount.count: invalid count -1: use a non-negative integer such as 1');
    expect(() => PercentOrCount.count(1.5)).toThrow('PercentOrCount.count: invalid count 1.5');
    expect(() => PercentOrCount.percent(-5)).toThrow('PercentOrCount.percent: invalid percentage -5: use a non-negative integer such as 25 (for "25%")');
    expect(() => PercentOrCount.percent(12.5)).toThrow('PercentOrCount.percent: invalid percentage 12.5');
    for (const text of ['', 'abc', '-1', '2.5%', '25 %', '%']) {
      expect(() => PercentOrCount.parse(text)).toThrow(`PercentOrCount.parse: invalid value "${text}": use a count such as "1" or a percentage such as "25%"`);
    }
  });

  test('_scale rounds as the caller asks', () => {
    expect(PercentOrCount.percent(25)._scale('maxSurge', 10, true)).toBe(3);
    expect(PercentOrCount.percent(25)._scale('maxUnavailable', 10, false)).toBe(2);
    expect(PercentOrCount.count(4)._scale('maxUnavailable', 10, false)).toBe(4);
  });

  test('_requireAtMostHundredPercent rejects percentages above 100 only', () => {
    expect(() => PercentOrCount.percent(101)._requireAtMostHundredPercent('DaemonSet maxUnavailable'))
      .toThrow('DaemonSet maxUnavailable: invalid value "101%": a percentage must not be greater than 100%');
    expect(() => PercentOrCount.percent(100)._requireAtMostHundredPercent('x')).not.toThrow();
    expect(() => PercentOrCount.count(500)._requireAtMostHundredPercent('x')).not.toThrow();
  });
});

describe('PercentOrCount stays within an int32', () => {
  test('as IntOrString requires', () => {
    expect(PercentOrCount.count(2147483647).value).toBe(2147483647);
    expect(() => PercentOrCount.count(2 ** 31)).toThrow('invalid count 2147483648');
    expect(() => PercentOrCount.percent(2 ** 31)).toThrow('invalid percentage 2147483648');
  });
});
