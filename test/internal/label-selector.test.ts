import * as fc from 'fast-check';
import {
  LabelSelectorError, labelSelectorMatches, labelSelectorToString, matchesRequirements, parseLabelSelector, selectorRequirements,
} from '../../src/internal/label-selector';

describe('parseLabelSelector', () => {
  test('reads every term kubectl -l accepts', () => {
    expect(parseLabelSelector('app=zk,tier==db,zone!=a,env in (prod, stage),arch notin (arm),canary,!legacy')).toEqual([
      { key: 'app', operator: 'In', values: ['zk'] },
      { key: 'tier', operator: 'In', values: ['db'] },
      { key: 'zone', operator: 'NotIn', values: ['a'] },
      { key: 'env', operator: 'In', values: ['prod', 'stage'] },
      { key: 'arch', operator: 'NotIn', values: ['arm'] },
      { key: 'canary', operator: 'Exists', values: [] },
      { key: 'legacy', operator: 'DoesNotExist', values: [] },
    ]);
  });

  test('the empty selector selects everything', () => {
    expect(parseLabelSelector('')).toEqual([]);
    expect(matchesRequirements(parseLabelSelector(''), { any: 'thing' })).toBe(true);
  });

  test('a term it cannot read is named in the error', () => {
    expect(() => parseLabelSelector('app=zk,zone in a')).toThrow(LabelSelectorError);
    expect(() => parseLabelSelector('app=zk,zone in a')).toThrow('invalid label selector "app=zk,zone in a": unable to parse requirement: found \'a\' expected: \'(\'');
  });
});

describe('parseLabelSelector reads as labels.Parse (apimachinery selector.go)', () => {
  test('upstream\'s example "x in (foo,,baz),y,z notin ()": empty values are values, "()" is the empty value alone', () => {
    expect(parseLabelSelector('x in (foo,,baz),y,z notin ()')).toEqual([
      { key: 'x', operator: 'In', values: ['', 'baz', 'foo'] },
      { key: 'y', operator: 'Exists', values: [] },
      { key: 'z', operator: 'NotIn', values: [''] },
    ]);
    expect(matchesRequirements(parseLabelSelector('z notin ()'), { z: '' })).toBe(false);
    expect(matchesRequirements(parseLabelSelector('z notin ()'), { z: 'a' })).toBe(true);
  });

  test('"in" and "notin" are values where a value is expected; "x=" is the empty value; spaces separate tokens', () => {
    expect(parseLabelSelector('a in (in,notin), b=, c = d ,  !e')).toEqual([
      { key: 'a', operator: 'In', values: ['in', 'notin'] },
      { key: 'b', operator: 'In', values: [''] },
      { key: 'c', operator: 'In', values: ['d'] },
      { key: 'e', operator: 'DoesNotExist', values: [] },
    ]);
  });

  test('Gt and Lt compare integer label values; a value that is not one matches neither', () => {
    expect(parseLabelSelector('n>3,m<2')).toEqual([{ key: 'n', operator: 'Gt', values: ['3'] }, { key: 'm', operator: 'Lt', values: ['2'] }]);
    // A negative bound passes the integer check but is no label value.
    expect(() => parseLabelSelector('m<-2')).toThrow('unable to parse requirement: values[0][m]: Invalid value: "-2": a valid label must be');
    expect(matchesRequirements(parseLabelSelector('n>3'), { n: '4' })).toBe(true);
    expect(matchesRequirements(parseLabelSelector('n>3'), { n: '3' })).toBe(false);
    expect(matchesRequirements(parseLabelSelector('n<3'), { n: 'x' })).toBe(false);
    expect(matchesRequirements(parseLabelSelector('n>9223372036854775806'), { n: '9223372036854775807' })).toBe(true);
  });

  test.each([
    ['a notin (', 'unable to parse requirement: found \'\', expected: \',\', \')\' or identifier'],
    ['a in (b c)', 'unable to parse requirement: found \'c\', expected: \',\' or \')\''],
    ['a b', 'unable to parse requirement: found \'b\', expected: in, notin, =, ==, !=, gt, lt'],
    ['!a=b', 'found \'=\', expected: \',\' or \'end of string\''],
    [',a', 'found \',\', expected: !, identifier, or \'end of string\''],
    ['a=b=c', 'found \'=\', expected: \',\' or \'end of string\''],
    ['example.com/a/b', 'unable to parse requirement: <nil>: Invalid value: "example.com/a/b": a qualified name must consist of alphanumeric characters, \'-\', \'_\' or \'.\', and must start and end with an alphanumeric character (e.g. \'MyName\',  or \'my.name\',  or \'123-abc\', regex used for validation is \'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]\') with an optional DNS subdomain prefix and \'/\' (e.g. \'example.com/MyName\')'],
    ['a in (-x,y_)', 'unable to parse requirement: [values[0][a]: Invalid value: "-x": a valid label must be an empty string or consist of alphanumeric characters, \'-\', \'_\' or \'.\', and must start and end with an alphanumeric character (e.g. \'MyValue\',  or \'my_value\',  or \'12345\', regex used for validation is \'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?\'), values[1][a]: Invalid value: "y_": a valid label must be an empty string or consist of alphanumeric characters, \'-\', \'_\' or \'.\', and must start and end with an alphanumeric character (e.g. \'MyValue\',  or \'my_value\',  or \'12345\', regex used for validation is \'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?\')]'],
  ])('%s is refused with upstream\'s text', (selector, problem) => {
    expect(() => parseLabelSelector(selector)).toThrow(expect.objectContaining({ problem, message: `invalid label selector "${selector}": ${problem}` }));
  });
});

