import { diffReleases } from '../../src/rehearsal/release-diff';
import { RuntimeError } from '../../src/runtime/runtime-error';
import { parseManifests } from '../../src/sandbox/manifests';

const statefulSet = (name: string, image: string, replicas = 3) => `
apiVersion: apps/v1
kind: StatefulSet
metadata: { name: ${name} }
spec:
  replicas: ${replicas}
  selector: { matchLabels: { app: ${name} } }
  serviceName: ${name}
  template:
    metadata: { labels: { app: ${name} } }
    spec: { containers: [{ name: ${name}, image: "${image}" }] }
`;
const service = (name: string, port: number) => `
apiVersion: v1
kind: Service
metadata: { name: ${name} }
spec: { ports: [{ port: ${port} }] }
`;
const release = (...documents: string[]) => parseManifests(documents.join('---\n'), 'test');
const SOURCES = { from: 'old.yaml', to: 'new.yaml' };

describe('diffReleases', () => {
  test('a template change makes a workload to promote; other changes are listed by Kind/namespace/name, sorted', () => {
    const diff = diffReleases(
      release(statefulSet('web', 'web:1'), statefulSet('db', 'db:1'), service('web', 80), service('gone', 80)),
      release(statefulSet('web', 'web:2'), statefulSet('db', 'db:1', 5), service('web', 8080), service('added', 80)),
      SOURCES,
    );
    expect(diff.workloads.map((workload) => [workload.kind, workload.namespace, workload.name, workload.changes])).toEqual([
      ['StatefulSet', 'default', 'web', [{ path: 'spec.containers[web].image', from: 'web:1', to: 'web:2' }]],
    ]);
    expect(diff.otherChanges).toEqual(['Service/default/added', 'Service/default/gone', 'Service/default/web', 'StatefulSet/default/db']);
    expect(diff.removed.map((manifest) => manifest.object.metadata.name)).toEqual(['gone']);
  });

  test('workloads are ordered by kind, namespace and name', () => {
    const diff = diffReleases(release(statefulSet('b', 'x:1'), statefulSet('a', 'x:1')), release(statefulSet('b', 'x:2'), statefulSet('a', 'x:2')), SOURCES);
    expect(diff.workloads.map((workload) => workload.name)).toEqual(['a', 'b']);
  });

  test('an object twice in one release is refused', () => {
    expect(() => diffReleases(release(service('web', 80), service('web', 81)), [], SOURCES)).toThrow(RuntimeError);
    expect(() => diffReleases(release(service('web', 80), service('web', 81)), [], SOURCES))
      .toThrow('old.yaml: Service/default/web appears twice; each object may appear once in a release');
  });
});
