import { goJson } from '../../../src/internal/go-json';
import {
  controlledRevisions, liveRevision, revisionHash, revisionRows, revisionTemplate, selectHistoryRevision, templateMatchesRevision,
  templatePatchBytes,
} from '../../../src/runtime/kube/revision-history';
import { daemonSet, pod, statefulSet } from '../kube-fixtures';
import { revision, template, withTemplate } from '../revision-fixtures';

describe('controlledRevisions', () => {
  test('keeps the revisions whose controller reference carries the workload uid, oldest first', () => {
    const sts = withTemplate(statefulSet(), 'app:2');
    const revisions = [
      revision({ revision: 3, image: 'app:3' }),
      revision({ revision: 1, image: 'app:1' }),
      revision({ revision: 2, image: 'app:2', ownerUid: 'uid-of-a-deleted-web' }),
      revision({ revision: 4, image: 'app:4', controller: false }),
    ];
    expect(controlledRevisions(sts, revisions).map((r) => r.revision)).toEqual([1, 3]);
  });

  test('a workload without a uid controls nothing', () => {
    expect(controlledRevisions(statefulSet(), [revision({ revision: 1, image: 'app:1' })])).toEqual([]);
  });
});

describe('templates and their bytes', () => {
  test('the revision template is the data template without $patch', () => {
    expect(revisionTemplate(revision({ revision: 1, image: 'app:1' }))).toEqual(template('app:1'));
    expect(() => revisionTemplate({ metadata: { name: 'web-x' }, revision: 1, data: {} }))
      .toThrow('ControllerRevision web-x (revision 1) holds no pod template');
  });

  test('the patch bytes are the Go JSON of the template with $patch replace, as the controller stores them', () => {
    const sts = withTemplate(statefulSet(), 'a<b>&c');
    expect(templatePatchBytes(sts)).toBe(
      '{"spec":{"template":{"$patch":"replace","metadata":{"creationTimestamp":null,"labels":{"app":"web"}},'
      + '"spec":{"containers":[{"image":"a\\u003cb\\u003e\\u0026c","name":"app","resources":{}}],"restartPolicy":"Always"}}}}');
    expect(templatePatchBytes(sts)).toBe(goJson(revision({ revision: 1, image: 'a<b>&c' }).data));
  });

  test('a template matches a revision only byte for byte', () => {
    const sts = withTemplate(statefulSet(), 'app:2');
    expect(templateMatchesRevision(sts, revision({ revision: 2, image: 'app:2' }))).toBe(true);
    expect(templateMatchesRevision(sts, revision({ revision: 1, image: 'app:1' }))).toBe(false);
    const defaulted = { ...sts, spec: { ...sts.spec, template: template('app:2', { dnsPolicy: 'ClusterFirst' }) } };
    // An API server that leaves out the null creationTimestamp still matches, as kubectl's Go round trip adds it back.
    const { creationTimestamp: _unset, ...bare } = sts.spec.template.metadata!;
    expect(templateMatchesRevision({ ...sts, spec: { ...sts.spec, template: { ...sts.spec.template, metadata: bare } } },
      revision({ revision: 2, image: 'app:2' }))).toBe(true);
    expect(templateMatchesRevision(defaulted, revision({ revision: 2, image: 'app:2' }))).toBe(false);
  });

  test('a revision a 1.34+ controller stored, without the null creationTimestamp, matches too (measured on 1.36)', () => {
    const sts = withTemplate(statefulSet(), 'app:2');
    const stored = revision({ revision: 3, image: 'app:2' });
    const { creationTimestamp: _null, ...metadata } = (stored.data as any).spec.template.metadata;
    const omitzero = { ...stored, data: { spec: { template: { ...(stored.data as any).spec.template, metadata } } } };
    expect(goJson(omitzero.data)).not.toContain('creationTimestamp');
    expect(templateMatchesRevision(sts, omitzero)).toBe(true);
    expect(liveRevision(sts, [revision({ revision: 1, image: 'app:1' }), omitzero])?.revision).toBe(3);
    expect(templateMatchesRevision(withTemplate(statefulSet(), 'app:1'), omitzero)).toBe(false);
  });
});

