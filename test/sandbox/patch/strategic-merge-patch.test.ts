import * as fc from 'fast-check';
import { patchStrategyOf } from '../../../src/sandbox/patch/patch-strategies';
import { applyStrategicMergePatch, StrategicMergePatchError } from '../../../src/sandbox/patch/strategic-merge-patch';

const podSpec = (spec: Record<string, unknown>) => ({ spec: { template: { spec } } });
const names = (list: any[]) => list.map((item) => item.name);

const exporter = () => ({
  metadata: { name: 'node-exporter', finalizers: ['a', 'b', 'c'] },
  spec: {
    template: {
      metadata: { labels: { app: 'node-exporter' } },
      spec: {
        containers: [
          {
            name: 'node-exporter',
            image: 'prom/node-exporter:v0.13.0',
            ports: [{ containerPort: 9100, hostPort: 9100, name: 'scrape' }],
            env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }],
          },
          { name: 'sidecar', image: 'busybox' },
        ],
        volumes: [{ name: 'proc', hostPath: { path: '/proc' } }],
        tolerations: [{ key: 'a', operator: 'Exists' }, { key: 'b', operator: 'Exists' }],
        imagePullSecrets: [],
      },
    },
  },
});

describe('strategic merge patch', () => {
  test('`kubectl set image` merges the container by name and keeps every other field and container', () => {
    const result: any = applyStrategicMergePatch('DaemonSet', exporter(),
      podSpec({ containers: [{ image: 'prom/node-exporter:bad', name: 'node-exporter' }] }));
    const [exporterContainer, sidecar] = result.spec.template.spec.containers;
    expect(exporterContainer).toEqual({ ...exporter().spec.template.spec.containers[0], image: 'prom/node-exporter:bad' });
    expect(sidecar).toEqual({ name: 'sidecar', image: 'busybox' });
  });

  test('a new container without $setElementOrder goes before the server-only ones, as upstream orders it', () => {
    const result: any = applyStrategicMergePatch('DaemonSet', exporter(), podSpec({ containers: [{ name: 'new', image: 'x' }] }));
    expect(names(result.spec.template.spec.containers)).toEqual(['new', 'node-exporter', 'sidecar']);
  });

  test('$setElementOrder (what kubectl apply sends) puts the containers in the given order', () => {
    const result: any = applyStrategicMergePatch('DaemonSet', exporter(), podSpec({
      '$setElementOrder/containers': [{ name: 'sidecar' }, { name: 'node-exporter' }, { name: 'new' }],
      'containers': [{ name: 'new', image: 'x' }],
    }));
    expect(names(result.spec.template.spec.containers)).toEqual(['sidecar', 'node-exporter', 'new']);
  });

  test('ports merge by containerPort, env by name; null deletes a field of an element', () => {
    const result: any = applyStrategicMergePatch('StatefulSet', exporter(), podSpec({
      containers: [{
        name: 'node-exporter',
        ports: [{ containerPort: 9100, hostPort: null }, { containerPort: 9200, name: 'extra' }],
        env: [{ name: 'B', value: '20' }],
      }],
    }));
    const container = result.spec.template.spec.containers[0];
    expect(container.ports).toEqual([{ containerPort: 9100, name: 'scrape' }, { containerPort: 9200, name: 'extra' }]);
    expect(container.env).toEqual([{ name: 'A', value: '1' }, { name: 'B', value: '20' }]);
  });

  test('$patch: delete removes a list element by merge key; $patch: replace replaces the list', () => {
    const deleted: any = applyStrategicMergePatch('DaemonSet', exporter(),
      podSpec({ containers: [{ name: 'sidecar', $patch: 'delete' }] }));
    expect(names(deleted.spec.template.spec.containers)).toEqual(['node-exporter']);
    const replaced: any = applyStrategicMergePatch('DaemonSet', exporter(),
      podSpec({ containers: [{ name: 'only', image: 'x' }, { $patch: 'replace' }] }));
    expect(replaced.spec.template.spec.containers).toEqual([{ name: 'only', image: 'x' }]);
  });

  test('$patch: replace on a map replaces the map; $patch: delete empties it', () => {
    const replaced: any = applyStrategicMergePatch('DaemonSet', exporter(),
      { spec: { template: { metadata: { labels: { $patch: 'replace', tier: 'infra' } } } } });
    expect(replaced.spec.template.metadata.labels).toEqual({ tier: 'infra' });
    const deleted: any = applyStrategicMergePatch('DaemonSet', exporter(),
      { spec: { template: { metadata: { labels: { $patch: 'delete' } } } } });
    expect(deleted.spec.template.metadata.labels).toEqual({});
  });

  test('lists without a tag (tolerations, volumeClaimTemplates) are replaced whole', () => {
    const result: any = applyStrategicMergePatch('DaemonSet', exporter(), podSpec({ tolerations: [{ key: 'c', operator: 'Exists' }] }));
    expect(result.spec.template.spec.tolerations).toEqual([{ key: 'c', operator: 'Exists' }]);
    expect(patchStrategyOf('StatefulSet', 'spec.volumeClaimTemplates')).toBeUndefined();
  });

  test('$retainKeys on a volume switches its source (the union is cleared of other keys)', () => {
    const result: any = applyStrategicMergePatch('DaemonSet', exporter(),
      podSpec({ volumes: [{ name: 'proc', emptyDir: {}, $retainKeys: ['emptyDir', 'name'] }] }));
    expect(result.spec.template.spec.volumes).toEqual([{ name: 'proc', emptyDir: {} }]);
  });

  test('$deleteFromPrimitiveList removes finalizers; a primitive merge list is a set union', () => {
    const removed: any = applyStrategicMergePatch('DaemonSet', exporter(), { metadata: { '$deleteFromPrimitiveList/finalizers': ['b'] } });
    expect(removed.metadata.finalizers).toEqual(['a', 'c']);
    const merged: any = applyStrategicMergePatch('DaemonSet', exporter(), { metadata: { finalizers: ['c', 'd'] } });
    expect(merged.metadata.finalizers).toEqual(['a', 'b', 'c', 'd']);
  });

  test('ownerReferences merge by uid; pod status conditions by type', () => {
    const pod = {
      metadata: { ownerReferences: [{ uid: '1', name: 'kafka' }] },
      status: { conditions: [{ type: 'Ready', status: 'False' }, { type: 'PodScheduled', status: 'True' }] },
    };
    const result: any = applyStrategicMergePatch('Pod', pod, {
      metadata: { ownerReferences: [{ uid: '2', name: 'other' }] },
      status: { conditions: [{ type: 'Ready', status: 'True' }] },
    });
    expect(result.metadata.ownerReferences.map((ref: any) => ref.uid)).toEqual(['2', '1']);
    expect(result.status.conditions).toEqual([{ type: 'Ready', status: 'True' }, { type: 'PodScheduled', status: 'True' }]);
  });

  test('null deletes a field; nulls inside a newly added value are dropped', () => {
    const result: any = applyStrategicMergePatch('DaemonSet', exporter(),
      { metadata: { finalizers: null, annotations: { a: 'x', b: null } } });
    expect(result.metadata.finalizers).toBeUndefined();
    expect(result.metadata.annotations).toEqual({ a: 'x' });
  });

  test('a value of another type replaces the original', () => {
    const result: any = applyStrategicMergePatch('DaemonSet', exporter(), podSpec({ containers: 'oops' }));
    expect(result.spec.template.spec.containers).toBe('oops');
  });

  test.each([
    [podSpec({ containers: [{ image: 'x' }] }), 500, 'map: map[image:x] does not contain declared merge key: name'],
    [{ spec: { template: { metadata: { labels: { $patch: 'merge' } } } } }, 500, 'unknown patch type: merge in map: map[$patch:merge]'],
    [podSpec({ containers: [{ name: 'node-exporter', $patch: 'merge' }] }), 500, 'merging lists cannot yet be specified in the patch'],
    [podSpec({ volumes: [{ name: 'proc', emptyDir: {}, $retainKeys: ['name'] }] }), 400, 'invalid patch format of retainKeys'],
    [{ metadata: { $deleteFromPrimitiveList: ['a'] } }, 400, 'invalid patch format of primitive list'],
    [podSpec({ containers: [[1]] }), 500, 'list element types are not identical: [[map[env:[map[name:A value:1] map[name:B value:2]] image:prom/node-exporter:v0.13.0 name:node-exporter ports:[map[containerPort:9100 hostPort:9100 name:scrape]]] map[image:busybox name:sidecar]] [[1]]]'],
    [podSpec({ imagePullSecrets: [[1]] }), 422, 'lists of lists are not supported'],
    [podSpec({ '$setElementOrder/containers': [{ name: 'sidecar' }], 'containers': [{ name: 'new' }] }), 500,
      'The order in patch list:\n[map[name:new]]\n doesn\'t match $setElementOrder list:\n[map[name:sidecar]]\n'],
  ])('refuses %j with code %d as upstream words it', (patch, code, message) => {
    let error: unknown;
    try {
      applyStrategicMergePatch('DaemonSet', exporter(), patch as Record<string, unknown>);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(StrategicMergePatchError);
    expect(error).toMatchObject({ code, message });
  });

  test('the input objects are not modified', () => {
    const original = exporter();
    const patch = podSpec({ containers: [{ name: 'sidecar', $patch: 'delete' }] });
    const before = JSON.stringify([original, patch]);
    applyStrategicMergePatch('DaemonSet', original, patch);
    expect(JSON.stringify([original, patch])).toBe(before);
  });
});

describe('strategic merge patch properties', () => {
  const name = fc.constantFrom('a', 'b', 'c', 'd');
  const env = fc.uniqueArray(fc.record({ name, value: fc.string({ maxLength: 3 }) }), { selector: (item) => item.name, maxLength: 3 });
  const containers = fc.uniqueArray(fc.record({ name, image: fc.constantFrom('x:1', 'x:2'), env }), { selector: (item) => item.name, maxLength: 4 });
  const patchContainers = fc.uniqueArray(fc.oneof(
    fc.record({ name, image: fc.constantFrom('x:3', 'x:4') }),
    fc.record({ name, env }),
    fc.record({ name, $patch: fc.constant('delete') }),
  ), { selector: (item) => item.name, maxLength: 4 });

  test('applying the same patch twice changes nothing more than applying it once', () => {
    fc.assert(fc.property(containers, patchContainers, (live, patch) => {
      const once = applyStrategicMergePatch('DaemonSet', podSpec({ containers: live }), podSpec({ containers: patch }));
      const twice = applyStrategicMergePatch('DaemonSet', once, podSpec({ containers: patch }));
      expect(twice).toEqual(once);
    }));
  });

  test('containers the patch does not name are kept unchanged; deleted ones are gone; named ones carry the patch', () => {
    fc.assert(fc.property(containers, patchContainers, (live, patch) => {
      const result: any = applyStrategicMergePatch('DaemonSet', podSpec({ containers: live }), podSpec({ containers: patch }));
      const merged: any[] = result.spec.template.spec.containers;
      for (const container of live.filter((item) => !patch.some((p) => p.name === item.name))) {
        expect(merged.find((item) => item.name === container.name)).toEqual(container);
      }
      for (const change of patch) {
        const found = merged.find((item) => item.name === change.name);
        if ('$patch' in change) {
          expect(found).toBeUndefined();
        } else if ('image' in change) {
          expect(found.image).toBe(change.image);
        }
      }
      expect(new Set(merged.map((item) => item.name)).size).toBe(merged.length);
    }));
  });
});
