// Deleting a StatefulSet or DaemonSet with each propagation policy (kubectl delete --cascade=
// background|foreground|orphan): what happens to its pods and ControllerRevisions, and re-adoption
// of orphans by a new owner with the same selector.
import { EventLog, getObject, names } from './workload-helpers';
import { KubeObject, RESOURCES, ResourceType } from '../../../src/sandbox/api';
import { InProcessSandboxKit, startSandboxKit } from '../../support/sandbox-kit';
import { daemonSetManifest, statefulSetManifest } from '../../support/workload-manifests';

let sandbox: InProcessSandboxKit;

beforeEach(async () => {
  sandbox = await startSandboxKit({ nodes: 3, kubeletTiming: 'sandbox' });
});

afterEach(() => sandbox.stop());

interface Workload {
  readonly kind: string;
  readonly type: ResourceType;
  readonly manifest: () => KubeObject;
}

const WORKLOADS: Workload[] = [
  { kind: 'StatefulSet', type: RESOURCES.statefulSets, manifest: () => statefulSetManifest('app', { spec: { podManagementPolicy: 'Parallel' } }) },
  { kind: 'DaemonSet', type: RESOURCES.daemonSets, manifest: () => daemonSetManifest('app') },
];

function pods(): KubeObject[] {
  return sandbox.pods('app');
}

function revisions(): KubeObject[] {
  return sandbox.api.list(RESOURCES.controllerRevisions, { namespace: 'default' }).items;
}

function createAndSettle(workload: Workload): KubeObject {
  sandbox.api.create(workload.type, workload.manifest());
  sandbox.advanceUntil(() => pods().length === 3 && pods().every((pod) => pod.status?.phase === 'Running') && revisions().length === 1);
  return getObject(sandbox, workload.type, 'app');
}

function exists(workload: Workload): boolean {
  return sandbox.api.get(workload.type, 'default', 'app') !== undefined;
}

describe.each(WORKLOADS)('deleting a $kind', (workload) => {
  test('Background: the owner goes at once, then its pods terminate and its revisions are deleted', () => {
    createAndSettle(workload);
    sandbox.api.delete(workload.type, 'default', 'app', { propagationPolicy: 'Background' });
    expect(exists(workload)).toBe(false);
    sandbox.clock.advance(0);
    expect(pods().map((pod) => pod.metadata.deletionTimestamp !== undefined)).toEqual([true, true, true]);
    expect(revisions()).toEqual([]);
    sandbox.advanceUntil(() => pods().length === 0);
  });

  test('Foreground: the owner stays, marked, until every pod is gone; no pod is recreated meanwhile', () => {
    createAndSettle(workload);
    let podsLeftWhenOwnerRemoved: number | undefined;
    const { resourceVersion } = sandbox.api.list(workload.type, { namespace: 'default' });
    const unwatch = sandbox.api.watch(workload.type, { namespace: 'default', resourceVersion }, (event) => {
      if (event.type === 'DELETED') {
        podsLeftWhenOwnerRemoved = pods().length;
      }
    });
    const added = new EventLog(sandbox, RESOURCES.pods);

    sandbox.api.delete(workload.type, 'default', 'app', { propagationPolicy: 'Foreground' });
    const marked = getObject(sandbox, workload.type, 'app');
    expect(marked.metadata.deletionTimestamp).toBeDefined();
    expect(marked.metadata.finalizers).toEqual(['foregroundDeletion']);
    sandbox.clock.advance(0);
    expect(exists(workload)).toBe(true);
    expect(pods().every((pod) => pod.metadata.deletionTimestamp !== undefined)).toBe(true);

    sandbox.advanceUntil(() => !exists(workload));
    unwatch();
    added.stop();
    expect(podsLeftWhenOwnerRemoved).toBe(0);
    expect(added.additions()).toEqual([]);
    expect(revisions()).toEqual([]);
  });

  test('Orphan: pods and revisions stay without owner references, and a new owner adopts them without restarting pods', () => {
    const original = createAndSettle(workload);
    const podUids = pods().map((pod) => pod.metadata.uid);
    const [revision] = revisions();

    sandbox.api.delete(workload.type, 'default', 'app', { propagationPolicy: 'Orphan' });
    expect(getObject(sandbox, workload.type, 'app').metadata.finalizers).toEqual(['orphan']);
    sandbox.advanceUntil(() => !exists(workload));
    sandbox.clock.advance(60_000);
    expect(pods().map((pod) => pod.metadata.uid)).toEqual(podUids);
    expect(pods().map((pod) => pod.metadata.ownerReferences ?? [])).toEqual([[], [], []]);
    expect(pods().every((pod) => !pod.metadata.deletionTimestamp)).toBe(true);
    expect(revisions().map((r) => [r.metadata.name, r.metadata.ownerReferences ?? []])).toEqual([[revision.metadata.name, []]]);

    const adopter = sandbox.api.create(workload.type, workload.manifest());
    expect(adopter.metadata.uid).not.toBe(original.metadata.uid);
    sandbox.advanceUntil(() => pods().every((pod) => pod.metadata.ownerReferences?.[0]?.uid === adopter.metadata.uid)
      && revisions().every((r) => r.metadata.ownerReferences?.[0]?.uid === adopter.metadata.uid));
    sandbox.clock.advance(60_000);
    expect(pods().map((pod) => pod.metadata.uid)).toEqual(podUids);
    expect(revisions().map((r) => r.metadata.name)).toEqual([revision.metadata.name]);
    expect(pods()[0].metadata.ownerReferences).toEqual([
      { apiVersion: 'apps/v1', kind: workload.kind, name: 'app', uid: adopter.metadata.uid, controller: true, blockOwnerDeletion: true },
    ]);
    expect(names(sandbox, RESOURCES.pods, 'app=app')).toHaveLength(3);
  });
});
