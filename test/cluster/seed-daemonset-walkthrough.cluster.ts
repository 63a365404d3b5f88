// Seed 000's DaemonSet walk-through ("Kubernetes StatefulSets & DaemonSets Updates", second half) with the machine's
// kubectl, on the sandbox and on the real control plane, over four nodes (the post's "3 out of 4"): the node-exporter
// rolling update, a bad release that halts after one node, `rollout history` with change-causes, `rollout undo
// --to-revision=2` rolling forward to revision 4, the skipped and the refused undo. The commands are the post's; the
// sandbox-only replay of the same walk is test/sandbox/e2e/daemonset-blog.test.ts.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { differentialTest } from './differential';
import { isReady } from '../support/pod-readiness';
import { ClusterSnapshot, CommandResult, livePods } from '../support/scenario-cluster';

const NODES = 4;

// The post writes node-exporter-v0.14.yaml and node-exporter-bad.yaml from v0.13 with sed; so does this file, once
// for both engines. kubectl --record writes the path it was given into the change-cause, so the engines are given the
// same (relative) paths.
const WORK_DIR = mkdtempSync(join(tmpdir(), 'seed-node-exporter-'));
afterAll(() => rmSync(WORK_DIR, { recursive: true, force: true }));
const V013 = readFileSync(join(__dirname, '..', 'sandbox', 'e2e', 'fixtures', 'node-exporter-v0.13.yaml'), 'utf8');
function manifest(name: string, text: string): string {
  const path = join(WORK_DIR, name);
  writeFileSync(path, text);
  return relative(process.cwd(), path);
}
const MANIFESTS = {
  v013: manifest('node-exporter-v0.13.yaml', V013),
  v014: manifest('node-exporter-v0.14.yaml', V013.replace(/v0\.13\.0/g, 'v0.14.0')),
  // The post's bad release is an image that cannot be pulled. Here the release's container starts but never turns
  // Ready (the failure convention both engines follow; the env var wins over the `bad` tag on both): what halts the
  // post's roll out is that the new pod never becomes available, which this keeps. A DaemonSet pod in
  // ImagePullBackOff that is then deleted is sometimes never acted on by kwok v0.8.0, and the undo below deletes it.
  bad: manifest('node-exporter-bad.yaml', V013.replace(/v0\.13\.0/g, 'bad')
    .replace('        name: node-exporter\n', '        name: node-exporter\n\n        env:\n        - name: SANDBOX_FAILURE\n          value: NeverReady\n')),
};

const IMAGE = {
  v013: 'prom/node-exporter:v0.13.0',
  v014: 'prom/node-exporter:v0.14.0',
  bad: 'prom/node-exporter:bad',
};

const exporter = (snapshot: ClusterSnapshot) => snapshot.daemonSets.find((set) => set.metadata.name === 'node-exporter')!;
const images = (snapshot: ClusterSnapshot) => livePods(snapshot, 'node-exporter').map((pod) => pod.spec.containers[0].image);
const lines = (result: CommandResult) => result.stdout.trim().split('\n').filter((line, index, all) => line !== all[index - 1]);
const lastLine = (result: CommandResult) => lines(result).pop();
const tableRows = (result: CommandResult) => result.stdout.trim().split('\n').slice(1).map((line) => line.trim().split(/\s+/));

/**
 * The snapshot with the DaemonSet's pods recorded by what they run, not by node: which node's pod a rolling update
 * replaces first is not defined upstream (pkg/controller/daemon/update.go, rollingUpdate, walks its node-to-pods map
 * in Go's random order), so the engines legitimately pick different nodes for the bad release.
 */
function anyNode(snapshot: ClusterSnapshot): ClusterSnapshot {
  const pods = snapshot.pods.map((pod) => ({ ...pod, spec: { ...pod.spec, nodeName: '<any node>' } }))
    .sort((a, b) => a.spec.containers[0].image.localeCompare(b.spec.containers[0].image));
  return { ...snapshot, pods };
}

/** Every node runs one Ready pod on `image`, and the controller has said so. */
const rolledOutOn = (image: string) => (snapshot: ClusterSnapshot) => {
  const set = exporter(snapshot);
  const pods = livePods(snapshot, 'node-exporter');
  return pods.length === NODES && pods.every((pod) => isReady(pod) && pod.spec.containers[0].image === image)
    && set.status?.updatedNumberScheduled === NODES && set.status?.numberReady === NODES && set.status?.numberAvailable === NODES;
};

