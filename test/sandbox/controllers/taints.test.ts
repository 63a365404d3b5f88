import { findUntoleratedTaint, isSchedulingTaint, Taint, toleratesTaint } from '../../../src/sandbox/controllers/taints';

const controlPlane: Taint = { key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' };
const dedicated: Taint = { key: 'dedicated', value: 'gpu', effect: 'NoExecute' };

describe('toleratesTaint (core/v1 ToleratesTaint)', () => {
  test('Exists with an empty key tolerates every taint', () => {
    expect(toleratesTaint({ operator: 'Exists' }, controlPlane)).toBe(true);
    expect(toleratesTaint({ operator: 'Exists' }, dedicated)).toBe(true);
  });

  test('Exists on the key ignores the value', () => {
    expect(toleratesTaint({ key: 'dedicated', operator: 'Exists' }, dedicated)).toBe(true);
  });

  test('Equal (the default operator) compares the value', () => {
    expect(toleratesTaint({ key: 'dedicated', value: 'gpu' }, dedicated)).toBe(true);
    expect(toleratesTaint({ key: 'dedicated', value: 'cpu' }, dedicated)).toBe(false);
    expect(toleratesTaint({ key: controlPlane.key }, controlPlane)).toBe(true);
  });

  test('an effect on the toleration must match the taint', () => {
    expect(toleratesTaint({ key: 'dedicated', operator: 'Exists', effect: 'NoSchedule' }, dedicated)).toBe(false);
    expect(toleratesTaint({ key: 'dedicated', operator: 'Exists', effect: 'NoExecute' }, dedicated)).toBe(true);
  });

  test('another key does not tolerate', () => {
    expect(toleratesTaint({ key: 'other', operator: 'Exists' }, dedicated)).toBe(false);
  });
});

describe('findUntoleratedTaint', () => {
  test('returns the first scheduling taint nobody tolerates', () => {
    const soft: Taint = { key: 'soft', effect: 'PreferNoSchedule' };
    expect(findUntoleratedTaint([soft, controlPlane, dedicated], [], isSchedulingTaint)).toEqual(controlPlane);
    expect(findUntoleratedTaint([soft, controlPlane, dedicated], [{ key: controlPlane.key, operator: 'Exists' }], isSchedulingTaint)).toEqual(dedicated);
  });

  test('returns undefined when every scheduling taint is tolerated or there are none', () => {
    expect(findUntoleratedTaint([controlPlane], [{ operator: 'Exists' }], isSchedulingTaint)).toBeUndefined();
    expect(findUntoleratedTaint(undefined, undefined, isSchedulingTaint)).toBeUndefined();
  });
});
