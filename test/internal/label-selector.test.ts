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
    expect(() => parseLabelSelector('app=zk,zone in a')).toThrow('invalid label selector "app=zk,zone in a": cannot read "zone in a"');
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
