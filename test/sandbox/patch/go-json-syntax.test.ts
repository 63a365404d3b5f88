import { goJsonSyntaxError } from '../../../src/sandbox/patch/go-json-syntax';

describe('goJsonSyntaxError (encoding/json scanner texts)', () => {
  test.each([
    ['', 'unexpected end of JSON input'],
    ['   ', 'unexpected end of JSON input'],
    ['{"spec": ', 'unexpected end of JSON input'],
    ['{"a": "unterminated', 'unexpected end of JSON input'],
    ['spec: {}', 'invalid character \'s\' looking for beginning of value'],
    ['{"spec": }', 'invalid character \'}\' looking for beginning of value'],
    ['{spec: 1}', 'invalid character \'s\' looking for beginning of object key string'],
    ['{\'a\': 1}', 'invalid character \'\\\'\' looking for beginning of object key string'],
    ['{"a" 1}', 'invalid character \'1\' after object key'],
    ['{"a": 1 "b": 2}', 'invalid character \'"\' after object key:value pair'],
    ['[1 2]', 'invalid character \'2\' after array element'],
    ['{"a": 1}}', 'invalid character \'}\' after top-level value'],
    ['{"a": tru}', 'invalid character \'}\' in literal true (expecting \'e\')'],
    ['{"a": nul}', 'invalid character \'}\' in literal null (expecting \'l\')'],
    ['[-]', 'invalid character \']\' in numeric literal'],
    ['[1.]', 'invalid character \']\' after decimal point in numeric literal'],
    ['[1e]', 'invalid character \']\' in exponent of numeric literal'],
    ['[01]', 'invalid character \'1\' after array element'],
    ['"a\\x"', 'invalid character \'x\' in string escape code'],
    ['"\\u12g4"', 'invalid character \'g\' in \\u hexadecimal character escape'],
    ['"a\nb"', 'invalid character \'\\n\' in string literal'],
  ])('%j: %s', (text, message) => {
    expect(goJsonSyntaxError(text)).toBe(message);
  });

  test.each(['{}', '[]', ' {"a": [1, -2.5e+3, true, false, null, "x\\u00e9\\n"]} ', '0', '"s"'])('%j is valid', (text) => {
    expect(goJsonSyntaxError(text)).toBeUndefined();
  });
});
