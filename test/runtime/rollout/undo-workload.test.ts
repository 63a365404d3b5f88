import { runtimeClockOf } from '../../../src/rehearsal/virtual-runtime-clock';
import { UndoOutcome, undoWorkload } from '../../../src/runtime/rollout/undo-workload';
import { RuntimeError } from '../../../src/runtime/runtime-error';
import { KubeObject, RESOURCES } from '../../../src/sandbox/api';
import { VirtualClock } from '../../../src/sandbox/clock';
import { createSandboxApi } from '../../../src/sandbox/store';
import { InProcessCluster } from '../../support/in-process-cluster';
import { revision, template } from '../revision-fixtures';

// A StatefulSet on app:2 with revisions 1 (app:1) and 2 (app:2), and no controller running: only the test moves
// status.observedGeneration, so it decides when the controller "observes" the restored template.
function setup() {
  const clock = new VirtualClock();
  const api = createSandboxApi({ clock });
  const sts = api.create(RESOURCES.statefulSets, {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'web', namespace: 'default' },
    spec: { replicas: 1, serviceName: 'web', selector: { matchLabels: { app: 'web' } }, template: template('app:2') },
  });
  for (const [number, image] of [[1, 'app:1'], [2, 'app:2']] as const) {
    api.create(RESOURCES.controllerRevisions, revision({ revision: number, image, ownerUid: sts.metadata.uid }) as unknown as KubeObject);
  }
  const observe = () => {
    const current = api.get(RESOURCES.statefulSets, 'default', 'web')!;
    api.updateStatus(RESOURCES.statefulSets, { ...current, status: { ...current.status, observedGeneration: current.metadata.generation } });
  };
  const cluster = new InProcessCluster(api);
  const run = () => {
    const result: { outcome?: UndoOutcome; error?: unknown } = {};
    void undoWorkload({
      cluster, clock: runtimeClockOf(clock), ref: { kind: 'StatefulSet', namespace: 'default', name: 'web' }, observeTimeoutMs: 10_000,
    }).then((outcome) => { result.outcome = outcome; }, (error) => { result.error = error; });
    return result;
  };
  return { clock, api, cluster, observe, run };
}

describe('undoWorkload waits for the controller to observe the restored template', () => {
  test('goes on at the first change that shows it observed, without polling', async () => {
    const { clock, cluster, observe, run } = setup();
    const start = clock.now();
    const result = run();
    await clock.runUntil(() => cluster.calls.includes('watch StatefulSet'));
    clock.advance(3_000);
    observe();
    await clock.runUntil(() => result.outcome !== undefined || result.error !== undefined);
    expect(result.error).toBeUndefined();
    expect(result.outcome).toMatchObject({ decision: { action: 'patch' }, trap: { trapped: false }, deletedPods: [] });
    expect(clock.now()).toBe(start + 3_000);
    // One read before the wait, one after the change.
    expect(cluster.calls.filter((call) => call === 'list StatefulSet')).toHaveLength(2);
  });

  test('a dropped watch is reopened after a pause, and the deadline ends the wait with what to check', async () => {
    const { clock, cluster, run } = setup();
    const start = clock.now();
    const result = run();
    await clock.runUntil(() => cluster.calls.includes('watch StatefulSet'));
    cluster.endWatches();
    await clock.runUntil(() => result.error !== undefined);
    expect(RuntimeError.is(result.error, 'timed-out')).toBe(true);
    expect((result.error as Error).message).toBe('the StatefulSet controller did not observe statefulset/web generation 2 within '
      + '10000ms; check the controller manager, then run undo again');
    expect(clock.now()).toBe(start + 10_000);
    // The drop cost one pause of a second and one more read and watch.
    expect(cluster.calls.filter((call) => call === 'watch StatefulSet')).toHaveLength(2);
    expect(cluster.calls.filter((call) => call === 'list StatefulSet')).toHaveLength(3);
  });
});
