// The field sets of managedFields (structured-merge-diff's fieldpath.Set, serialized as FieldsV1) for Update
// operations: the fields of an object as paths (`f:name` for a struct field or map key, `k:{...}` for an element of
// a list keyed by its map keys, `v:...` for a member of a set), which paths an update added, changed or removed, and
// the JSON form (`{"f:metadata":{"f:labels":{".":{},"f:app":{}}}}`, `.` marking a node that is a member itself).
// Which lists are keyed, and by what, follows the x-kubernetes-list-map-keys of k8s.io/api's OpenAPI; maps are the
// map-typed fields go-round-trip.ts names; any other list is atomic (one leaf).
import { MAP_FIELDS } from './go-round-trip';

// x-kubernetes-list-type: map, with its keys, by field name (the sandbox's kinds never reuse a name with other keys,
// except ports, told apart below).
const LIST_MAP_KEYS: Readonly<Record<string, readonly string[]>> = {
  containers: ['name'],
  initContainers: ['name'],
  ephemeralContainers: ['name'],
  env: ['name'],
  volumeMounts: ['mountPath'],
  volumeDevices: ['devicePath'],
  volumes: ['name'],
  imagePullSecrets: ['name'],
  hostAliases: ['ip'],
  topologySpreadConstraints: ['topologyKey', 'whenUnsatisfiable'],
  schedulingGates: ['name'],
  resourceClaims: ['name'],
  ownerReferences: ['uid'],
  conditions: ['type'],
  podIPs: ['ip'],
  hostIPs: ['ip'],
};
// Container ports are keyed by containerPort and protocol, Service ports by port and protocol.
const CONTAINER_PORT_KEYS = ['containerPort', 'protocol'];
const SERVICE_PORT_KEYS = ['port', 'protocol'];
// x-kubernetes-list-type: set.
const SET_LISTS: ReadonlySet<string> = new Set(['finalizers']);
// Structs and maps owned whole (x-kubernetes-map-type: atomic): label selectors, a Service's selector, a node selector.
const ATOMIC_OBJECTS: ReadonlySet<string> = new Set(['selector', 'labelSelector', 'namespaceSelector', 'requiredDuringSchedulingIgnoredDuringExecution']);

// The structs a kind's zero value already holds (non-pointer struct fields reached through non-pointer structs from the
// root, which encoding/json always writes): an Update's comparison never finds them added, so no manager owns them as
// members. Every other struct an object holds is a member too (an Update that adds it owns it, `.` in FieldsV1), as
// the comparison's post-item hook records it. By path from the root, whatever the kind (a Pod's pointer
// `spec.resources` aside, which the sandbox's pods never carry).
const VALUE_STRUCTS: ReadonlySet<string> = new Set([
  ['metadata'], ['spec'], ['status'], ['spec', 'template'], ['spec', 'template', 'metadata'], ['spec', 'template', 'spec'],
  ['spec', 'updateStrategy'], ['spec', 'resources'], ['status', 'loadBalancer'], ['status', 'daemonEndpoints'],
  ['status', 'daemonEndpoints', 'kubeletEndpoint'], ['status', 'nodeInfo'], ['involvedObject'], ['source'], ['roleRef'],
].map((fields) => fields.map((field) => `f:${field}`).join('\u0000')));

/** A set of field paths, each path its serialized elements joined by a NUL. */
export type FieldSet = Set<string>;

const SEPARATOR = '\u0000';

/** Every member path of `value` (what typed.ToFieldSet gives, with the structs an Update can add), with the leaf values for comparison. */
export function fieldPaths(value: Record<string, unknown>): Map<string, unknown> {
  const paths = new Map<string, unknown>();
  walkStruct(value, [], paths);
  return paths;
}

function walkStruct(value: Record<string, unknown>, prefix: string[], paths: Map<string, unknown>): void {
  for (const key of Object.keys(value)) {
    if (value[key] !== undefined) {
      walkValue(value[key], key, [...prefix, `f:${key}`], paths);
    }
  }
}

function walkValue(value: unknown, field: string, path: string[], paths: Map<string, unknown>): void {
  if (Array.isArray(value)) {
    const keys = listKeys(field, value);
    if (keys) {
      for (const item of value as Array<Record<string, unknown>>) {
        const element = [...path, `k:${keyJson(item, keys)}`];
        paths.set(element.join(SEPARATOR), undefined);
        walkStruct(item, element, paths);
      }
      return;
    }
    if (SET_LISTS.has(field)) {
      for (const item of value) {
        paths.set([...path, `v:${JSON.stringify(item)}`].join(SEPARATOR), item);
      }
      return;
    }
    paths.set(path.join(SEPARATOR), JSON.stringify(value));
    return;
  }
  if (value !== null && typeof value === 'object' && !ATOMIC_OBJECTS.has(field)) {
    const record = value as Record<string, unknown>;
    if (MAP_FIELDS.has(field)) {
      // A granular map is a member itself, and so is each of its keys.
      paths.set(path.join(SEPARATOR), undefined);
      for (const key of Object.keys(record)) {
        paths.set([...path, `f:${key}`].join(SEPARATOR), JSON.stringify(record[key]));
      }
      return;
    }
    if (Object.keys(record).length === 0) {
      paths.set(path.join(SEPARATOR), '{}');
      return;
    }
    const member = path.join(SEPARATOR);
    if (!VALUE_STRUCTS.has(member)) {
      paths.set(member, undefined);
    }
    walkStruct(record, path, paths);
    return;
  }
  paths.set(path.join(SEPARATOR), JSON.stringify(value));
}