describe('matching', () => {
  const labels = { app: 'kafka', zone: 'b' };

  test.each([
    ['app=kafka', true],
    ['app=zk', false],
    ['zone!=a', true],
    ['missing!=a', true],
    ['zone in (a,b)', true],
    ['zone notin (a,b)', false],
    ['zone', true],
    ['!zone', false],
    ['app=kafka,zone=c', false],
  ])('%s -> %s', (selector, expected) => {
    expect(matchesRequirements(parseLabelSelector(selector), labels)).toBe(expected);
  });

  test('an absent metav1.LabelSelector selects nothing, an empty one everything', () => {
    expect(labelSelectorMatches(undefined, labels)).toBe(false);
    expect(labelSelectorMatches({}, labels)).toBe(true);
    expect(labelSelectorMatches({ matchLabels: { app: 'kafka' }, matchExpressions: [{ key: 'zone', operator: 'In', values: ['b'] }] }, labels)).toBe(true);
  });

  test('an operator the API does not define is rejected with the key and the valid operators', () => {
    expect(() => selectorRequirements({ matchExpressions: [{ key: 'zone', operator: 'Gt', values: ['1'] }] }))
      .toThrow('label selector requirement for key "zone": operator "Gt" is not valid (expected In, NotIn, Exists or DoesNotExist)');
  });
});

describe('labelSelectorToString', () => {
  test('prints requirements sorted by key, as LabelSelectorAsSelector(...).String() does', () => {
    expect(labelSelectorToString({
      matchLabels: { 'app.kubernetes.io/name': 'zookeeper', 'app': 'zk' },
      matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['web', 'cache'] }, { key: 'canary', operator: 'DoesNotExist' }],
    })).toBe('app=zk,app.kubernetes.io/name=zookeeper,!canary,tier notin (cache,web)');
  });

  test('the printed form parses back to a selector that matches the same label sets', () => {
    const key = fc.constantFrom('app', 'zone', 'tier');
    const value = fc.constantFrom('a', 'b', 'c');
    const expression = fc.record({
      key,
      operator: fc.constantFrom('In', 'NotIn', 'Exists', 'DoesNotExist'),
      values: fc.uniqueArray(value, { minLength: 1, maxLength: 3 }),
    }).map((e) => (e.operator === 'Exists' || e.operator === 'DoesNotExist' ? { key: e.key, operator: e.operator } : e));
    fc.assert(fc.property(
      fc.dictionary(key, value), fc.array(expression, { maxLength: 3 }), fc.dictionary(key, value),
      (matchLabels, matchExpressions, labels) => {
        const selector = { matchLabels, matchExpressions };
        const reparsed = parseLabelSelector(labelSelectorToString(selector));
        expect(matchesRequirements(reparsed, labels)).toBe(labelSelectorMatches(selector, labels));
      }));
  });
});
