import { applyJsonPatch } from '../../../src/sandbox/patch/json-patch';

const kafka = () => ({
  spec: {
    replicas: 3,
    template: { spec: { containers: [{ name: 'k8skafka', resources: { requests: { cpu: '500m', memory: '1Gi' } } }] } },
  },
  metadata: { name: 'kafka', annotations: { 'a/b': 'slash', 'c~d': 'tilde' } },
});

describe('applyJsonPatch (RFC 6902 as json-patch v4 applies it)', () => {
  test('the seed\'s replace of a container\'s CPU request, without touching the input', () => {
    const input = kafka();
    const result = applyJsonPatch(input, [
      { op: 'replace', path: '/spec/template/spec/containers/0/resources/requests/cpu', value: '250m' },
    ]) as any;
    expect(result.spec.template.spec.containers[0].resources.requests).toEqual({ cpu: '250m', memory: '1Gi' });
    expect(input.spec.template.spec.containers[0].resources.requests.cpu).toBe('500m');
  });

  test('add inserts into arrays at an index, appends with "-", and counts negative indices from the end (of the grown array for add)', () => {
    const doc = { list: ['a', 'b'] };
    expect(applyJsonPatch(doc, [{ op: 'add', path: '/list/1', value: 'x' }])).toEqual({ list: ['a', 'x', 'b'] });
    expect(applyJsonPatch(doc, [{ op: 'add', path: '/list/-', value: 'z' }])).toEqual({ list: ['a', 'b', 'z'] });
    expect(applyJsonPatch(doc, [{ op: 'add', path: '/list/2', value: 'end' }])).toEqual({ list: ['a', 'b', 'end'] });
    expect(applyJsonPatch(doc, [{ op: 'add', path: '/list/-1', value: 'y' }])).toEqual({ list: ['a', 'b', 'y'] });
    expect(applyJsonPatch(doc, [{ op: 'add', path: '/list/-3', value: 'w' }])).toEqual({ list: ['w', 'a', 'b'] });
    expect(applyJsonPatch(doc, [{ op: 'remove', path: '/list/-1' }])).toEqual({ list: ['a'] });
  });

  test('~1 and ~0 escape "/" and "~" in member names', () => {
    const result = applyJsonPatch(kafka(), [
      { op: 'replace', path: '/metadata/annotations/a~1b', value: 'S' },
      { op: 'remove', path: '/metadata/annotations/c~0d' },
    ]) as any;
    expect(result.metadata.annotations).toEqual({ 'a/b': 'S' });
  });

  test('move, copy and test', () => {
    const doc = { a: { x: 1 }, b: [1, 2] };
    expect(applyJsonPatch(doc, [{ op: 'move', from: '/a/x', path: '/b/0' }])).toEqual({ a: {}, b: [1, 1, 2] });
    const copied = applyJsonPatch(doc, [{ op: 'copy', from: '/a', path: '/c' }]) as any;
    expect(copied).toEqual({ a: { x: 1 }, b: [1, 2], c: { x: 1 } });
    copied.c.x = 9;
    expect(copied.a.x).toBe(1);
    expect(applyJsonPatch(doc, [{ op: 'test', path: '/a', value: { x: 1 } }, { op: 'test', path: '/missing', value: null }]))
      .toEqual(doc);
  });

  test('a missing "value" adds null', () => {
    expect(applyJsonPatch({}, [{ op: 'add', path: '/x' }])).toEqual({ x: null });
  });

  test.each([
    [{ op: 'replace', path: '/spec/nope', value: 1 }, 'replace operation does not apply: doc is missing key: /spec/nope: missing value'],
    [{ op: 'replace', path: '/nope/deeper', value: 1 }, 'replace operation does not apply: doc is missing path: /nope/deeper: missing value'],
    [{ op: 'add', path: '/nope/deeper', value: 1 }, 'add operation does not apply: doc is missing path: "/nope/deeper": missing value'],
    [{ op: 'remove', path: '/spec/nope' }, 'error in remove for path: \'/spec/nope\': Unable to remove nonexistent key: nope: missing value'],
    [{ op: 'add', path: '/spec/template/spec/containers/5', value: {} },
      'error in add for path: \'/spec/template/spec/containers/5\': Unable to access invalid index: 5: invalid index referenced'],
    [{ op: 'add', path: '/spec/template/spec/containers/x', value: {} },
      'error in add for path: \'/spec/template/spec/containers/x\': value was not a proper array index: \'x\': strconv.Atoi: parsing "x": invalid syntax'],
    [{ op: 'test', path: '/spec/replicas', value: 4 }, 'testing value /spec/replicas failed: test failed'],
    [{ op: 'move', from: '/spec/nope', path: '/x' }, 'error in move for path: \'nope\': unable to get nonexistent key: nope: missing value'],
    [{ op: 'copy', from: '/nope/x', path: '/x' }, 'copy operation does not apply: doc is missing from path: /nope/x: missing value'],
    [{ op: 'frobnicate', path: '/x' }, 'Unexpected kind: frobnicate'],
    [{ path: '/x' }, 'Unexpected kind: unknown'],
    [{ op: 'add', value: 1 }, 'add operation failed to decode path: missing value'],
  ])('%j fails with json-patch\'s message', (operation, message) => {
    expect(() => applyJsonPatch(kafka(), [operation])).toThrow(message);
  });

  test('a failing operation leaves the input untouched even after earlier operations applied', () => {
    const input = kafka();
    expect(() => applyJsonPatch(input, [
      { op: 'replace', path: '/spec/replicas', value: 5 },
      { op: 'test', path: '/spec/replicas', value: 3 },
    ])).toThrow('testing value /spec/replicas failed');
    expect(input.spec.replicas).toBe(3);
  });
});