/** The map keys of list `field` (x-kubernetes-list-map-keys) holding `items`, or undefined for an atomic or set list. */
export function listKeys(field: string, items: unknown[]): readonly string[] | undefined {
  const objects = items.every((item) => item !== null && typeof item === 'object' && !Array.isArray(item));
  if (!objects || items.length === 0) {
    return undefined;
  }
  if (field === 'ports') {
    return (items[0] as Record<string, unknown>).containerPort !== undefined ? CONTAINER_PORT_KEYS : SERVICE_PORT_KEYS;
  }
  return LIST_MAP_KEYS[field];
}

// Key fields with a default in k8s.io/api's OpenAPI: structured-merge-diff keys an element that omits one (an applied
// configuration, which is not defaulted) by the default, so `{containerPort: 80}` is the element `{80, "TCP"}`.
const KEY_DEFAULTS: Readonly<Record<string, unknown>> = { protocol: 'TCP' };

/** The value of key field `key` of list element `item`, its schema default when omitted. */
export function keyValue(item: Record<string, unknown>, key: string): unknown {
  return item[key] ?? KEY_DEFAULTS[key];
}

/** The element path (`k:{...}`) of `item` in a list keyed by `keys`. */
export function keyJson(item: Record<string, unknown>, keys: readonly string[]): string {
  const present = [...keys].sort().filter((key) => keyValue(item, key) !== undefined);
  return `{${present.map((key) => `${JSON.stringify(key)}:${JSON.stringify(keyValue(item, key))}`).join(',')}}`;
}

/** Whether `field` is a list of scalars kept as a set (x-kubernetes-list-type: set). */
export function isSetList(field: string): boolean {
  return SET_LISTS.has(field);
}

/** The elements of a path (what {@link fieldPaths} joins). */
export function pathElements(path: string): string[] {
  return path.split(SEPARATOR);
}

/** A path as structured-merge-diff prints it (fieldpath.Path.String): `.spec.template.spec.containers[name="app"].image`. */
export function pathText(path: string): string {
  return pathElements(path).map((element) => {
    const value = element.slice(2);
    switch (element.slice(0, 2)) {
      case 'f:':
        return `.${value}`;
      case 'k:':
        return `[${Object.entries(JSON.parse(value) as Record<string, unknown>).map(([key, item]) => `${key}=${JSON.stringify(item)}`).join(',')}]`;
      default:
        return `[=${value}]`;
    }
  }).join('');
}

/** What an update changed: paths added or whose leaf value changed, and paths removed (typed.Comparison). */
export function compareFields(before: Map<string, unknown>, after: Map<string, unknown>): { changed: FieldSet; removed: FieldSet } {
  const changed: FieldSet = new Set();
  const removed: FieldSet = new Set();
  for (const [path, value] of after) {
    // A struct or map that was there before is not changed by what happens inside it, nor by becoming empty (`{}`).
    const previous = before.get(path);
    if (!before.has(path) || (previous !== value && previous !== undefined && value !== undefined)) {
      changed.add(path);
    }
  }
  for (const path of before.keys()) {
    if (!after.has(path)) {
      removed.add(path);
    }
  }
  return { changed, removed };
}

/** FieldsV1 JSON of a set: nested `f:`/`k:`/`v:` objects, `.` marking a path that is a member and has children. */
export function toFieldsV1(set: FieldSet): Record<string, unknown> {
  const root: TreeNode = { member: false, children: new Map() };
  for (const path of set) {
    let node = root;
    for (const element of path.split(SEPARATOR)) {
      let child = node.children.get(element);
      if (!child) {
        child = { member: false, children: new Map() };
        node.children.set(element, child);
      }
      node = child;
    }
    node.member = true;
  }
  return serialize(root);
}

interface TreeNode {
  member: boolean;
  readonly children: Map<string, TreeNode>;
}

// A member with children gets "."; a leaf member is just {}; children in sorted order.
function serialize(node: TreeNode): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  if (node.member && node.children.size > 0) {
    result['.'] = {};
  }
  for (const key of [...node.children.keys()].sort()) {
    result[key] = serialize(node.children.get(key)!);
  }
  return result;
}

/** The set a FieldsV1 object describes (the inverse of {@link toFieldsV1}). */
export function fromFieldsV1(fields: Record<string, unknown> | undefined): FieldSet {
  const set: FieldSet = new Set();
  const walk = (node: Record<string, any>, path: string[]): void => {
    for (const key of Object.keys(node)) {
      if (key === '.') {
        set.add(path.join(SEPARATOR));
        continue;
      }
      const child = [...path, key];
      if (Object.keys(node[key]).length === 0) {
        set.add(child.join(SEPARATOR));
      } else {
        walk(node[key], child);
      }
    }
  };
  walk(fields ?? {}, []);
  return set;
}

/** Whether a path is under (or is) the first-level field `field`, e.g. `status`. */
export function isUnder(path: string, field: string): boolean {
  return path === `f:${field}` || path.startsWith(`f:${field}${SEPARATOR}`);
}

/** The metadata paths the field manager never records (stripmeta.go), and `apiVersion`/`kind`. */
export function isStrippedPath(path: string): boolean {
  const [first, second] = path.split(SEPARATOR);
  if (first === 'f:apiVersion' || first === 'f:kind') {
    return true;
  }
  return first === 'f:metadata' && ['f:name', 'f:namespace', 'f:creationTimestamp', 'f:selfLink', 'f:uid', 'f:generation',
    'f:managedFields', 'f:resourceVersion', 'f:deletionTimestamp', 'f:deletionGracePeriodSeconds'].includes(second ?? '');
}
