import { goJson } from '../../src/internal/go-json';

describe('goJson', () => {
  test('sorts object keys at every depth and writes compactly', () => {
    expect(goJson({ b: 1, a: { d: [1, 'x'], c: true } })).toBe('{"a":{"c":true,"d":[1,"x"]},"b":1}');
  });

  test('escapes the HTML-sensitive characters as Go does', () => {
    expect(goJson({ cmd: 'a<b && c>d' })).toBe('{"cmd":"a\\u003cb \\u0026\\u0026 c\\u003ed"}');
    expect(goJson('\u2028\u2029')).toBe('"\\u2028\\u2029"');
  });

  test('drops undefined object fields and writes null for undefined array items', () => {
    expect(goJson({ a: undefined, b: null, c: [undefined] })).toBe('{"b":null,"c":[null]}');
    expect(goJson(undefined)).toBe('null');
  });
});
