import { ObjectMemo } from '../../src/internal/object-memo';

describe('ObjectMemo', () => {
  test('computes once per object, and each time for non-objects', () => {
    const calls: unknown[] = [];
    const memo = new ObjectMemo<unknown, string>((key) => {
      calls.push(key);
      return JSON.stringify(key);
    });
    const object = { a: 1 };
    expect(memo.get(object)).toBe('{"a":1}');
    expect(memo.get(object)).toBe('{"a":1}');
    expect(memo.get({ a: 1 })).toBe('{"a":1}');
    expect(memo.get(undefined)).toBeUndefined();
    expect(memo.get(null)).toBe('null');
    expect(memo.get(null)).toBe('null');
    expect(calls).toEqual([object, { a: 1 }, undefined, null, null]);
  });

  test('takes a value the caller already has', () => {
    const memo = new ObjectMemo<object, number>(() => 0);
    const object = {};
    memo.set(object, 42);
    expect(memo.get(object)).toBe(42);
  });
});
