import { newStore, pod, START_MS, zookeeperStatefulSet } from './fixtures';
import * as sandbox from '../../../src/sandbox';
import { ApiError, ApiEvent, RESOURCES } from '../../../src/sandbox/api';

function caught(fn: () => unknown): ApiError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ApiError) {
      return error;
    }
    throw error;
  }
  throw new Error('expected an ApiError');
}

describe('SandboxStore objects', () => {
  test('starts with the default and kube-system namespaces', () => {
    const { store } = newStore();
    expect(store.list(RESOURCES.namespaces).items.map((ns) => ns.metadata.name)).toEqual(['default', 'kube-system']);
    expect(store.get(RESOURCES.namespaces, undefined, 'default')?.status).toEqual({ phase: 'Active' });
  });

  test('create assigns uid, resourceVersion, creationTimestamp and generation, and clears client status', () => {
    const { store } = newStore();
    const created = store.create(RESOURCES.statefulSets, { ...zookeeperStatefulSet(), status: { replicas: 7 } });
    expect(created.metadata).toMatchObject({ name: 'zk', namespace: 'default', generation: 1, creationTimestamp: '2024-05-01T10:00:00Z' });
    expect(created.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(Number(created.metadata.resourceVersion)).toBeGreaterThan(0);
    expect(created.status).toEqual({ replicas: 0, availableReplicas: 0 });
    expect(store.get(RESOURCES.statefulSets, 'default', 'zk')).toEqual(created);
  });

  test('resourceVersion is one global counter across kinds', () => {
    const { store } = newStore();
    const a = store.create(RESOURCES.pods, pod('a'));
    const b = store.create(RESOURCES.configMaps, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'b' } });
    expect(Number(b.metadata.resourceVersion)).toBe(Number(a.metadata.resourceVersion) + 1);
    expect(store.list(RESOURCES.pods).resourceVersion).toBe(b.metadata.resourceVersion);
  });

  test('generateName appends a five-character suffix and names differ', () => {
    const { store } = newStore();
    const first = store.create(RESOURCES.pods, { ...pod(''), metadata: { generateName: 'web-' } });
    const second = store.create(RESOURCES.pods, { ...pod(''), metadata: { generateName: 'web-' } });
    expect(first.metadata.name).toMatch(/^web-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    expect(second.metadata.name).not.toBe(first.metadata.name);
  });

  test('409 AlreadyExists and 404 for a missing namespace, with upstream messages', () => {
    const { store } = newStore();
    store.create(RESOURCES.statefulSets, zookeeperStatefulSet());
    expect(caught(() => store.create(RESOURCES.statefulSets, zookeeperStatefulSet()))).toMatchObject({
      code: 409, reason: 'AlreadyExists', message: 'statefulsets.apps "zk" already exists',
    });
    const elsewhere = { ...pod('a'), metadata: { name: 'a', namespace: 'kafka' } };
    expect(caught(() => store.create(RESOURCES.pods, elsewhere))).toMatchObject({
      code: 404, reason: 'NotFound', message: 'namespaces "kafka" not found',
    });
  });

  test('update: 404 when missing, 409 Conflict on a stale resourceVersion', () => {
    const { store } = newStore();
    expect(caught(() => store.update(RESOURCES.statefulSets, zookeeperStatefulSet()))).toMatchObject({
      code: 404, reason: 'NotFound', message: 'statefulsets.apps "zk" not found',
    });
    const created = store.create(RESOURCES.statefulSets, zookeeperStatefulSet());
    const fresh = store.update(RESOURCES.statefulSets, { ...created, spec: { ...created.spec, replicas: 5 } });
    const error = caught(() => store.update(RESOURCES.statefulSets, { ...created, spec: { ...created.spec, replicas: 4 } }));
    expect(error).toMatchObject({
      code: 409,
      reason: 'Conflict',
      message: 'Operation cannot be fulfilled on statefulsets.apps "zk": the object has been modified; please apply your changes to the latest version and try again',
    });
    expect(store.get(RESOURCES.statefulSets, 'default', 'zk')?.spec.replicas).toBe(fresh.spec.replicas);
  });

  test('updateStatus and update refuse a stale resourceVersion or another uid', () => {
    const { store } = newStore();
    const created = store.create(RESOURCES.statefulSets, zookeeperStatefulSet());
    store.updateStatus(RESOURCES.statefulSets, { ...created, status: { replicas: 1, availableReplicas: 0 } });
    expect(caught(() => store.updateStatus(RESOURCES.statefulSets, { ...created, status: { replicas: 2, availableReplicas: 0 } })))
      .toMatchObject({ code: 409, reason: 'Conflict' });
    const latest = store.get(RESOURCES.statefulSets, 'default', 'zk')!;
    expect(caught(() => store.update(RESOURCES.statefulSets, { ...latest, metadata: { ...latest.metadata, uid: 'another' } })).message)
      .toBe(`Precondition failed: UID in precondition: another, UID in object meta: ${latest.metadata.uid}`);
  });

  test('generation moves on spec changes only; status is ignored by update and is all updateStatus changes', () => {
    const { store } = newStore();
    const created = store.create(RESOURCES.statefulSets, zookeeperStatefulSet());
    const labelled = store.update(RESOURCES.statefulSets, {
      ...created, metadata: { ...created.metadata, labels: { team: 'data' } }, status: { replicas: 99 },
    });
    expect(labelled.metadata.generation).toBe(1);
    expect(labelled.status).toEqual(created.status);
    const scaled = store.update(RESOURCES.statefulSets, { ...labelled, spec: { ...labelled.spec, replicas: 5 } });
    expect(scaled.metadata.generation).toBe(2);
    const withStatus = store.updateStatus(RESOURCES.statefulSets, {
      ...scaled, spec: { ...scaled.spec, replicas: 1 }, status: { replicas: 5, observedGeneration: 2, availableReplicas: 0 },
    });
    expect(withStatus.spec.replicas).toBe(5);
    expect(withStatus.status.observedGeneration).toBe(2);
    expect(withStatus.metadata.generation).toBe(2);
  });

  test('an update that changes nothing keeps the resourceVersion and emits no event', () => {
    const { store } = newStore();
    const created = store.create(RESOURCES.statefulSets, zookeeperStatefulSet());
    const events: ApiEvent[] = [];
    store.watch(RESOURCES.statefulSets, { resourceVersion: created.metadata.resourceVersion }, (event) => events.push(event));
    const same = store.update(RESOURCES.statefulSets, created);
    expect(same.metadata.resourceVersion).toBe(created.metadata.resourceVersion);
    expect(events).toEqual([]);
  });

  test('callers cannot mutate stored objects through returned or passed copies', () => {
    const { store } = newStore();
    const input = zookeeperStatefulSet();
    const created = store.create(RESOURCES.statefulSets, input);
    input.spec.replicas = 10;
    created.spec.replicas = 11;
    store.get(RESOURCES.statefulSets, 'default', 'zk')!.spec.replicas = 12;
    store.list(RESOURCES.statefulSets).items[0].spec.replicas = 13;
    expect(store.get(RESOURCES.statefulSets, 'default', 'zk')?.spec.replicas).toBe(3);
  });

  test('listView returns what list returns, and a view taken before a write keeps the old state', () => {
    const { store } = newStore();
    const created = store.create(RESOURCES.statefulSets, zookeeperStatefulSet());
    const view = store.listView(RESOURCES.statefulSets, { namespace: 'default' });
    expect(view).toEqual(store.list(RESOURCES.statefulSets, { namespace: 'default' }));
    store.update(RESOURCES.statefulSets, { ...created, spec: { ...created.spec, replicas: 5 } });
    expect(view.items[0].spec.replicas).toBe(3);
    expect(store.listView(RESOURCES.statefulSets).items[0].spec.replicas).toBe(5);
  });

  test('bind sets spec.nodeName and PodScheduled, and refuses a second binding', () => {
    const { store } = newStore();
    store.create(RESOURCES.pods, pod('a'));
    const bound = store.bind('default', 'a', 'node-1');
    expect(bound.spec.nodeName).toBe('node-1');
    expect(bound.status.conditions).toEqual([expect.objectContaining({ type: 'PodScheduled', status: 'True' })]);
    expect(caught(() => store.bind('default', 'a', 'node-2'))).toMatchObject({ code: 409, message: 'pod a is already assigned to node "node-1"' });
  });
});

