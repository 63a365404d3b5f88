// Seed 000 ("Kubernetes StatefulSets & DaemonSets Updates"), second half, replayed with the real kubectl on four
// nodes (the post's "3 out of 4"): the node-exporter DaemonSet's rolling update, a bad image that halts it after
// one node, the revision history with change-causes, and rollback as roll-forward. Commands are the post's.
import { BackgroundCommand, tableRows } from './kubectl-session';
import { distinctLines, firstLine, lastLine, useSeedReplay } from './seed-replay';
import { KubeObject, RESOURCES } from '../../../src/sandbox/api';

jest.setTimeout(120_000);

const NODES = 4;
const replay = useSeedReplay({ nodes: NODES });

const exporter = () => replay.sandbox.api.get(RESOURCES.daemonSets, 'default', 'node-exporter')!;
const exporterPods = () => replay.sandbox.api.list(RESOURCES.pods, { namespace: 'default', labelSelector: 'app=node-exporter' }).items;
const imageOf = (pod: KubeObject) => pod.spec.containers[0].image;
const waitingReason = (pod: KubeObject) => pod.status?.containerStatuses?.[0]?.state?.waiting?.reason;
const rolledOut = () => {
  const ds = exporter();
  return ds.status?.observedGeneration === ds.metadata.generation && ds.status.updatedNumberScheduled === NODES
    && ds.status.numberAvailable === NODES && exporterPods().length === NODES;
};


