import {
  controllerRevisionName,
  hashControllerRevision,
  newControllerRevision,
  nextRevision,
  revisionData,
  sortRevisions,
  templatePatch,
} from '../../../src/sandbox/controllers/controller-revision';
import { fnv32, safeEncodeString, utf8 } from '../../../src/sandbox/controllers/fnv-hash';

const zk = {
  apiVersion: 'apps/v1',
  kind: 'StatefulSet',
  metadata: { name: 'zk', namespace: 'default', uid: 'uid-zk' },
  spec: {
    template: {
      metadata: { labels: { app: 'zk' } },
      spec: { containers: [{ name: 'zk', image: 'zookeeper:3.9' }] },
    },
  },
};

describe('ControllerRevision data and hash', () => {
  test('the data is the template patch Go writes (sorted keys, creationTimestamp null, resources {})', () => {
    const data = templatePatch(zk.spec.template);
    const revision = newControllerRevision({
      parent: zk, data, revision: 1, hash: hashControllerRevision(data, 0), hashLabel: 'controller.kubernetes.io/hash',
    });
    expect(revisionData(revision)).toBe(
      '{"spec":{"template":{"$patch":"replace","metadata":{"creationTimestamp":null,"labels":{"app":"zk"}},'
      + '"spec":{"containers":[{"image":"zookeeper:3.9","name":"zk","resources":{}}]}}}}',
    );
  });

  // Derived from history.HashControllerRevision: FNV-1 (fnv.New32) over Data.Raw, then the decimal
  // collision count, then rand.SafeEncodeString(fmt.Sprint(sum32)).
  test('hashes the data bytes followed by the decimal collision count with FNV-1', () => {
    const data = templatePatch(zk.spec.template);
    const raw = revisionData({ apiVersion: 'apps/v1', kind: 'ControllerRevision', metadata: {}, data });
    expect(hashControllerRevision(data, 0)).toBe(safeEncodeString(String(fnv32(utf8(raw), utf8('0')))));
    expect(hashControllerRevision(data, 1)).toBe(safeEncodeString(String(fnv32(utf8(`${raw}1`)))));
    expect(hashControllerRevision(data, 0)).not.toBe(hashControllerRevision(data, 1));
    expect(hashControllerRevision(data, 0)).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]{6,10}$/);
  });

  test('a revision is named <owner>-<hash>, labelled with the template labels and the hash, and owned by its workload', () => {
    const data = templatePatch(zk.spec.template);
    const hash = hashControllerRevision(data, 0);
    const revision = newControllerRevision({ parent: zk, data, revision: 1, hash, hashLabel: 'controller.kubernetes.io/hash' });
    expect(revision.metadata.name).toBe(`zk-${hash}`);
    expect(revision.metadata.labels).toEqual({ 'app': 'zk', 'controller.kubernetes.io/hash': hash });
    expect(revision.metadata.ownerReferences).toEqual([expect.objectContaining({ kind: 'StatefulSet', name: 'zk', uid: 'uid-zk', controller: true })]);
    expect(revision.revision).toBe(1);
  });

  test('long owner names are truncated to 223 characters before the hash', () => {
    expect(controllerRevisionName('x'.repeat(300), 'abc')).toBe(`${'x'.repeat(223)}-abc`);
  });
});

describe('revision ordering', () => {
  test('sorts by revision number and the next revision follows the highest', () => {
    const revisions = [3, 1, 2].map((revision) => ({ apiVersion: 'apps/v1', kind: 'ControllerRevision', metadata: { name: `r${revision}` }, revision }));
    const sorted = sortRevisions(revisions);
    expect(sorted.map((r) => r.revision)).toEqual([1, 2, 3]);
    expect(nextRevision(sorted)).toBe(4);
    expect(nextRevision([])).toBe(1);
  });
});