describe('SandboxStore deletion', () => {
  test('an unbound pod and other kinds are deleted at once; a missing object gives undefined', () => {
    const { store } = newStore();
    store.create(RESOURCES.pods, pod('a'));
    const deleted = store.delete(RESOURCES.pods, 'default', 'a');
    expect(deleted?.metadata.name).toBe('a');
    expect(store.get(RESOURCES.pods, 'default', 'a')).toBeUndefined();
    expect(store.delete(RESOURCES.pods, 'default', 'a')).toBeUndefined();
  });

  test('a bound pod is only marked Terminating until deleted with grace 0', () => {
    const { store } = newStore();
    store.create(RESOURCES.pods, pod('a'));
    store.bind('default', 'a', 'node-1');
    const marked = store.delete(RESOURCES.pods, 'default', 'a');
    expect(marked?.metadata).toMatchObject({ deletionGracePeriodSeconds: 30, deletionTimestamp: new Date(START_MS + 30_000).toISOString().replace('.000', '') });
    expect(store.get(RESOURCES.pods, 'default', 'a')?.metadata.deletionTimestamp).toBeDefined();
    const uid = marked!.metadata.uid;
    expect(caught(() => store.delete(RESOURCES.pods, 'default', 'a', { gracePeriodSeconds: 0, preconditions: { uid: 'other' } }))).toMatchObject({ code: 409 });
    store.delete(RESOURCES.pods, 'default', 'a', { gracePeriodSeconds: 0, preconditions: { uid } });
    expect(store.get(RESOURCES.pods, 'default', 'a')).toBeUndefined();
  });

  test('a shorter grace period moves a pending deletion earlier; a longer one is ignored', () => {
    const { store } = newStore();
    store.create(RESOURCES.pods, pod('a'));
    store.bind('default', 'a', 'node-1');
    const marked = store.delete(RESOURCES.pods, 'default', 'a', { gracePeriodSeconds: 60 })!;
    expect(store.delete(RESOURCES.pods, 'default', 'a', { gracePeriodSeconds: 120 })).toEqual(marked);
    const shortened = store.delete(RESOURCES.pods, 'default', 'a', { gracePeriodSeconds: 5 })!;
    expect(shortened.metadata).toMatchObject({ deletionGracePeriodSeconds: 5, deletionTimestamp: '2024-05-01T10:00:05Z' });
  });

  test.each([
    ['Foreground', 'foregroundDeletion'],
    ['Orphan', 'orphan'],
  ] as const)('propagationPolicy %s marks the object with the %s finalizer for the garbage collector', (policy, finalizer) => {
    const { store } = newStore();
    store.create(RESOURCES.statefulSets, zookeeperStatefulSet());
    const marked = store.delete(RESOURCES.statefulSets, 'default', 'zk', { propagationPolicy: policy })!;
    expect(marked.metadata).toMatchObject({ finalizers: [finalizer], deletionGracePeriodSeconds: 0, deletionTimestamp: '2024-05-01T10:00:00Z' });
    store.update(RESOURCES.statefulSets, { ...marked, metadata: { ...marked.metadata, finalizers: [] } });
    expect(store.get(RESOURCES.statefulSets, 'default', 'zk')).toBeUndefined();
  });

  test('deleting a namespace deletes what it contains', () => {
    const { store } = newStore();
    store.create(RESOURCES.namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'kafka' } });
    store.create(RESOURCES.pods, pod('kafka-0', {}, 'kafka'));
    store.create(RESOURCES.pods, pod('zk-0'));
    store.delete(RESOURCES.namespaces, undefined, 'kafka');
    expect(store.list(RESOURCES.pods).items.map((p) => p.metadata.name)).toEqual(['zk-0']);
    expect(store.get(RESOURCES.namespaces, undefined, 'kafka')).toBeUndefined();
  });

  test('finalizers keep an object until the last one is removed', () => {
    const { store } = newStore();
    store.create(RESOURCES.configMaps, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', finalizers: ['example.com/keep'] } });
    const marked = store.delete(RESOURCES.configMaps, 'default', 'c')!;
    expect(marked.metadata.deletionTimestamp).toBe('2024-05-01T10:00:00Z');
    const released = store.update(RESOURCES.configMaps, { ...marked, metadata: { ...marked.metadata, finalizers: [] } });
    expect(released.metadata.name).toBe('c');
    expect(store.get(RESOURCES.configMaps, 'default', 'c')).toBeUndefined();
  });
});

