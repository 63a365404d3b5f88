// Seeds 001 (DaemonSet rolling update and rollback: fluentd-elasticsearch) and 004 (DaemonSet basics: filebeat)
// with the machine's kubectl, on the sandbox and on the real control plane. The sandbox-only replays of the same
// walks are test/sandbox/e2e/fluentd-daemonset.test.ts and filebeat-daemonset.test.ts. The seeds put their
// DaemonSets in kube-system; here they run in `default`, the namespace the scenario kit's snapshots (and so the
// traces) read: nothing in these walks depends on the namespace.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { differentialTest } from './differential';
import { isReady } from '../support/pod-readiness';
import { ClusterSnapshot, CommandResult, ScenarioCluster } from '../support/scenario-cluster';

const WORK_DIR = mkdtempSync(join(tmpdir(), 'seed-daemonset-basics-'));
afterAll(() => rmSync(WORK_DIR, { recursive: true, force: true }));

/** The seed's manifest, moved to namespace default, written where kubectl is given a stable relative path. */
function manifest(fixture: string, edit: (text: string) => string = (text) => text, name = fixture): string {
  const text = readFileSync(join(__dirname, '..', 'sandbox', 'e2e', 'fixtures', fixture), 'utf8');
  const path = join(WORK_DIR, name);
  writeFileSync(path, edit(text.replace('namespace: kube-system', 'namespace: default')));
  return relative(process.cwd(), path);
}

const FLUENTD = manifest('fluentd-daemonset.yaml');
const FLUENTD_UPDATE = manifest('fluentd-daemonset-update.yaml');
const FILEBEAT = manifest('ds-filebeat-demo.yaml');
// Seed 004 edits ds-filebeat-demo.yaml in place to add a nodeSelector to the pod template (without --record, so the
// file's name is not recorded anywhere).
const FILEBEAT_SSD = manifest('ds-filebeat-demo.yaml',
  (text) => text.replace('    spec:\n      containers:', '    spec:\n      nodeSelector:\n        disk: ssd\n      containers:'), 'ds-filebeat-demo-ssd.yaml');

const daemonPods = (snapshot: ClusterSnapshot, name: string) => snapshot.pods.filter((pod) => !pod.metadata.deletionTimestamp
  && (pod.metadata.ownerReferences ?? []).some((owner: any) => owner.kind === 'DaemonSet' && owner.name === name));
const lines = (result: CommandResult) => result.stdout.trim().split('\n').filter((line, index, all) => line !== all[index - 1]);
const lastLine = (result: CommandResult) => lines(result).pop();
const tableRows = (result: CommandResult) => result.stdout.trim().split('\n').slice(1).map((line) => line.trim().split(/\s+/));

/** `count` Ready pods of DaemonSet `name`, all on `image`, each on its own node, and the controller agrees. */
const settled = (name: string, count: number, image: string) => (snapshot: ClusterSnapshot) => {
  const set = snapshot.daemonSets.find((candidate) => candidate.metadata.name === name);
  const pods = daemonPods(snapshot, name);
  return set !== undefined && pods.length === count && new Set(pods.map((pod) => pod.spec.nodeName)).size === count
    && pods.every((pod) => isReady(pod) && pod.spec.containers[0].image === image)
    && set.status?.desiredNumberScheduled === count && set.status?.currentNumberScheduled === count
    && set.status?.updatedNumberScheduled === count && set.status?.numberReady === count && set.status?.numberAvailable === count;
};

/** The updated-pod counts a `rollout status` printed, in order. */
const progress = (result: CommandResult) => lines(result).map((line) => /: (\d) out of \d new pods/.exec(line)?.[1]).filter(Boolean).map(Number);

async function addNode(cluster: ScenarioCluster, name: string): Promise<void> {
  if (cluster.sandbox) {
    cluster.sandbox.addNode(name);
  } else {
    await cluster.kube!.addNode(name);
  }
}

const FLUENTD_IMAGE = 'quay.io/fluentd_elasticsearch/fluentd:v2.5.2';

