import { sameJson, templateChanges } from '../../src/rehearsal/template-diff';

const template = (container: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  metadata: { labels: { app: 'kafka' } },
  spec: { containers: [{ name: 'kafka', image: 'kafka:1', ...container }], ...extra },
});

describe('templateChanges', () => {
  test('identical templates have no change, whatever the key order', () => {
    expect(templateChanges({ a: 1, b: { c: 2 } }, { b: { c: 2 }, a: 1 })).toEqual([]);
  });

  test('a field of a named container is addressed by the container name', () => {
    expect(templateChanges(template({}), template({ image: 'kafka:2' })))
      .toEqual([{ path: 'spec.containers[kafka].image', from: 'kafka:1', to: 'kafka:2' }]);
  });

  test('env variables are keyed by name and compared by value; added and removed ones have one side', () => {
    const from = template({ env: [{ name: 'HEAP', value: '1G' }, { name: 'OLD', value: 'x' }] });
    const to = template({ env: [{ name: 'NEW', value: 'y' }, { name: 'HEAP', value: '2G' }] });
    expect(templateChanges(from, to)).toEqual([
      { path: 'spec.containers[kafka].env[HEAP]', from: '1G', to: '2G' },
      { path: 'spec.containers[kafka].env[NEW]', to: 'y' },
      { path: 'spec.containers[kafka].env[OLD]', from: 'x' },
    ]);
  });

  test('an env variable from a reference compares field by field', () => {
    const ref = (key: string) => template({ env: [{ name: 'PW', valueFrom: { secretKeyRef: { name: 's', key } } }] });
    expect(templateChanges(ref('a'), ref('b'))).toEqual([{ path: 'spec.containers[kafka].env[PW].valueFrom.secretKeyRef.key', from: 'a', to: 'b' }]);
  });

  test('resources and probes are compared field by field; a new container is one change with its whole value', () => {
    const from = template({ resources: { limits: { memory: '1Gi' } } });
    const to = {
      ...template({ resources: { limits: { memory: '2Gi' } }, readinessProbe: { tcpSocket: { port: 9092 } } }),
    };
    to.spec.containers.push({ name: 'sidecar', image: 'envoy:1' });
    expect(templateChanges(from, to)).toEqual([
      { path: 'spec.containers[kafka].readinessProbe', to: '{"tcpSocket":{"port":9092}}' },
      { path: 'spec.containers[kafka].resources.limits.memory', from: '1Gi', to: '2Gi' },
      { path: 'spec.containers[sidecar]', to: '{"image":"envoy:1"}' },
    ]);
  });

  test('annotation keys that are not identifiers are bracketed; unnamed lists are one value', () => {
    const from = { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': '1' } }, spec: { containers: [{ name: 'c', args: ['a'] }] } };
    const to = { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': '2' } }, spec: { containers: [{ name: 'c', args: ['a', 'b'] }] } };
    expect(templateChanges(from, to)).toEqual([
      { path: 'metadata.annotations[kubectl.kubernetes.io/restartedAt]', from: '1', to: '2' },
      { path: 'spec.containers[c].args', from: '["a"]', to: '["a","b"]' },
    ]);
  });

  test('a list whose names repeat is compared as one value', () => {
    const from = { spec: { hostAliases: [{ name: 'a', ip: '1' }, { name: 'a', ip: '2' }] } };
    const to = { spec: { hostAliases: [{ name: 'a', ip: '1' }] } };
    expect(templateChanges(from, to)).toEqual([{ path: 'spec.hostAliases', from: '[{"name":"a","ip":"1"},{"name":"a","ip":"2"}]', to: '[{"name":"a","ip":"1"}]' }]);
  });
});

describe('sameJson', () => {
  test('ignores key order and undefined members, not list order', () => {
    expect(sameJson({ a: 1, b: undefined }, { a: 1 })).toBe(true);
    expect(sameJson([1, 2], [2, 1])).toBe(false);
    expect(sameJson({ a: [1] }, { a: 1 })).toBe(false);
  });
});