describe('seed 000: node-exporter DaemonSet rolling update, history and rollback', () => {
  test('kubectl apply -f node-exporter-v0.13.yaml --record creates it and rollout status reports success', async () => {
    const applied = await replay.session.run('kubectl apply -f node-exporter-v0.13.yaml --record');
    expect(applied.code).toBe(0);
    expect(applied.stdout).toBe('daemonset.apps/node-exporter created\n');
    expect(applied.stderr).toContain('Flag --record has been deprecated');

    const status = await replay.runBlocking('kubectl rollout status ds node-exporter');
    expect(status.code).toBe(0);
    expect(lastLine(status.stdout)).toBe('daemon set "node-exporter" successfully rolled out');

    const wide = await replay.session.run('kubectl get pods -l app=node-exporter -o wide');
    const rows = tableRows(wide.stdout);
    expect(rows).toHaveLength(NODES);
    expect(rows.map((row) => row[6]).sort()).toEqual(['node-1', 'node-2', 'node-3', 'node-4']);
  });

  test('applying v0.14 rolls one pod at a time, as rollout status reports', async () => {
    const written = await replay.session.run('cat node-exporter-v0.13.yaml | sed "s/v0.13.0/v0.14.0/g" > node-exporter-v0.14.yaml');
    expect(written.code).toBe(0);
    const applied = await replay.session.run('kubectl apply -f node-exporter-v0.14.yaml --record');
    expect(applied.stdout).toBe('daemonset.apps/node-exporter configured\n');

    const status = await replay.runBlocking('kubectl rollout status ds node-exporter');
    expect(status.code).toBe(0);
    const lines = distinctLines(status.stdout);
    expect(lines).toContain('Waiting for daemon set "node-exporter" rollout to finish: 3 out of 4 new pods have been updated...');
    expect(lines).toContain('Waiting for daemon set "node-exporter" rollout to finish: 3 of 4 updated pods are available...');
    expect(lines[lines.length - 1]).toBe('daemon set "node-exporter" successfully rolled out');
    const updated = lines.map((line) => /: (\d) out of 4 new pods/.exec(line)?.[1]).filter(Boolean).map(Number);
    expect(updated).toEqual([...updated].sort());
    expect(exporterPods().map(imageOf)).toEqual(Array(NODES).fill('prom/node-exporter:v0.14.0'));
  });

  test('a bad image halts the rollout after one node: rollout status never finishes', async () => {
    await replay.session.run('cat node-exporter-v0.13.yaml | sed "s/v0.13.0/bad/g" > node-exporter-bad.yaml');
    const applied = await replay.session.run('kubectl apply -f node-exporter-bad.yaml --record');
    expect(applied.stdout).toBe('daemonset.apps/node-exporter configured\n');

    const status: BackgroundCommand = replay.session.start('kubectl rollout status ds node-exporter');
    await firstLine(status);
    await replay.sandbox.runUntil(() => exporterPods().some((pod) => waitingReason(pod) === 'ImagePullBackOff'));
    // Ten more minutes change nothing: the new pod never becomes available, so no other node is updated.
    await replay.sandbox.advance(10 * 60_000);
    const interrupted = await status.interrupt();
    const lines = distinctLines(interrupted.stdout);
    expect(lines).toContain('Waiting for daemon set "node-exporter" rollout to finish: 0 out of 4 new pods have been updated...');
    expect(lines[lines.length - 1]).toBe('Waiting for daemon set "node-exporter" rollout to finish: 1 out of 4 new pods have been updated...');
    expect(lines.filter((line) => / [2-4] out of 4 /.test(line) || line.includes('successfully'))).toEqual([]);
    expect(exporterPods().filter((pod) => imageOf(pod) === 'prom/node-exporter:bad')).toHaveLength(1);

    const listed = tableRows((await replay.session.run('kubectl get pods -l app=node-exporter')).stdout);
    const bad = listed.filter((row) => row[1] === '0/1');
    expect(bad).toHaveLength(1);
    expect(['ErrImagePull', 'ImagePullBackOff']).toContain(bad[0][2]);

    // NAME DESIRED CURRENT READY UP-TO-DATE AVAILABLE NODE SELECTOR AGE: N N N-1 1 N-1 <none>. (The post shows
    // AVAILABLE N; upstream counts the replaced node's pod as unavailable, and so does the sandbox.)
    const ds = tableRows((await replay.session.run('kubectl get ds node-exporter')).stdout);
    expect(ds.map((row) => row.slice(0, 7))).toEqual([['node-exporter', '4', '4', '3', '1', '3', '<none>']]);
  });

  test('kubectl rollout history lists the revisions with their change-causes', async () => {
    const history = await replay.session.run('kubectl rollout history ds node-exporter');
    expect(history.code).toBe(0);
    expect(history.stdout).toBe([
      'daemonset.apps/node-exporter ',
      'REVISION  CHANGE-CAUSE',
      '1         kubectl apply --filename=node-exporter-v0.13.yaml --record=true',
      '2         kubectl apply --filename=node-exporter-v0.14.yaml --record=true',
      '3         kubectl apply --filename=node-exporter-bad.yaml --record=true',
      '',
      '',
    ].join('\n'));

    const revision2 = await replay.session.run('kubectl rollout history ds node-exporter --revision=2');
    expect(revision2.stdout).toContain('daemonset.apps/node-exporter with revision #2\nPod Template:\n  Labels:\tapp=node-exporter\n');
    expect(revision2.stdout).toMatch(/Image:\s+prom\/node-exporter:v0\.14\.0\n/);
    expect(revision2.stdout).toMatch(/Port:\s+9100\/TCP\n/);
  });

  test('kubectl rollout undo --to-revision=2 rolls forward to revision 4 and the DaemonSet is healthy again', async () => {
    const undone = await replay.session.run('kubectl rollout undo ds node-exporter --to-revision=2');
    expect(undone).toMatchObject({ code: 0, stdout: 'daemonset.apps/node-exporter rolled back\n' });

    const status = await replay.runBlocking('kubectl rollout status ds node-exporter');
    expect(lastLine(status.stdout)).toBe('daemon set "node-exporter" successfully rolled out');
    expect(rolledOut()).toBe(true);
    expect(exporterPods().map(imageOf)).toEqual(Array(NODES).fill('prom/node-exporter:v0.14.0'));

    const history = await replay.session.run('kubectl rollout history ds node-exporter');
    expect(history.stdout).toBe([
      'daemonset.apps/node-exporter ',
      'REVISION  CHANGE-CAUSE',
      '1         kubectl apply --filename=node-exporter-v0.13.yaml --record=true',
      '3         kubectl apply --filename=node-exporter-bad.yaml --record=true',
      '4         kubectl apply --filename=node-exporter-v0.14.yaml --record=true',
      '',
      '',
    ].join('\n'));
    const ds = tableRows((await replay.session.run('kubectl get ds node-exporter')).stdout);
    expect(ds.map((row) => row.slice(0, 7))).toEqual([['node-exporter', '4', '4', '4', '4', '4', '<none>']]);
  });

  test('undo to the current revision is skipped; an unknown revision is an error', async () => {
    const skipped = await replay.session.run('kubectl rollout undo ds node-exporter --to-revision=4');
    expect(skipped).toMatchObject({ code: 0, stdout: 'daemonset.apps/node-exporter skipped rollback (current template already matches revision 4)\n' });

    const missing = await replay.session.run('kubectl rollout undo ds node-exporter --to-revision=10');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe('error: unable to find specified revision 10 in history\n');
  });

  test('kubectl delete ds node-exporter cleans up', async () => {
    const deleted = replay.session.start('kubectl delete ds node-exporter');
    await replay.sandbox.runUntil(deleted.done);
    expect((await deleted.done).stdout).toBe('daemonset.apps "node-exporter" deleted\n');
    await replay.sandbox.runUntil(() => exporterPods().length === 0);
  });
});
