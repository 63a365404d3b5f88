import { PartitionPlan } from '../../../src/partition-plan';
import { revisionTemplate } from '../../../src/runtime/kube/revision-history';
import { decideUndo, findUndoRevision, podsHeldFromRevision } from '../../../src/runtime/rollout/undo';
import { RuntimeError } from '../../../src/runtime/runtime-error';
import { daemonSet, pod, statefulSet } from '../kube-fixtures';
import { revision, withTemplate } from '../revision-fixtures';

const history = [revision({ revision: 3, image: 'app:3' }), revision({ revision: 1, image: 'app:1' }), revision({ revision: 2, image: 'app:2' })];

describe('findUndoRevision', () => {
  test('0 is the second-highest revision, whatever the list order', () => {
    expect(findUndoRevision(history, 0).revision).toBe(2);
  });

  test('a number is an exact match', () => {
    expect(findUndoRevision(history, 1).revision).toBe(1);
  });

  test('kubectl\'s messages for missing revisions', () => {
    const failure = (fn: () => unknown) => {
      try {
        fn();
      } catch (error) {
        expect(RuntimeError.is(error, 'bad-input')).toBe(true);
        return (error as Error).message;
      }
      throw new Error('expected a failure');
    };
    expect(failure(() => findUndoRevision(history, 5))).toBe('unable to find specified revision 5 in history');
    expect(failure(() => findUndoRevision(history, -1))).toBe('unable to find specified revision -1 in history');
    expect(failure(() => findUndoRevision([history[0]], 0))).toBe('no last revision to roll back to');
    expect(failure(() => findUndoRevision([], 0))).toBe('no last revision to roll back to');
    // With one revision an explicit --to-revision still resolves, as in kubectl.
    expect(findUndoRevision([history[0]], 3).revision).toBe(3);
  });
});

describe('decideUndo', () => {
  const sts = withTemplate(statefulSet(), 'app:3');

  test('restores the previous revision with its data as the strategic patch', () => {
    const decision = decideUndo('StatefulSet', sts, history, 0);
    expect(decision).toEqual({ action: 'patch', revision: history[2], patch: history[2].data, message: 'rolled back' });
  });

  test('skips when the live template already matches, naming the requested number as kubectl does', () => {
    expect(decideUndo('StatefulSet', sts, history, 3)).toMatchObject({
      action: 'skip', message: 'skipped rollback (current template already matches revision 3)',
    });
    const onTwo = withTemplate(statefulSet(), 'app:2');
    expect(decideUndo('StatefulSet', onTwo, history, 0).message).toBe('skipped rollback (current template already matches revision 0)');
  });

  test('through the plan: the same template with the update staged', () => {
    const decision = decideUndo('StatefulSet', sts, history, 1, 'through-plan');
    expect(decision.action).toBe('patch');
    expect(decision.action === 'patch' && decision.patch).toEqual({
      spec: {
        template: { ...revisionTemplate(history[1]), $patch: 'replace' },
        updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: PartitionPlan.STAGED_PARTITION } },
      },
    });
    expect(decision.message).toBe('rolled back (staged: the template of revision 1 is the update revision, no pod moved yet)');
  });

  test('through the plan is refused for OnDelete StatefulSets and DaemonSets', () => {
    const onDelete = withTemplate(statefulSet({ strategy: 'OnDelete' }), 'app:3');
    expect(() => decideUndo('StatefulSet', onDelete, history, 1, 'through-plan'))
      .toThrow('statefulset/web uses the OnDelete update strategy, which has no partition to stage: undo without --through-plan');
    const ds = withTemplate({ ...daemonSet(), metadata: { ...daemonSet().metadata, name: 'web' } }, 'app:3');
    expect(() => decideUndo('DaemonSet', ds, history, 1, 'through-plan'))
      .toThrow('undo --through-plan applies to StatefulSets only, not to DaemonSets');
    expect(decideUndo('DaemonSet', ds, history, 1)).toMatchObject({ action: 'patch', message: 'rolled back' });
  });

  test('errors come before the template comparison', () => {
    expect(() => decideUndo('StatefulSet', sts, history, 9)).toThrow('unable to find specified revision 9 in history');
  });
});

describe('podsHeldFromRevision', () => {
  // history[2] is revision 2, whose pods carry hash web-h2.
  const pods = (hashes: string[]) => hashes.map((hash, ordinal) => pod({ name: `web-${ordinal}`, revision: hash, readyForSeconds: 60 }));

  test('a pinned partition holds every pod off the restored revision', () => {
    const held = podsHeldFromRevision(statefulSet({ partition: PartitionPlan.STAGED_PARTITION }), pods(['web-h3', 'web-h3', 'web-h3']), history[2]);
    expect(held).toEqual({
      pods: ['web-0', 'web-1', 'web-2'],
      message: 'no pod moved: web-0, web-1, web-2 stay off the restored revision web-h2 because partition 32767 holds them; '
        + 'roll them along the plan with "kubectl-stage promote sts/web" ("undo --through-plan" restores and rolls in one go)',
    });
  });

  test('a partition in the middle holds only the pods below it that run another revision', () => {
    const held = podsHeldFromRevision(statefulSet({ partition: 2 }), pods(['web-h2', 'web-h3', 'web-h3']), history[2]);
    expect(held?.pods).toEqual(['web-1']);
    expect(held?.message).toMatch(/^1 of 3 pods did not move: web-1 stay off the restored revision web-h2 because partition 2 holds them; /);
  });

  test('OnDelete holds every pod off the revision; partition 0, or pods on the revision already, hold none', () => {
    expect(podsHeldFromRevision(statefulSet({ strategy: 'OnDelete' }), pods(['web-h3', 'web-h2', 'web-h3']), history[2])?.message).toBe(
      '2 of 3 pods did not move: web-0, web-2 stay off the restored revision web-h2 because the OnDelete update strategy moves pods only when '
      + 'they are deleted; delete them one at a time to roll them ("kubectl delete pod NAME")');
    expect(podsHeldFromRevision(statefulSet({ partition: 0 }), pods(['web-h3', 'web-h3', 'web-h3']), history[2])).toBeUndefined();
    expect(podsHeldFromRevision(statefulSet({ partition: 2 }), pods(['web-h2', 'web-h2', 'web-h3']), history[2])).toBeUndefined();
  });
});
