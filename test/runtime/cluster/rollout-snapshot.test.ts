import { Cluster, ClusterKind, ClusterList, ListSelector } from '../../../src/runtime/cluster/cluster';
import { readRolloutSnapshot } from '../../../src/runtime/cluster/rollout-snapshot';
import { KubePod, KubeStatefulSet } from '../../../src/runtime/kube/kube-types';
import { revision } from '../revision-fixtures';

const sts: KubeStatefulSet = {
  metadata: { name: 'web', namespace: 'default', uid: 'uid-web', resourceVersion: '10' },
  spec: { selector: { matchLabels: { app: 'web' } }, template: {} },
};
const owned = (name: string, uid?: string): KubePod => ({
  metadata: { name, ownerReferences: uid ? [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'x', uid, controller: true }] : [] },
});

// Answers get and list from fixed objects and records the selectors it was asked for.
function fakeCluster(objects: Partial<Record<ClusterKind, unknown[]>>, selectors: (ListSelector | undefined)[]): Cluster {
  const unsupported = () => Promise.reject(new Error('not used'));
  return {
    get: async <T>(kind: ClusterKind, _namespace: string | undefined, name: string) =>
      (objects[kind] ?? []).find((object) => (object as KubePod).metadata.name === name) as T | undefined,
    list: async <T>(kind: ClusterKind, _namespace: string | undefined, selector?: ListSelector) => {
      selectors.push(selector);
      return { items: (objects[kind] ?? []) as T[], resourceVersion: `${kind}-rv` } as ClusterList<T>;
    },
    create: unsupported,
    replace: unsupported,
    patch: unsupported,
    delete: unsupported,
    watch: unsupported,
    podProxyGet: unsupported,
  };
}

describe('readRolloutSnapshot', () => {
  test('reads the workload, its own pods and the revisions it controls by its selector, with the resourceVersions to watch from', async () => {
    const selectors: (ListSelector | undefined)[] = [];
    const cluster = fakeCluster({
      StatefulSet: [sts],
      Pod: [owned('web-0', 'uid-web'), owned('web-1'), owned('web-2', 'uid-other')],
      ControllerRevision: [revision({ revision: 1, image: 'a' }), revision({ revision: 2, image: 'b', ownerUid: 'uid-other' })],
    }, selectors);
    const snapshot = await readRolloutSnapshot(cluster, { kind: 'StatefulSet', namespace: 'default', name: 'web' });
    expect(snapshot.pods.map((pod) => pod.metadata.name)).toEqual(['web-0', 'web-1']);
    expect(snapshot.revisions.map((r) => r.revision)).toEqual([1]);
    expect(snapshot.workloadResourceVersion).toBe('10');
    expect(snapshot.podsResourceVersion).toBe('Pod-rv');
    expect(selectors).toEqual([{ labelSelector: 'app=web' }, { labelSelector: 'app=web' }]);
  });

  test('a missing workload is kubectl\'s not found, as bad input', async () => {
    await expect(readRolloutSnapshot(fakeCluster({}, []), { kind: 'DaemonSet', namespace: 'default', name: 'agent' }))
      .rejects.toThrow('daemonsets.apps "agent" not found');
  });
});
