import * as fc from 'fast-check';
import { applyMergePatch } from '../../../src/sandbox/patch/merge-patch';

// The merge patch that turns `from` into `to` (what a client computes before sending one).
function diff(from: Record<string, unknown>, to: Record<string, unknown>): Record<string, unknown> {
  const patch: Record<string, unknown> = {};
  for (const key of Object.keys(from)) {
    if (!(key in to)) {
      patch[key] = null;
    }
  }
  for (const [key, value] of Object.entries(to)) {
    const before = from[key];
    const bothObjects = [before, value].every((v) => typeof v === 'object' && v !== null && !Array.isArray(v));
    if (bothObjects) {
      const nested = diff(before as Record<string, unknown>, value as Record<string, unknown>);
      if (Object.keys(nested).length > 0) {
        patch[key] = nested;
      }
    } else if (JSON.stringify(before) !== JSON.stringify(value)) {
      patch[key] = value;
    }
  }
  return patch;
}

describe('applyMergePatch (RFC 7386)', () => {
  test('the seed\'s partition patch merges into updateStrategy and keeps the rest', () => {
    const sts = { spec: { replicas: 3, updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0, maxUnavailable: 1 } } } };
    expect(applyMergePatch(sts, { spec: { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 3 } } } }))
      .toEqual({ spec: { replicas: 3, updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 3, maxUnavailable: 1 } } } });
  });

  test('null removes a member, arrays are replaced whole, and nulls inside added objects are dropped', () => {
    const doc = { a: 1, list: [1, 2, 3], nested: { keep: true, drop: 'x' } };
    expect(applyMergePatch(doc, { a: null, list: [9], nested: { drop: null }, added: { x: null, y: 1 } }))
      .toEqual({ list: [9], nested: { keep: true }, added: { y: 1 } });
    expect(doc.list).toEqual([1, 2, 3]);
  });

  test('property: applying the diff of two null-free documents reproduces the target', () => {
    const value = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: 'small', withCrossShrink: true },
        fc.integer(), fc.string(), fc.boolean(), fc.array(fc.integer(), { maxLength: 3 }), tie('object')),
      object: fc.dictionary(fc.constantFrom('a', 'b', 'c', 'd'), tie('node'), { maxKeys: 4 }),
    }));
    fc.assert(fc.property(value.object, value.object, (from, to) => {
      const source = from as Record<string, unknown>;
      const target = to as Record<string, unknown>;
      expect(applyMergePatch(source, diff(source, target))).toEqual(target);
    }));
  });
});