describe('revision hashes', () => {
  test('StatefulSet pods carry the revision name, DaemonSet pods the hash label', () => {
    const r = revision({ revision: 1, image: 'x', hash: '5d8f7c9b6' });
    expect(revisionHash('StatefulSet', r)).toBe('web-5d8f7c9b6');
    expect(revisionHash('DaemonSet', r)).toBe('5d8f7c9b6');
    expect(revisionHash('DaemonSet', { ...r, metadata: { ...r.metadata, labels: {} } })).toBe('5d8f7c9b6');
  });

  test('the live DaemonSet revision is the highest one matching the template', () => {
    const ds = withTemplate({ ...daemonSet(), metadata: { ...daemonSet().metadata, name: 'web' } }, 'app:1');
    const revisions = [revision({ revision: 1, image: 'app:1' }), revision({ revision: 2, image: 'app:2' }),
      revision({ revision: 3, image: 'app:1', hash: 'h1b' })];
    expect(liveRevision(ds, revisions)?.revision).toBe(3);
    expect(liveRevision(withTemplate(ds, 'app:9'), revisions)).toBeUndefined();
  });
});

describe('revisionRows', () => {
  test('rows carry change-cause, images and the pods by ordinal', () => {
    const sts = withTemplate(statefulSet(), 'app:2');
    const rows = revisionRows('StatefulSet', sts, [
      revision({ revision: 2, image: 'app:2', changeCause: 'kubectl set image' }),
      revision({ revision: 1, image: 'app:1' }),
    ], [
      pod({ name: 'web-10', revision: 'web-h1' }),
      pod({ name: 'web-2', revision: 'web-h2' }),
      pod({ name: 'web-1', revision: 'web-h1' }),
      pod({ name: 'web-0', revision: 'web-h1', terminating: true }),
    ]);
    expect(rows).toEqual([
      { revision: 1, name: 'web-h1', hash: 'web-h1', changeCause: undefined, images: ['app=app:1'], pods: ['web-1', 'web-10'], nodes: [] },
      { revision: 2, name: 'web-h2', hash: 'web-h2', changeCause: 'kubectl set image', images: ['app=app:2'], pods: ['web-2'], nodes: [] },
    ]);
  });

  test('DaemonSet rows name the nodes', () => {
    const ds = withTemplate({ ...daemonSet(), metadata: { ...daemonSet().metadata, name: 'web' } }, 'app:1');
    const rows = revisionRows('DaemonSet', ds, [revision({ revision: 1, image: 'app:1' })], [
      pod({ name: 'web-zz', revision: 'h1', node: 'node-2' }), pod({ name: 'web-aa', revision: 'h1', node: 'node-1' }),
    ]);
    expect(rows[0].pods).toEqual(['web-aa', 'web-zz']);
    expect(rows[0].nodes).toEqual(['node-1', 'node-2']);
  });
});

describe('selectHistoryRevision', () => {
  const revisions = [revision({ revision: 1, image: 'a' }), revision({ revision: 2, image: 'b' }), revision({ revision: 2, image: 'c', hash: 'dup' })];

  test('0 lists the history; a DaemonSet also lists it for negative numbers', () => {
    expect(selectHistoryRevision('StatefulSet', revisions, 0)).toBeUndefined();
    expect(selectHistoryRevision('DaemonSet', revisions, -1)).toBeUndefined();
  });

  test('picks the revision by number, the later of duplicates as kubectl\'s map does', () => {
    expect(selectHistoryRevision('StatefulSet', revisions, 1)?.revision).toBe(1);
    expect(selectHistoryRevision('DaemonSet', revisions, 2)?.metadata.name).toBe('web-dup');
  });

  test('an unknown number is kubectl\'s error', () => {
    expect(() => selectHistoryRevision('StatefulSet', revisions, 7)).toThrow(/^unable to find the specified revision$/);
    expect(() => selectHistoryRevision('StatefulSet', revisions, -1)).toThrow('unable to find the specified revision');
  });
});
