import { scaledValueFromIntOrPercent } from '../../src/internal/int-or-percent';

describe('scaledValueFromIntOrPercent', () => {
  test('a count is taken as it is', () => {
    expect(scaledValueFromIntOrPercent('maxUnavailable', 3, 10, false)).toBe(3);
  });

  test('a percentage is scaled and rounded as the caller asks', () => {
    expect(scaledValueFromIntOrPercent('maxUnavailable', '25%', 10, false)).toBe(2);
    expect(scaledValueFromIntOrPercent('maxSurge', '25%', 10, true)).toBe(3);
    expect(scaledValueFromIntOrPercent('maxUnavailable', '10%', 3, false)).toBe(0);
    expect(scaledValueFromIntOrPercent('maxUnavailable', '10%', 3, true)).toBe(1);
  });

  test('absent means zero', () => {
    expect(scaledValueFromIntOrPercent('maxSurge', undefined, 10, true)).toBe(0);
  });

  test('a string that is not a percentage names the field and the value', () => {
    expect(() => scaledValueFromIntOrPercent('spec.updateStrategy.rollingUpdate.maxUnavailable', 'two', 4, false))
      .toThrow('spec.updateStrategy.rollingUpdate.maxUnavailable: invalid value "two": a string must be a percentage such as "25%"; use a number for an absolute count');
  });
});
