// Seed 004 (DaemonSet basics, a filebeat log collector in kube-system on GKE) replayed with the real kubectl: one
// pod per node, a pod for a node that joins, `set image` rolling node by node, undo, and a nodeSelector that
// shrinks the DaemonSet to the nodes labelled disk=ssd. The nodes carry the post's GKE names.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CommandResult, tableRows } from './kubectl-session';
import { useSeedReplay } from './seed-replay';
import { RESOURCES } from '../../../src/sandbox/api';
import { isReady } from '../../support/pod-readiness';

jest.setTimeout(120_000);

const POOL = 'gke-cluster-1-default-pool-7dc8b11b';
const FIRST_NODES = [`${POOL}-cxs1`, `${POOL}-r7rg`, `${POOL}-z2gx`];
const ADDED_NODE = `${POOL}-8kvr`;

const replay = useSeedReplay({ nodes: 0 }, (sandbox) => FIRST_NODES.forEach((name) => sandbox.addNode(name)));

const filebeat = () => replay.sandbox.api.get(RESOURCES.daemonSets, 'kube-system', 'filebeat-ds')!;
const filebeatPods = () => replay.sandbox.api.list(RESOURCES.pods, { namespace: 'kube-system', labelSelector: 'name=filebeat' }).items;
/** Every eligible node runs one available pod of the current template. */
const settledOn = (nodes: number) => () => {
  const ds = filebeat();
  return ds.status?.observedGeneration === ds.metadata.generation && ds.status.desiredNumberScheduled === nodes
    && ds.status.updatedNumberScheduled === nodes && ds.status.numberAvailable === nodes
    && filebeatPods().length === nodes && filebeatPods().every((pod) => isReady(pod) && !pod.metadata.deletionTimestamp);
};
const nodeColumn = (result: CommandResult) => tableRows(result.stdout).map((row) => row[1]).sort();

