import { ApiError, RESOURCES } from '../../../src/sandbox/api';

describe('sandbox api contract', () => {
  test('ApiError carries the HTTP code, Status reason and details and survives instanceof', () => {
    const error = new ApiError(409, 'Conflict', 'the object has been modified', { name: 'kafka', kind: 'statefulsets' });
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ code: 409, reason: 'Conflict', message: 'the object has been modified', name: 'ApiError' });
    expect(error.details).toEqual({ name: 'kafka', kind: 'statefulsets' });
  });

  test('RESOURCES describes each served resource once, with upstream names and subresources', () => {
    expect(RESOURCES.statefulSets).toMatchObject({
      group: 'apps',
      version: 'v1',
      resource: 'statefulsets',
      singular: 'statefulset',
      kind: 'StatefulSet',
      namespaced: true,
      shortNames: ['sts'],
      hasStatus: true,
      hasScale: true,
    });
    expect(RESOURCES.nodes).toMatchObject({ group: '', resource: 'nodes', namespaced: false });
    const keys = Object.values(RESOURCES).map((type) => `${type.group}/${type.resource}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(Object.isFrozen(RESOURCES.pods)).toBe(true);
  });
});