describe('SandboxStore list selectors', () => {
  test('filters by namespace, label selector and field selector', () => {
    const { store } = newStore();
    store.create(RESOURCES.namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'kafka' } });
    store.create(RESOURCES.pods, pod('zk-0', { app: 'zk' }));
    store.create(RESOURCES.pods, pod('zk-1', { app: 'zk' }));
    store.create(RESOURCES.pods, pod('kafka-0', { app: 'kafka' }, 'kafka'));
    store.bind('default', 'zk-1', 'node-2');
    const names = (options: Parameters<typeof store.list>[1]): string[] => store.list(RESOURCES.pods, options).items.map((p) => p.metadata.name!);
    expect(names({})).toEqual(['zk-0', 'zk-1', 'kafka-0']);
    expect(names({ namespace: 'kafka' })).toEqual(['kafka-0']);
    expect(names({ labelSelector: 'app in (zk)' })).toEqual(['zk-0', 'zk-1']);
    expect(names({ labelSelector: 'app!=zk' })).toEqual(['kafka-0']);
    expect(names({ fieldSelector: 'spec.nodeName=node-2' })).toEqual(['zk-1']);
    expect(names({ fieldSelector: 'metadata.name!=zk-0,status.phase=Pending', namespace: 'default' })).toEqual(['zk-1']);
    expect(caught(() => names({ fieldSelector: 'spec.image=x' }))).toMatchObject({ code: 400, reason: 'BadRequest' });
    expect(caught(() => names({ labelSelector: 'app in zk' }))).toMatchObject({ code: 400, reason: 'BadRequest' });
  });

  test('events are selectable by involvedObject fields, as kubectl describe asks', () => {
    const { store } = newStore();
    for (const name of ['zk', 'kafka']) {
      store.create(RESOURCES.events, {
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { name: `${name}.1` },
        involvedObject: { kind: 'StatefulSet', name, namespace: 'default' },
        reason: 'SuccessfulCreate',
        type: 'Normal',
      });
    }
    const items = store.list(RESOURCES.events, { fieldSelector: 'involvedObject.name=zk,involvedObject.kind=StatefulSet' }).items;
    expect(items.map((event) => event.metadata.name)).toEqual(['zk.1']);
  });
});

