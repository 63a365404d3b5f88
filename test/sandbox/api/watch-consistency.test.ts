import fc from 'fast-check';
import { newStore, pod } from './fixtures';
import { KubeObject, RESOURCES } from '../../../src/sandbox/api';
import { SandboxStore } from '../../../src/sandbox/store';

type Operation =
  | { readonly kind: 'create'; readonly name: string; readonly app: string }
  | { readonly kind: 'relabel'; readonly name: string; readonly app: string }
  | { readonly kind: 'delete'; readonly name: string };

const names = fc.constantFrom('a', 'b', 'c', 'd');
const apps = fc.constantFrom('zk', 'kafka');
const operation: fc.Arbitrary<Operation> = fc.oneof(
  fc.record({ kind: fc.constant('create' as const), name: names, app: apps }),
  fc.record({ kind: fc.constant('relabel' as const), name: names, app: apps }),
  fc.record({ kind: fc.constant('delete' as const), name: names }),
);

function run(store: SandboxStore, op: Operation): void {
  const existing = store.get(RESOURCES.pods, 'default', op.name);
  if (op.kind === 'create' && !existing) {
    store.create(RESOURCES.pods, pod(op.name, { app: op.app }));
  } else if (op.kind === 'relabel' && existing) {
    store.update(RESOURCES.pods, { ...existing, metadata: { ...existing.metadata, labels: { app: op.app } } });
  } else if (op.kind === 'delete' && existing) {
    store.delete(RESOURCES.pods, 'default', op.name);
  }
}

// What an informer does: a list, then a watch from the list's resourceVersion applied to a cache.
function cacheOf(store: SandboxStore, labelSelector: string, resourceVersion?: string): Map<string, KubeObject> {
  const cache = new Map<string, KubeObject>();
  const listed = store.list(RESOURCES.pods, { labelSelector });
  for (const item of listed.items) {
    cache.set(item.metadata.name!, item);
  }
  store.watch(RESOURCES.pods, { labelSelector, resourceVersion: resourceVersion ?? listed.resourceVersion }, (event) => {
    if (event.type === 'DELETED') {
      cache.delete(event.object.metadata.name!);
    } else {
      cache.set(event.object.metadata.name!, event.object);
    }
  });
  return cache;
}

describe('watch consistency', () => {
  test('list + watch (live or resumed from an earlier resourceVersion) always equals a fresh list', () => {
    fc.assert(fc.property(fc.array(operation, { maxLength: 30 }), fc.array(operation, { maxLength: 30 }), (before, after) => {
      const { store } = newStore();
      const start = store.resourceVersion;
      before.forEach((op) => run(store, op));
      const live = cacheOf(store, 'app=zk');
      const resumed = new Map<string, KubeObject>();
      store.watch(RESOURCES.pods, { labelSelector: 'app=zk', resourceVersion: start }, (event) => {
        if (event.type === 'DELETED') {
          resumed.delete(event.object.metadata.name!);
        } else {
          resumed.set(event.object.metadata.name!, event.object);
        }
      });
      after.forEach((op) => run(store, op));
      const expected = new Map(store.list(RESOURCES.pods, { labelSelector: 'app=zk' }).items.map((item) => [item.metadata.name!, item]));
      expect(live).toEqual(expected);
      expect(resumed).toEqual(expected);
    }), { numRuns: 200 });
  });
});
