import { KubeObject } from '../../../src/sandbox/api';
import { sameSetSyncInputs } from '../../../src/sandbox/controllers/statefulset/statefulset-status';

function set(status: Record<string, unknown>, rollingUpdate: unknown = { partition: 0 }): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'web', namespace: 'default', uid: 'set-uid', generation: 2 },
    spec: { replicas: 3, updateStrategy: { type: 'RollingUpdate', rollingUpdate } },
    status: { observedGeneration: 2, currentRevision: 'web-1', updateRevision: 'web-2', collisionCount: 0, currentReplicas: 2, ...status },
  };
}

describe('sameSetSyncInputs', () => {
  test('is true when a status write changes only the counts a sync computes', () => {
    expect(sameSetSyncInputs(set({}), set({ readyReplicas: 2, updatedReplicas: 1, currentReplicas: 1 }))).toBe(true);
  });

  test('is false when the write changes the current revision or the collision count the revisions come from', () => {
    expect(sameSetSyncInputs(set({}), set({ currentRevision: 'web-2' }))).toBe(false);
    expect(sameSetSyncInputs(set({}), set({ collisionCount: 1 }))).toBe(false);
  });

  test('reads currentReplicas as an input only when the rolling update has no rollingUpdate block', () => {
    expect(sameSetSyncInputs(set({}, null), set({ currentReplicas: 1 }, null))).toBe(false);
    expect(sameSetSyncInputs(set({}, null), set({ readyReplicas: 1 }, null))).toBe(true);
  });

  test('is false when the generation or the deletion mark differ', () => {
    const deleted = set({});
    deleted.metadata.deletionTimestamp = '2026-01-01T00:00:00Z';
    expect(sameSetSyncInputs(set({}), deleted)).toBe(false);
    const newer = set({});
    newer.metadata.generation = 3;
    expect(sameSetSyncInputs(set({}), newer)).toBe(false);
  });
});
