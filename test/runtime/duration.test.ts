import * as fc from 'fast-check';
import { formatDuration, parseDuration, parseTimeout } from '../../src/runtime/duration';
import { RuntimeError } from '../../src/runtime/runtime-error';

describe('parseDuration', () => {
  test.each([
    ['0', 0],
    ['30s', 30_000],
    ['5m', 300_000],
    ['1h30m', 5_400_000],
    ['1.5h', 5_400_000],
    ['500ms', 500],
    [' 2m10s ', 130_000],
  ])('%s is %d ms', (text, ms) => {
    expect(parseDuration(text, '--soak')).toBe(ms);
  });

  test.each(['', '5', 'm', '5 m', '-5s', '5d', '1h-30m'])('rejects %j naming the flag and the value', (text) => {
    expect(() => parseDuration(text, '--soak')).toThrow(
      `invalid duration "${text}" for --soak: use a number with a unit (ms, s, m, h), for example 30s, 5m or 1h30m`);
    try {
      parseDuration(text, '--soak');
    } catch (error) {
      expect(RuntimeError.is(error, 'bad-input')).toBe(true);
    }
  });
});

describe('parseDuration bounds', () => {
  test('the longest Go duration is accepted, anything longer is refused as Go refuses the overflow', () => {
    expect(parseDuration('2562047h', '--soak')).toBe(2562047 * 3_600_000);
    for (const text of ['2562048h', '1000000000h', '99999999999999999999h']) {
      expect(() => parseDuration(text, '--soak')).toThrow(
        `invalid duration "${text}" for --soak: longer than the longest duration kubectl accepts (2562047h47m16s)`);
    }
  });
});

describe('parseTimeout', () => {
  test('zero means never, as kubectl rollout status --timeout has it; not given is no limit too', () => {
    expect(parseTimeout('0', '--timeout')).toBeUndefined();
    expect(parseTimeout('0s', '--timeout')).toBeUndefined();
    expect(parseTimeout('0h0m', '--timeout')).toBeUndefined();
    expect(parseTimeout(undefined, '--timeout')).toBeUndefined();
    expect(parseTimeout('90s', '--timeout')).toBe(90_000);
    expect(() => parseTimeout('soon', '--timeout')).toThrow('invalid duration "soon" for --timeout');
  });
});

describe('formatDuration', () => {
  test.each([
    [0, '0s'],
    [250, '250ms'],
    [45_000, '45s'],
    [300_000, '5m0s'],
    [3_723_000, '1h2m3s'],
    [-45_000, '-45s'],
  ])('%d ms prints %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  test('whole seconds round-trip through parseDuration', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 400_000 }), (seconds) => {
      expect(parseDuration(formatDuration(seconds * 1000), '--timeout')).toBe(seconds * 1000);
    }));
  });
});
