// What decoding a request into the API's Go types and encoding it back does to the JSON the client sent: a field
// tagged `omitempty` that holds its zero value is not written back. Nearly every slice and map of the API is
// `omitempty`, so `namespaces: []` in a pod affinity term, `args: []` or `nodeSelector: {}` are stored as absent;
// a few bools and numbers of pod specs are too (`hostNetwork: false`, `initialDelaySeconds: 0`). Stored objects in
// that form also make kubectl's typed re-encoding of a live template (`rollout undo`'s comparison with a
// ControllerRevision) byte-equal to the sandbox's. The rules come from the json tags of k8s.io/api's types.
import type { KubeObject } from './api';

// Slices whose json tag has no omitempty: an empty one is written back as [] (core/v1 PodSpec.Containers,
// NodeSelector.NodeSelectorTerms, rbac/v1 PolicyRule.Verbs, Role.Rules, PolicyRule's siblings aside).
const KEPT_EMPTY_SLICES: ReadonlySet<string> = new Set(['containers', 'nodeSelectorTerms', 'verbs', 'rules']);

/** Map-typed fields (all omitempty): an empty one is dropped. Any other empty object is a struct, which Go writes. */
export const MAP_FIELDS: ReadonlySet<string> = new Set([
  'labels', 'annotations', 'nodeSelector', 'matchLabels', 'data', 'binaryData', 'stringData', 'requests', 'limits',
  'capacity', 'allocatable', 'overhead', 'allocatedResources', 'disruptedPods', 'volumeAttributes', 'parameters',
]);

// Non-pointer bools, integers and strings tagged omitempty in pod specs, containers and their parts.
const OMITTED_ZERO_SCALARS: ReadonlySet<string> = new Set([
  'hostNetwork', 'hostPID', 'hostIPC', 'stdin', 'stdinOnce', 'tty', 'readOnly', 'paused', 'minReadySeconds',
  'initialDelaySeconds', 'hostPort', 'nodePort', 'subPath', 'subPathExpr', 'workingDir',
]);

// Fields whose zero value is omitted only inside the listed parent arrays (EnvVar.Value and Toleration.Value are
// omitempty; HTTPHeader.Value and Sysctl.Value are not).
const OMITTED_ZERO_IN: Readonly<Record<string, ReadonlySet<string>>> = {
  value: new Set(['env', 'tolerations']),
};

/**
 * Drops, in place, the fields of `obj` that the API server's typed round trip would not write back: empty omitempty
 * slices and maps, nulls, and the zero values of the omitempty scalars above. `Service.spec.selector` is a map; a
 * `selector` elsewhere is a LabelSelector struct and is kept.
 */
export function dropOmittedEmpties(obj: KubeObject): void {
  // The status is written by the sandbox's own controllers (and keeps Go's `lastProbeTime: null` zero times).
  for (const key of Object.keys(obj)) {
    if (key !== 'status') {
      walk(obj[key], key, '');
    }
  }
  const serviceSelector = obj.kind === 'Service' ? obj.spec?.selector : undefined;
  if (serviceSelector && typeof serviceSelector === 'object' && Object.keys(serviceSelector).length === 0) {
    delete obj.spec.selector;
  }
}

function walk(value: unknown, field: string, parentArray: string): void {
  if (Array.isArray(value)) {
    for (const item of value) {
      walk(item, '', field);
    }
    return;
  }
  if (value === null || typeof value !== 'object') {
    return;
  }
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    const child = record[key];
    if (omitted(key, child, parentArray)) {
      delete record[key];
      continue;
    }
    // Map values are data (labels, requests): only structs are walked.
    if (!MAP_FIELDS.has(key)) {
      walk(child, key, '');
    }
  }
}

function omitted(key: string, value: unknown, parentArray: string): boolean {
  if (value === null) {
    // creationTimestamp: null is how Go writes a template's zero time; any other null decodes to nothing.
    return key !== 'creationTimestamp';
  }
  if (Array.isArray(value)) {
    return value.length === 0 && !KEPT_EMPTY_SLICES.has(key);
  }
  if (typeof value === 'object') {
    return MAP_FIELDS.has(key) && Object.keys(value as object).length === 0;
  }
  if (value === false || value === 0 || value === '') {
    return OMITTED_ZERO_SCALARS.has(key) || (OMITTED_ZERO_IN[key]?.has(parentArray) ?? false);
  }
  return false;
}