describe('SandboxStore watch', () => {
  test('delivers ADDED, MODIFIED and DELETED synchronously with the change resourceVersion', () => {
    const { store } = newStore();
    const events: ApiEvent[] = [];
    const stop = store.watch(RESOURCES.pods, { resourceVersion: store.resourceVersion }, (event) => events.push(event));
    const created = store.create(RESOURCES.pods, pod('a'));
    expect(events).toHaveLength(1);
    store.bind('default', 'a', 'node-1');
    store.delete(RESOURCES.pods, 'default', 'a', { gracePeriodSeconds: 0 });
    expect(events.map((event) => event.type)).toEqual(['ADDED', 'MODIFIED', 'DELETED']);
    expect(events[0].resourceVersion).toBe(created.metadata.resourceVersion);
    expect(events[2].object.metadata.resourceVersion).toBe(events[2].resourceVersion);
    stop();
    store.create(RESOURCES.pods, pod('b'));
    expect(events).toHaveLength(3);
  });

  test('a label-selected watch sees objects entering and leaving its selection as ADDED and DELETED', () => {
    const { store } = newStore();
    const events: ApiEvent[] = [];
    store.watch(RESOURCES.pods, { labelSelector: 'app=zk', resourceVersion: store.resourceVersion }, (event) => events.push(event));
    const created = store.create(RESOURCES.pods, pod('a', { app: 'other' }));
    const relabelled = store.update(RESOURCES.pods, { ...created, metadata: { ...created.metadata, labels: { app: 'zk' } } });
    store.update(RESOURCES.pods, { ...relabelled, metadata: { ...relabelled.metadata, labels: { app: 'gone' } } });
    expect(events.map((event) => event.type)).toEqual(['ADDED', 'DELETED']);
  });

  test('resumes from a resourceVersion by replaying retained changes, and answers 410 Expired beyond the window', () => {
    const { store } = newStore(5);
    const from = store.resourceVersion;
    for (const name of ['a', 'b', 'c']) {
      store.create(RESOURCES.pods, pod(name));
    }
    const replayed: ApiEvent[] = [];
    store.watch(RESOURCES.pods, { resourceVersion: from }, (event) => replayed.push(event));
    expect(replayed.map((event) => event.object.metadata.name)).toEqual(['a', 'b', 'c']);
    for (const name of ['d', 'e', 'f']) {
      store.create(RESOURCES.pods, pod(name));
    }
    expect(caught(() => store.watch(RESOURCES.pods, { resourceVersion: from }, () => undefined))).toMatchObject({
      code: 410, reason: 'Expired',
    });
  });

  test('a namespaced watch sees only its namespace', () => {
    const { store } = newStore();
    store.create(RESOURCES.namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'kafka' } });
    const names: string[] = [];
    store.watch(RESOURCES.pods, { namespace: 'kafka', resourceVersion: store.resourceVersion }, (event) => names.push(event.object.metadata.name!));
    store.create(RESOURCES.pods, pod('zk-0'));
    store.create(RESOURCES.pods, pod('kafka-0', {}, 'kafka'));
    expect(names).toEqual(['kafka-0']);
  });

  test('without a resourceVersion a watch starts with the current objects as ADDED', () => {
    const { store } = newStore();
    store.create(RESOURCES.pods, pod('a'));
    const events: ApiEvent[] = [];
    store.watch(RESOURCES.pods, {}, (event) => events.push(event));
    expect(events.map((event) => [event.type, event.object.metadata.name])).toEqual([['ADDED', 'a']]);
  });

  test('a throwing listener does not starve other watchers; the writer sees its error after the change is committed', () => {
    const { store } = newStore();
    const seen: string[] = [];
    store.watch(RESOURCES.pods, { resourceVersion: store.resourceVersion }, () => {
      throw new Error('listener bug');
    });
    store.watch(RESOURCES.pods, { resourceVersion: store.resourceVersion }, (event) => seen.push(event.object.metadata.name!));
    expect(() => store.create(RESOURCES.pods, pod('a'))).toThrow('listener bug');
    expect(seen).toEqual(['a']);
    expect(store.get(RESOURCES.pods, 'default', 'a')).toBeDefined();
  });

  test('changes made by a listener are delivered after the current one, in resourceVersion order', () => {
    const { store } = newStore();
    const seen: string[] = [];
    store.watch(RESOURCES.pods, { resourceVersion: store.resourceVersion }, (event) => {
      seen.push(`${event.type} ${event.object.metadata.name} ${event.resourceVersion}`);
      if (event.object.metadata.name === 'a' && event.type === 'ADDED') {
        store.create(RESOURCES.pods, pod('b'));
      }
    });
    const late: string[] = [];
    store.watch(RESOURCES.pods, { resourceVersion: store.resourceVersion }, (event) => late.push(event.object.metadata.name!));
    store.create(RESOURCES.pods, pod('a'));
    expect(late).toEqual(['a', 'b']);
    expect(Number(seen[1].split(' ')[2])).toBeGreaterThan(Number(seen[0].split(' ')[2]));
  });
});

describe('sandbox entry point', () => {
  test('createSandboxApi returns a working SandboxApi from the package entry', () => {
    const api = sandbox.createSandboxApi({ clock: new sandbox.VirtualClock(0) });
    const created = api.create(sandbox.RESOURCES.configMaps, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: '1' } });
    expect(api.get(sandbox.RESOURCES.configMaps, 'default', 'c')).toEqual(created);
    expect(created.metadata.creationTimestamp).toBe('1970-01-01T00:00:00Z');
  });
});
