// The `patchStrategy` / `patchMergeKey` struct tags of k8s.io/api (core/v1, apps/v1, policy/v1, meta/v1) for the
// kinds the sandbox serves, as a table keyed by field path. A path names JSON fields from the object's root and
// skips list elements: `spec.template.spec.containers.ports` is the ports of any container of a pod template.
// Fields not in the table have no tag: lists are replaced whole and maps are merged, as upstream does for them.

/** How a strategic merge patch treats one field. */
export interface PatchStrategy {
  /** `merge`: lists are merged (by `mergeKey` for lists of objects, as a set for lists of scalars). */
  readonly strategy: 'merge';
  /**
   * The field that identifies an element of a list of objects.
   * @default none (a list of scalars)
   */
  readonly mergeKey?: string;
}

import { hasOwn } from './own-members';

type StrategyTable = Readonly<Record<string, PatchStrategy>>;

// `merge,retainKeys` tags (volumes, resourceClaims) merge like `merge`; `$retainKeys` itself is honoured anywhere.
const byKey = (mergeKey: string): PatchStrategy => ({ strategy: 'merge', mergeKey });
const asSet: PatchStrategy = { strategy: 'merge' };

// metav1.ObjectMeta
const OBJECT_META: StrategyTable = {
  finalizers: asSet,
  ownerReferences: byKey('uid'),
};

// corev1.Container, shared by containers and initContainers (EphemeralContainer has the same tags).
const CONTAINER: StrategyTable = {
  ports: byKey('containerPort'),
  env: byKey('name'),
  volumeMounts: byKey('mountPath'),
  volumeDevices: byKey('devicePath'),
};

// corev1.PodSpec
const POD_SPEC: StrategyTable = {
  volumes: byKey('name'),
  initContainers: byKey('name'),
  containers: byKey('name'),
  ephemeralContainers: byKey('name'),
  imagePullSecrets: byKey('name'),
  hostAliases: byKey('ip'),
  topologySpreadConstraints: byKey('topologyKey'),
  schedulingGates: byKey('name'),
  resourceClaims: byKey('name'),
  ...mount('initContainers', CONTAINER),
  ...mount('containers', CONTAINER),
  ...mount('ephemeralContainers', CONTAINER),
};

// corev1.PodStatus
const POD_STATUS: StrategyTable = {
  conditions: byKey('type'),
  podIPs: byKey('ip'),
  hostIPs: byKey('ip'),
};

// corev1.PodTemplateSpec, embedded by every workload kind.
const POD_TEMPLATE: StrategyTable = {
  ...mount('metadata', OBJECT_META),
  ...mount('spec', POD_SPEC),
};

// Status types whose only tagged field is `conditions` (by type).
const CONDITIONS: StrategyTable = { conditions: byKey('type') };

function mount(prefix: string, table: StrategyTable): StrategyTable {
  return Object.fromEntries(Object.entries(table).map(([path, strategy]) => [`${prefix}.${path}`, strategy]));
}

function kindTable(...parts: StrategyTable[]): StrategyTable {
  return Object.freeze(Object.assign({}, mount('metadata', OBJECT_META), ...parts));
}

const WORKLOAD = kindTable(mount('spec.template', POD_TEMPLATE), mount('status', CONDITIONS));

/** The tagged fields of every kind the sandbox serves, by kind. */
const STRATEGIES_BY_KIND: Readonly<Record<string, StrategyTable>> = {
  Pod: kindTable(mount('spec', POD_SPEC), mount('status', POD_STATUS)),
  StatefulSet: WORKLOAD,
  DaemonSet: WORKLOAD,
  Deployment: WORKLOAD,
  ReplicaSet: WORKLOAD,
  Node: kindTable(
    { 'spec.podCIDRs': asSet },
    mount('status', { conditions: byKey('type'), addresses: byKey('type') }),
  ),
  Service: kindTable({ 'spec.ports': byKey('port') }, mount('status', CONDITIONS)),
  Namespace: kindTable(mount('status', CONDITIONS)),
  PersistentVolumeClaim: kindTable(mount('status', CONDITIONS)),
  PodDisruptionBudget: kindTable(mount('status', CONDITIONS)),
};

const OBJECT_ONLY = kindTable();

/**
 * The strategy of the field at `path` (dot-separated JSON field names, list elements skipped) in an object of `kind`,
 * or undefined when upstream declares none.
 */
export function patchStrategyOf(kind: string, path: string): PatchStrategy | undefined {
  const table = STRATEGIES_BY_KIND[kind] ?? OBJECT_ONLY;
  return hasOwn(table, path) ? table[path] : undefined;
}
