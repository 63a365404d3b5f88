import { detectForcedRollbackTrap } from '../../../src/runtime/statefulset/forced-rollback-trap';
import { pod, statefulSet } from '../kube-fixtures';

// After `undo`: the template is back on web-good (update revision); web-2 was rolled to web-bad and cannot pull.
const reverted = statefulSet({ replicas: 3, currentRevision: 'web-good', updateRevision: 'web-good', readyReplicas: 2 });
const pullError = { reason: 'ImagePullBackOff', message: 'Back-off pulling image "app:bad"' };

describe('detectForcedRollbackTrap', () => {
  test('names exactly the unready pods on a revision the controller would replace', () => {
    const trap = detectForcedRollbackTrap(reverted, [
      pod({ name: 'web-0', revision: 'web-good', readyForSeconds: 60 }),
      pod({ name: 'web-1', revision: 'web-good', readyForSeconds: 60 }),
      pod({ name: 'web-2', uid: 'u2', revision: 'web-bad', waiting: pullError }),
    ]);
    expect(trap.trapped).toBe(true);
    expect(trap.podsToDelete).toEqual([{
      pod: 'web-2',
      uid: 'u2',
      ordinal: 2,
      revision: 'web-bad',
      recreatedAt: 'web-good',
      problems: [{ reason: 'ImagePullBackOff', message: 'Back-off pulling image "app:bad"', container: 'app' }],
    }]);
    expect(trap.message).toBe('statefulset/web is in the forced-rollback trap (kubernetes/kubernetes#67250): with '
      + 'podManagementPolicy OrderedReady the controller waits for this pod to become Ready and never replaces it: '
      + 'web-2 (revision web-bad, not Ready, ImagePullBackOff - Back-off pulling image "app:bad"; recreated at web-good). '
      + 'Deleting it lets the controller recreate it at the right revision.');
  });

  test('several stuck pods, lowest ordinal first; Ready, terminating and right-revision pods are left alone', () => {
    const trap = detectForcedRollbackTrap(statefulSet({ replicas: 5, currentRevision: 'web-good', updateRevision: 'web-good' }), [
      pod({ name: 'web-4', revision: 'web-bad', waiting: { reason: 'CrashLoopBackOff' } }),
      pod({ name: 'web-3', revision: 'web-bad' }),
      pod({ name: 'web-2', revision: 'web-bad', readyForSeconds: 5 }),
      pod({ name: 'web-1', revision: 'web-bad', terminating: true }),
      pod({ name: 'web-0', revision: 'web-good' }),
    ]);
    expect(trap.podsToDelete.map((stuck) => stuck.pod)).toEqual(['web-3', 'web-4']);
    expect(trap.message).toContain('waits for these pods to become Ready and never replaces them: web-3 (revision web-bad, not Ready; '
      + 'recreated at web-good), web-4 (revision web-bad, not Ready, CrashLoopBackOff; recreated at web-good). Deleting them');
  });

  test('below the partition a pod is recreated at the current revision, so only a pod on another revision is stuck', () => {
    const staged = statefulSet({ replicas: 3, partition: 2, currentRevision: 'web-good', updateRevision: 'web-next' });
    const trap = detectForcedRollbackTrap(staged, [
      pod({ name: 'web-0', revision: 'web-bad' }),
      pod({ name: 'web-1', revision: 'web-good' }),
      pod({ name: 'web-2', revision: 'web-next' }),
    ]);
    expect(trap.podsToDelete.map((stuck) => [stuck.pod, stuck.recreatedAt])).toEqual([['web-0', 'web-good']]);
  });

  test('a broken update revision is not the trap: deleting its pods brings them back the same', () => {
    const trap = detectForcedRollbackTrap(statefulSet({ currentRevision: 'web-good', updateRevision: 'web-bad' }), [
      pod({ name: 'web-0', revision: 'web-good', readyForSeconds: 60 }),
      pod({ name: 'web-1', revision: 'web-good', readyForSeconds: 60 }),
      pod({ name: 'web-2', revision: 'web-bad', waiting: pullError }),
    ]);
    expect(trap).toEqual({
      trapped: false,
      podsToDelete: [],
      message: 'statefulset/web is not in the forced-rollback trap: no unready pod runs a revision the controller would replace',
    });
  });

  test('Parallel, OnDelete and an unobserved spec are never reported', () => {
    const stuck = [pod({ name: 'web-2', revision: 'web-bad' })];
    expect(detectForcedRollbackTrap(statefulSet({ podManagementPolicy: 'Parallel', updateRevision: 'web-good' }), stuck).message)
      .toBe('statefulset/web uses podManagementPolicy Parallel: the controller replaces broken pods on its own');
    expect(detectForcedRollbackTrap(statefulSet({ strategy: 'OnDelete', updateRevision: 'web-good' }), stuck).message)
      .toBe('statefulset/web uses the OnDelete update strategy: pods change revision only when deleted');
    const unobserved = detectForcedRollbackTrap(statefulSet({ generation: 3, observedGeneration: 2, updateRevision: 'web-good' }), stuck);
    expect(unobserved.trapped).toBe(false);
    expect(unobserved.message).toBe('statefulset/web: the controller has not observed the latest spec yet');
  });
});
