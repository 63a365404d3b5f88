// `kubectl drain` against the sandbox, as the ZooKeeper tutorial uses it, with each kubectl minor the machine has:
// eviction within the PodDisruptionBudget, the refusal beyond it, the evicted member Pending on a cordoned node and
// the others' anti-affinity, and `--disable-eviction` (whose pod DELETE carries protobuf DeleteOptions from 1.32 on).
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { tableRows } from './kubectl-session';
import { useSeedReplay } from './seed-replay';
import { RESOURCES } from '../../../src/sandbox/api';
import { isReady } from '../../support/pod-readiness';

jest.setTimeout(180_000);

// The versioned binaries gcloud's kubectl dispatcher installs beside itself.
function kubectlBinary(minor: string): string | undefined {
  const directories = [...(process.env.PATH ?? '').split(delimiter), '/usr/lib/google-cloud-sdk/bin'];
  return directories.map((directory) => join(directory, `kubectl.${minor}`)).find((path) => existsSync(path));
}

const MINORS = ['1.31', '1.32', '1.33'];
const available = MINORS.map((minor) => [minor, kubectlBinary(minor)] as const).filter(([, binary]) => binary !== undefined);

const PENDING_MESSAGE = "0/3 nodes are available: 1 node(s) were unschedulable, 2 node(s) didn't match pod anti-affinity rules. "
  + 'preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod..';

describe.each(available)('kubectl %s drain', (_minor, binary) => {
  const replay = useSeedReplay({ nodes: 3 });
  const pod = (name: string) => replay.sandbox.api.get(RESOURCES.pods, 'default', name);
  const zkReady = () => ['zk-0', 'zk-1', 'zk-2'].every((name) => pod(name) !== undefined && isReady(pod(name)!) && !pod(name)!.metadata.deletionTimestamp);
  const kubectl = (args: string) => `${binary} ${args}`;
  // Resolves once the pod is marked for deletion: the clock must stay still until kubectl's eviction or DELETE has
  // arrived, and only then run the pod's termination.
  const markedForDeletion = (name: string) => () => new Promise<void>((resolve) => {
    const stop = replay.sandbox.api.watch(RESOURCES.pods, { namespace: 'default', fieldSelector: `metadata.name=${name}` }, (event) => {
      if (event.object.metadata.deletionTimestamp || event.type === 'DELETED') {
        setImmediate(() => stop());
        resolve();
      }
    });
  });

  test('evicts within the budget, refuses beyond it, and the evicted member waits Pending', async () => {
    expect((await replay.session.run(kubectl('apply -f zookeeper_mini.yaml'))).code).toBe(0);
    await replay.sandbox.runUntil(() => zkReady()
      && replay.sandbox.api.get(RESOURCES.podDisruptionBudgets, 'default', 'zk-pdb')?.status?.disruptionsAllowed === 1);
    const pdb = await replay.session.run(kubectl('get pdb zk-pdb'));
    expect(tableRows(pdb.stdout)[0].slice(0, 4)).toEqual(['zk-pdb', 'N/A', '1', '1']);

    const first = pod('zk-0')!;
    const drained = await replay.runBlocking(kubectl(`drain ${first.spec.nodeName} --ignore-daemonsets --delete-emptydir-data`), {
      started: markedForDeletion('zk-0'),
      until: () => pod('zk-0')?.metadata.uid !== first.metadata.uid,
    });
    expect(drained.code).toBe(0);
    expect(drained.stdout).toContain('evicting pod default/zk-0\npod/zk-0 evicted\n');
    expect(drained.stdout).toContain(`node/${first.spec.nodeName} drained`);
    await replay.sandbox.advance(1000);
    expect(pod('zk-0')!.status.phase).toBe('Pending');
    expect(pod('zk-0')!.status.conditions).toContainEqual(expect.objectContaining({ type: 'PodScheduled', reason: 'Unschedulable', message: PENDING_MESSAGE }));

    const second = pod('zk-1')!;
    const refused = replay.session.start(kubectl(`drain ${second.spec.nodeName} --ignore-daemonsets --delete-emptydir-data 2>&1`));
    await refused.waitForOutput((text) => text.includes('violate'));
    const output = await refused.interrupt();
    expect(output.stdout).toContain('error when evicting pods/"zk-1" -n "default" (will retry after 5s): '
      + 'Cannot evict pod as it would violate the pod\'s disruption budget.');
    expect(pod('zk-1')!.metadata.uid).toBe(second.metadata.uid);
    expect(pod('zk-1')!.metadata.deletionTimestamp).toBeUndefined();

    // --disable-eviction deletes (bypassing the budget, as upstream): kubectl 1.32+ sends protobuf DeleteOptions.
    const deleted = await replay.runBlocking(kubectl(`drain ${second.spec.nodeName} --ignore-daemonsets --disable-eviction --grace-period=1`), {
      started: markedForDeletion('zk-1'),
      until: () => pod('zk-1')?.metadata.uid !== second.metadata.uid,
    });
    expect(deleted.stderr).not.toContain('UnsupportedMediaType');
    expect(deleted.stdout).toContain('pod/zk-1 deleted');
    expect(deleted.code).toBe(0);
  });
});

test('at least one versioned kubectl is installed (else the drain replays above did not run)', () => {
  expect(available.map(([minor]) => minor)).not.toEqual([]);
});
