import { milliCpu, quantityValue } from '../../src/internal/quantity';

describe('quantity parsing', () => {
  test.each([
    ['250m', 250],
    ['0.3', 300],
    ['1', 1000],
    ['2', 2000],
    ['1.5', 1500],
    ['100u', 1], // MilliValue rounds up
    [0.5, 500],
  ])('milliCpu(%j) = %d', (quantity, expected) => {
    expect(milliCpu(quantity)).toBe(expected);
  });

  test.each([
    ['2Gi', 2 * 1024 ** 3],
    ['512Mi', 512 * 1024 ** 2],
    ['1Ki', 1024],
    ['1k', 1000],
    ['1M', 1_000_000],
    ['1e3', 1000],
    ['1.5G', 1_500_000_000],
    ['110', 110],
  ])('quantityValue(%j) = %d', (quantity, expected) => {
    expect(quantityValue(quantity)).toBe(expected);
  });

  test('rejects text that is not a quantity, naming the value and the valid forms', () => {
    expect(() => quantityValue('2 GB')).toThrow(/quantity "2 GB" is not a valid Kubernetes quantity.*250m/);
  });
});