differentialTest('seed 001: fluentd-elasticsearch rolling update with --record, history, undo and ControllerRevisions', { nodes: 3 }, async (cluster, trace) => {
  const created = await cluster.kubectl(['apply', '-f', FLUENTD, '--record=true']);
  expect(created.stdout).toBe('daemonset.apps/fluentd-elasticsearch created\n');
  const first = await cluster.waitFor('a pod on each node', settled('fluentd-elasticsearch', 3, FLUENTD_IMAGE));
  const ds = await cluster.kubectl(['get', 'ds']);
  expect(tableRows(ds).map((row) => row.slice(0, 7))).toEqual([['fluentd-elasticsearch', '3', '3', '3', '3', '3', '<none>']]);
  const strategy = await cluster.kubectl(['get', 'ds/fluentd-elasticsearch', '-o', 'go-template={{.spec.updateStrategy.type}}{{"\\n"}}']);
  expect(strategy.stdout).toBe('RollingUpdate\n');
  const dryRun = await cluster.kubectl(['apply', '-f', FLUENTD, '--dry-run=client', '-o', 'go-template={{.spec.updateStrategy.type}}{{"\\n"}}']);
  expect(dryRun.stdout).toBe('RollingUpdate\n');
  trace.record('created', first, { ds, strategy, dryRun });

  // The update adds tolerations and resources: one node at a time.
  const configured = await cluster.kubectl(['apply', '-f', FLUENTD_UPDATE, '--record=true']);
  expect(configured.stdout).toBe('daemonset.apps/fluentd-elasticsearch configured\n');
  const status = await cluster.kubectl(['rollout', 'status', 'ds/fluentd-elasticsearch'], { blocking: true });
  expect(progress(status)).toEqual([...progress(status)].sort());
  expect(lastLine(status)).toBe('daemon set "fluentd-elasticsearch" successfully rolled out');
  const updated = await cluster.waitFor('every pod updated', (s) => settled('fluentd-elasticsearch', 3, FLUENTD_IMAGE)(s)
    && daemonPods(s, 'fluentd-elasticsearch').every((pod) => pod.spec.containers[0].resources?.requests?.cpu === '100m'));
  trace.record('updated', updated, { status: lastLine(status)! });

  const history = await cluster.kubectl(['rollout', 'history', 'daemonset', 'fluentd-elasticsearch']);
  expect(history.stdout).toBe([
    'daemonset.apps/fluentd-elasticsearch ',
    'REVISION  CHANGE-CAUSE',
    `1         kubectl apply --filename=${FLUENTD} --record=true`,
    `2         kubectl apply --filename=${FLUENTD_UPDATE} --record=true`,
    '',
    '',
  ].join('\n'));
  const revision1 = await cluster.kubectl(['rollout', 'history', 'daemonset', 'fluentd-elasticsearch', '--revision=1']);
  expect(revision1.stdout).toContain('daemonset.apps/fluentd-elasticsearch with revision #1\nPod Template:\n  Labels:\tname=fluentd-elasticsearch\n');
  expect(revision1.stdout).toMatch(/Type:\s+HostPath \(bare host directory volume\)\n\s+Path:\s+\/var\/log\n/);
  trace.record('history', updated, { history, revision1 });

  // Undo to revision 1: its ControllerRevision is renumbered 3 (revisions only move forward).
  const undone = await cluster.kubectl(['rollout', 'undo', 'daemonset', 'fluentd-elasticsearch', '--to-revision=1']);
  expect(undone.stdout).toBe('daemonset.apps/fluentd-elasticsearch rolled back\n');
  const back = await cluster.kubectl(['rollout', 'status', 'ds/fluentd-elasticsearch'], { blocking: true });
  expect(lastLine(back)).toBe('daemon set "fluentd-elasticsearch" successfully rolled out');
  const restored = await cluster.waitFor('every pod back on revision 1\'s template', (s) => settled('fluentd-elasticsearch', 3, FLUENTD_IMAGE)(s)
    && daemonPods(s, 'fluentd-elasticsearch').every((pod) => pod.spec.containers[0].resources?.requests === undefined));
  const revisions = await cluster.kubectl(['get', 'controllerrevision', '-l', 'name=fluentd-elasticsearch']);
  expect(tableRows(revisions).map((row) => [row[1], row[2]]).sort()).toEqual([
    ['daemonset.apps/fluentd-elasticsearch', '2'], ['daemonset.apps/fluentd-elasticsearch', '3'],
  ]);
  trace.record('undone to revision 1, now 3', restored, { undone, status: lastLine(back)!, revisions });
});

