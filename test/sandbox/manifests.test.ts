import { RESOURCES } from '../../src/sandbox/api';
import { parseManifests, resourceTypeFor } from '../../src/sandbox/manifests';

describe('parseManifests', () => {
  test('reads every document in order, defaults the namespace of namespaced kinds only, skips empty documents', () => {
    const text = [
      'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: kafka',
      '',
      'apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: kafka\nspec:\n  replicas: 3',
      'apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: kafka-pdb\n  namespace: brokers',
    ].join('\n---\n');
    const objects = parseManifests(text, 'blog.k8s.yaml');
    expect(objects.map(({ type, object }) => [type, object.metadata.name, object.metadata.namespace])).toEqual([
      [RESOURCES.namespaces, 'kafka', undefined],
      [RESOURCES.statefulSets, 'kafka', 'default'],
      [RESOURCES.podDisruptionBudgets, 'kafka-pdb', 'brokers'],
    ]);
    expect(objects[1].object.spec).toEqual({ replicas: 3 });
  });

  test('names the source and the document of a kind the sandbox does not serve, and lists what it serves', () => {
    const text = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n---\napiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n';
    expect(() => parseManifests(text, 'app.yaml')).toThrow(
      /^app\.yaml: document 2 is example\.com\/v1\/Widget, which the sandbox does not serve \(it serves Namespace, Node, Pod, .*StatefulSet/);
  });

  test('names the source and the document that is not YAML', () => {
    expect(() => parseManifests('apiVersion: v1\nkind: Pod\n---\nkind: [unclosed\n', 'bad.yaml')).toThrow(/^bad\.yaml: document 2 is not valid YAML: /);
  });

  test('names the document that is not a Kubernetes object', () => {
    expect(() => parseManifests('kind: Pod\n', 'a.yaml')).toThrow('a.yaml: document 1 is not a Kubernetes object: it needs string apiVersion and kind fields');
    expect(() => parseManifests('- 1\n', 'b.yaml')).toThrow('b.yaml: document 1 is not a Kubernetes object');
  });
});

describe('resourceTypeFor', () => {
  test('matches the group and version as well as the kind', () => {
    expect(resourceTypeFor('apps/v1', 'DaemonSet')).toBe(RESOURCES.daemonSets);
    expect(resourceTypeFor('v1', 'Pod')).toBe(RESOURCES.pods);
    expect(resourceTypeFor('apps/v1beta1', 'DaemonSet')).toBeUndefined();
    expect(resourceTypeFor('v1', 'StatefulSet')).toBeUndefined();
  });
});