describe('seed 004: filebeat DaemonSet basics', () => {
  test('kubectl apply runs one pod on each of the three nodes; describe shows the counts and the events', async () => {
    const applied = await replay.session.run('kubectl apply -f ds-filebeat-demo.yaml');
    expect(applied.stdout).toBe('daemonset.apps/filebeat-ds created\n');
    await replay.sandbox.runUntil(settledOn(3));

    const described = (await replay.session.run('kubectl describe ds filebeat-ds -n kube-system')).stdout;
    expect(described).toMatch(/^Name:\s+filebeat-ds$/m);
    expect(described).toMatch(/^Selector:\s+name=filebeat$/m);
    expect(described).toMatch(/^Node-Selector:\s+<none>$/m);
    expect(described).toMatch(/^Labels:\s+app=filebeat-logging$/m);
    expect(described).toMatch(/^Desired Number of Nodes Scheduled: 3$/m);
    expect(described).toMatch(/^Number of Nodes Scheduled with Available Pods: 3$/m);
    expect(described).toMatch(/^Pods Status:\s+3 Running \/ 0 Waiting \/ 0 Succeeded \/ 0 Failed$/m);
    expect(described.match(/Normal\s+SuccessfulCreate\s+\S+\s+daemonset-controller\s+Created pod: filebeat-ds-\w{5}/g)).toHaveLength(3);

    const placed = await replay.session.run('kubectl get pods -n kube-system -l name=filebeat -o custom-columns=NAME:metadata.name,NODE:spec.nodeName');
    expect(placed.stdout.split('\n')[0]).toMatch(/^NAME\s+NODE$/);
    expect(nodeColumn(placed)).toEqual(FIRST_NODES);
  });

  test('a node that joins the cluster gets its pod', async () => {
    replay.sandbox.addNode(ADDED_NODE);
    await replay.sandbox.runUntil(settledOn(4));
    const placed = await replay.session.run('kubectl get pods -n kube-system -l name=filebeat -o custom-columns=NAME:metadata.name,NODE:spec.nodeName');
    expect(nodeColumn(placed)).toEqual([...FIRST_NODES, ADDED_NODE].sort());
  });

  test('set image replaces the pods node by node: each deletion is followed by its replacement before the next', async () => {
    const set = await replay.session.run('kubectl -n kube-system set image ds filebeat-ds filebeat=docker.elastic.co/beats/filebeat:6.8.12');
    expect(set.stdout).toBe('daemonset.apps/filebeat-ds image updated\n');
    await replay.sandbox.runUntil(() => settledOn(4)() && filebeatPods().every((pod) => pod.spec.containers[0].image.endsWith(':6.8.12')));

    const described = (await replay.session.run('kubectl describe -n kube-system daemonsets filebeat-ds')).stdout;
    const events = [...described.matchAll(/(SuccessfulCreate|SuccessfulDelete)\s+\S+\s+daemonset-controller\s+(Created|Deleted) pod: (\S+)/g)]
      .map((match) => match[1]);
    const rolling = events.slice(events.indexOf('SuccessfulDelete'));
    expect(rolling).toEqual(Array(4).fill(['SuccessfulDelete', 'SuccessfulCreate']).flat());
  });

  test('rollout history without --record shows <none>; undo --to-revision=1 brings 7.9.1 back', async () => {
    const history = await replay.session.run('kubectl -n kube-system rollout history ds filebeat-ds');
    expect(history.stdout).toBe('daemonset.apps/filebeat-ds \nREVISION  CHANGE-CAUSE\n1         <none>\n2         <none>\n\n');

    const undone = await replay.session.run('kubectl -n kube-system rollout undo ds filebeat-ds --to-revision=1');
    expect(undone.stdout).toBe('daemonset.apps/filebeat-ds rolled back\n');
    await replay.sandbox.runUntil(() => settledOn(4)() && filebeatPods().every((pod) => pod.spec.containers[0].image.endsWith(':7.9.1')));
    const images = await replay.session.run('kubectl get pods -n kube-system -l name=filebeat -o custom-columns=Name:metadata.name,Image:spec.containers[0].image');
    expect(tableRows(images.stdout.replace(/^Name/, 'NAME')).map((row) => row[1])).toEqual(Array(4).fill('docker.elastic.co/beats/filebeat:7.9.1'));
  });

  test('a nodeSelector on disk=ssd shrinks the DaemonSet to the two labelled nodes', async () => {
    const nodes = tableRows((await replay.session.run('kubectl get node')).stdout);
    expect(nodes.map((row) => row.slice(0, 3))).toEqual([...FIRST_NODES, ADDED_NODE].sort().map((name) => [name, 'Ready', '<none>']));

    expect((await replay.session.run(`kubectl label node ${POOL}-cxs1 disk=ssd`)).stdout).toBe(`node/${POOL}-cxs1 labeled\n`);
    expect((await replay.session.run(`kubectl label node ${POOL}-z2gx disk=ssd`)).stdout).toBe(`node/${POOL}-z2gx labeled\n`);
    const wide = tableRows((await replay.session.run('kubectl get ds -n kube-system filebeat-ds -o wide')).stdout);
    expect([...wide[0].slice(0, 7), ...wide[0].slice(8)]).toEqual(
      ['filebeat-ds', '4', '4', '4', '4', '4', '<none>', 'filebeat', 'docker.elastic.co/beats/filebeat:7.9.1', 'name=filebeat']);

    // The post edits ds-filebeat-demo.yaml to add the nodeSelector to the pod template.
    const manifest = join(replay.session.directory, 'ds-filebeat-demo.yaml');
    const edited = (await replay.session.run('cat ds-filebeat-demo.yaml')).stdout.replace('    spec:\n      containers:', '    spec:\n      nodeSelector:\n        disk: ssd\n      containers:');
    writeFileSync(manifest, edited);
    expect((await replay.session.run('kubectl apply -f ds-filebeat-demo.yaml')).stdout).toBe('daemonset.apps/filebeat-ds configured\n');
    await replay.sandbox.runUntil(settledOn(2));

    const placed = await replay.session.run('kubectl get pods -n kube-system -l name=filebeat -o custom-columns=NAME:metadata.name,NODE:spec.nodeName');
    expect(nodeColumn(placed)).toEqual([`${POOL}-cxs1`, `${POOL}-z2gx`]);
    const ssd = tableRows((await replay.session.run('kubectl get node -l disk=ssd -L disk')).stdout);
    expect(ssd.map((row) => [row[0], row[row.length - 1]])).toEqual([[`${POOL}-cxs1`, 'ssd'], [`${POOL}-z2gx`, 'ssd']]);
    const ds = tableRows((await replay.session.run('kubectl get ds filebeat-ds -n kube-system')).stdout);
    expect(ds.map((row) => row.slice(0, 7))).toEqual([['filebeat-ds', '2', '2', '2', '2', '2', 'disk=ssd']]);
  });
});