const FILEBEAT_7 = 'docker.elastic.co/beats/filebeat:7.9.1';
const FILEBEAT_6 = 'docker.elastic.co/beats/filebeat:6.8.12';

differentialTest('seed 004: filebeat follows a new node, set image, undo, and a nodeSelector shrinks it to disk=ssd nodes', { nodes: 3 }, async (cluster, trace) => {
  const created = await cluster.kubectl(['apply', '-f', FILEBEAT]);
  expect(created.stdout).toBe('daemonset.apps/filebeat-ds created\n');
  trace.record('created', await cluster.waitFor('a pod on each node', settled('filebeat-ds', 3, FILEBEAT_7)), { created });

  // A node joins: the DaemonSet runs a pod there too.
  await addNode(cluster, 'node-4');
  const grown = await cluster.waitFor('a pod on the new node', settled('filebeat-ds', 4, FILEBEAT_7));
  expect(daemonPods(grown, 'filebeat-ds').map((pod) => pod.spec.nodeName).sort()).toEqual(['node-1', 'node-2', 'node-3', 'node-4']);
  trace.record('node-4 joined', grown);

  const setImage = await cluster.kubectl(['set', 'image', 'ds', 'filebeat-ds', 'filebeat=docker.elastic.co/beats/filebeat:6.8.12']);
  expect(setImage.stdout).toBe('daemonset.apps/filebeat-ds image updated\n');
  const status = await cluster.kubectl(['rollout', 'status', 'ds/filebeat-ds'], { blocking: true });
  expect(progress(status)).toEqual([...progress(status)].sort());
  expect(lastLine(status)).toBe('daemon set "filebeat-ds" successfully rolled out');
  const six = await cluster.waitFor('every pod on 6.8.12', settled('filebeat-ds', 4, FILEBEAT_6));
  const history = await cluster.kubectl(['rollout', 'history', 'ds', 'filebeat-ds']);
  expect(history.stdout).toBe('daemonset.apps/filebeat-ds \nREVISION  CHANGE-CAUSE\n1         <none>\n2         <none>\n\n');
  trace.record('set image 6.8.12', six, { status: lastLine(status)!, history });

  const undone = await cluster.kubectl(['rollout', 'undo', 'ds', 'filebeat-ds', '--to-revision=1']);
  expect(undone.stdout).toBe('daemonset.apps/filebeat-ds rolled back\n');
  await cluster.kubectl(['rollout', 'status', 'ds/filebeat-ds'], { blocking: true });
  const seven = await cluster.waitFor('every pod back on 7.9.1', settled('filebeat-ds', 4, FILEBEAT_7));
  const images = await cluster.kubectl(['get', 'pods', '-l', 'name=filebeat', '-o', 'custom-columns=Image:spec.containers[0].image', '--no-headers']);
  expect(images.stdout).toBe(`${FILEBEAT_7}\n`.repeat(4));
  trace.record('undone to revision 1', seven, { undone, images, history: await cluster.kubectl(['rollout', 'history', 'ds', 'filebeat-ds']) });

  // Two nodes labelled disk=ssd, and the template selects them.
  expect((await cluster.kubectl(['label', 'node', 'node-1', 'disk=ssd'])).stdout).toBe('node/node-1 labeled\n');
  expect((await cluster.kubectl(['label', 'node', 'node-3', 'disk=ssd'])).stdout).toBe('node/node-3 labeled\n');
  expect((await cluster.kubectl(['apply', '-f', FILEBEAT_SSD])).stdout).toBe('daemonset.apps/filebeat-ds configured\n');
  const shrunk = await cluster.waitFor('pods on the ssd nodes only', settled('filebeat-ds', 2, FILEBEAT_7));
  expect(daemonPods(shrunk, 'filebeat-ds').map((pod) => pod.spec.nodeName).sort()).toEqual(['node-1', 'node-3']);
  const ds = await cluster.kubectl(['get', 'ds', 'filebeat-ds']);
  expect(tableRows(ds).map((row) => row.slice(0, 7))).toEqual([['filebeat-ds', '2', '2', '2', '2', '2', 'disk=ssd']]);
  const nodes = await cluster.kubectl(['get', 'node', '-l', 'disk=ssd', '-o', 'custom-columns=NAME:.metadata.name,DISK:.metadata.labels.disk']);
  trace.record('nodeSelector disk=ssd', shrunk, { ds, nodes });
});