const history = (...causes: Array<[number, string]>) => [
  'daemonset.apps/node-exporter ',
  'REVISION  CHANGE-CAUSE',
  ...causes.map(([revision, file]) => `${revision}         kubectl apply --filename=${file} --record=true`),
  '',
  '',
].join('\n');

differentialTest('seed 000: node-exporter DaemonSet rolling update, a bad release halted after one node, history and undo', { nodes: NODES }, async (cluster, trace) => {
  const created = await cluster.kubectl(['apply', '-f', MANIFESTS.v013, '--record']);
  expect(created).toMatchObject({ code: 0, stdout: 'daemonset.apps/node-exporter created\n' });
  expect(created.stderr).toContain('Flag --record has been deprecated');
  const firstStatus = await cluster.kubectl(['rollout', 'status', 'ds', 'node-exporter'], { blocking: true });
  expect(lastLine(firstStatus)).toBe('daemon set "node-exporter" successfully rolled out');
  const v013 = await cluster.waitFor('v0.13 on every node', rolledOutOn(IMAGE.v013));
  const wide = await cluster.kubectl(['get', 'pods', '-l', 'app=node-exporter', '-o', 'wide']);
  expect(tableRows(wide).map((row) => row[6]).sort()).toEqual(['node-1', 'node-2', 'node-3', 'node-4']);
  trace.record('v0.13 applied', v013, { created: created.stdout, status: lastLine(firstStatus)! });

  // v0.14: one node at a time, as rollout status reports.
  const configured = await cluster.kubectl(['apply', '-f', MANIFESTS.v014, '--record']);
  expect(configured.stdout).toBe('daemonset.apps/node-exporter configured\n');
  const rolling = await cluster.kubectl(['rollout', 'status', 'ds', 'node-exporter'], { blocking: true });
  expect(rolling.code).toBe(0);
  const progress = lines(rolling).map((line) => /: (\d) out of 4 new pods/.exec(line)?.[1]).filter(Boolean).map(Number);
  expect(progress).toEqual([...progress].sort());
  expect(lastLine(rolling)).toBe('daemon set "node-exporter" successfully rolled out');
  const v014 = await cluster.waitFor('v0.14 on every node', rolledOutOn(IMAGE.v014));
  trace.record('v0.14 applied', v014, { configured: configured.stdout, status: lastLine(rolling)! });

  // The bad release: one node's pod is replaced, never becomes available, and the roll out stops there.
  expect((await cluster.kubectl(['apply', '-f', MANIFESTS.bad, '--record'])).stdout).toBe('daemonset.apps/node-exporter configured\n');
  const oneBad = (snapshot: ClusterSnapshot) => {
    const pods = livePods(snapshot, 'node-exporter');
    const bad = pods.filter((pod) => pod.spec.containers[0].image === IMAGE.bad);
    return pods.length === NODES && bad.length === 1 && bad[0].status?.containerStatuses?.[0]?.state?.running !== undefined
      && pods.filter((pod) => pod.spec.containers[0].image === IMAGE.v014 && isReady(pod)).length === NODES - 1
      && exporter(snapshot).status?.updatedNumberScheduled === 1;
  };
  const halting = await cluster.waitFor('one node on the bad release', oneBad);
  await cluster.pause(5000);
  const halted = await cluster.waitFor('a stable point', () => true);
  expect(oneBad(halted)).toBe(true);
  expect(livePods(halted, 'node-exporter').map((pod) => pod.metadata.uid)).toEqual(livePods(halting, 'node-exporter').map((pod) => pod.metadata.uid));
  // "Notice that the rollout never finishes" (given a time limit here, and no time on the sandbox).
  const stuck = await cluster.kubectl(['rollout', 'status', 'ds', 'node-exporter', '--timeout=2s']);
  expect(stuck.code).toBe(1);
  expect(lines(stuck)).toEqual(['Waiting for daemon set "node-exporter" rollout to finish: 1 out of 4 new pods have been updated...']);
  expect(stuck.stderr).toBe('error: timed out waiting for the condition\n');
  const badRows = tableRows(await cluster.kubectl(['get', 'pods', '-l', 'app=node-exporter'])).filter((row) => row[1] === '0/1');
  expect(badRows.map((row) => row.slice(1, 4))).toEqual([['0/1', 'Running', '0']]);
  // NAME DESIRED CURRENT READY UP-TO-DATE AVAILABLE NODE-SELECTOR: N N N-1 1 N-1 (the post shows AVAILABLE N; the
  // replaced node's pod is not available, on either engine).
  const ds = await cluster.kubectl(['get', 'ds', 'node-exporter']);
  expect(tableRows(ds).map((row) => row.slice(0, 7))).toEqual([['node-exporter', '4', '4', '3', '1', '3', '<none>']]);
  trace.record('bad release halted', anyNode(halted), { stuck, ds });

  const listed = await cluster.kubectl(['rollout', 'history', 'ds', 'node-exporter']);
  expect(listed).toMatchObject({ code: 0, stdout: history([1, MANIFESTS.v013], [2, MANIFESTS.v014], [3, MANIFESTS.bad]) });
  const revision2 = await cluster.kubectl(['rollout', 'history', 'ds', 'node-exporter', '--revision=2']);
  expect(revision2.stdout).toContain('daemonset.apps/node-exporter with revision #2\nPod Template:\n  Labels:\tapp=node-exporter\n');
  expect(revision2.stdout).toMatch(/Image:\s+prom\/node-exporter:v0\.14\.0\n/);
  expect(revision2.stdout).toMatch(/Port:\s+9100\/TCP\n/);
  trace.record('history', anyNode(halted), { listed, revision2 });

  // Rollback is a roll forward: revision 2's template becomes revision 4.
  const undone = await cluster.kubectl(['rollout', 'undo', 'ds', 'node-exporter', '--to-revision=2']);
  expect(undone).toMatchObject({ code: 0, stdout: 'daemonset.apps/node-exporter rolled back\n' });
  const healed = await cluster.kubectl(['rollout', 'status', 'ds', 'node-exporter'], { blocking: true });
  expect(lastLine(healed)).toBe('daemon set "node-exporter" successfully rolled out');
  const restored = await cluster.waitFor('v0.14 on every node again', rolledOutOn(IMAGE.v014));
  expect(images(restored)).toEqual(Array(NODES).fill(IMAGE.v014));
  const after = await cluster.kubectl(['rollout', 'history', 'ds', 'node-exporter']);
  expect(after.stdout).toBe(history([1, MANIFESTS.v013], [3, MANIFESTS.bad], [4, MANIFESTS.v014]));
  const healthy = await cluster.kubectl(['get', 'ds', 'node-exporter']);
  expect(tableRows(healthy).map((row) => row.slice(0, 7))).toEqual([['node-exporter', '4', '4', '4', '4', '4', '<none>']]);
  trace.record('undone to revision 2, now 4', restored, { undone, status: lastLine(healed)!, after, healthy });

  // kubectl skips the undo when the revision's bytes equal its own encoding of the live template
  // (k8s.io/kubectl pkg/polymorphichelpers/rollback.go, daemonSetMatch). The sandbox serves v1.33 and encodes
  // templates as 1.33 does (`creationTimestamp: null`); the control plane is v1.36, whose encoding omits the zero
  // timestamp (apimachinery meta/v1 types.go, `omitzero`). So each engine is asked with the kubectl of its own
  // version: the machine's 1.33 against 1.36 (outside kubectl's one-minor skew) answers "rolled back" instead.
  const skipped = await cluster.kubectl(['rollout', 'undo', 'ds', 'node-exporter', '--to-revision=4'], { binary: cluster.kube?.kubectlPath });
  expect(skipped).toMatchObject({ code: 0, stdout: 'daemonset.apps/node-exporter skipped rollback (current template already matches revision 4)\n' });
  const missing = await cluster.kubectl(['rollout', 'undo', 'ds', 'node-exporter', '--to-revision=10']);
  expect(missing).toMatchObject({ code: 1, stderr: 'error: unable to find specified revision 10 in history\n' });
  // stdout only: kubectl 1.36 also warns that an undo does not update the last-applied-configuration annotation.
  trace.record('skipped and refused undo', await cluster.waitFor('a stable point', () => true), { skipped: skipped.stdout, missing });

  const deleted = await cluster.kubectl(['delete', 'ds', 'node-exporter']);
  expect(deleted.stdout).toBe('daemonset.apps "node-exporter" deleted\n');
  trace.record('deleted', await cluster.waitFor('the pods gone', (s) => livePods(s, 'node-exporter').length === 0), { deleted });
});
