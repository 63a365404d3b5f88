// ControllerRevision helpers shared by the StatefulSet and DaemonSet controllers
// (pkg/controller/history and the controllers' getPatch/newRevision). A revision stores the workload's
// pod template as the strategic merge patch `{"spec":{"template":{...,"$patch":"replace"}}}` that
// `kubectl rollout undo` sends back, serialized as Go serializes it: kubectl byte-compares it with the
// same patch computed from the live object to print "skipped rollback".
import type { KubeObject } from '../api';
import { fnv32, fnv32a, safeEncodeString, utf8 } from './fnv-hash';
import { newControllerRef } from './owner-references';
import { goJson } from '../../internal/go-json';

/**
 * The label on a StatefulSet's ControllerRevision carrying the hash of its data (pkg/controller/history
 * `ControllerRevisionHashLabel`, `controller.kubernetes.io/hash`). Not the pod label `controller-revision-hash`
 * naming the revision a pod was created from (`POD_REVISION_LABEL` in src/internal/well-known-labels.ts).
 */
export const REVISION_DATA_HASH_LABEL = 'controller.kubernetes.io/hash';

// Upstream truncates the owner name so that `<prefix>-<hash>` stays a valid object name.
const MAX_REVISION_NAME_PREFIX = 223;

/**
 * A workload's pod template (`spec.template`) as the revision patch, with keys in Go's (sorted) order. Fields Go always
 * writes for a PodTemplateSpec (`metadata.creationTimestamp: null`, each container's `resources: {}`)
 * are added when missing, so the bytes equal what kubectl computes from the decoded live object.
 */
export function templatePatch(template: unknown): Record<string, unknown> {
  return sortKeys({ spec: { template: { ...goCanonicalTemplate(template ?? {}), $patch: 'replace' } } }) as Record<string, unknown>;
}

/** The pod template stored in a revision (its patch without the `$patch` directive). */
export function templateOfRevision(revision: KubeObject): any {
  const { $patch: _directive, ...template } = revision.data?.spec?.template ?? {};
  return template;
}

/** The exact bytes (as a string) of a revision's data, as Go would write them. */
export function revisionData(revision: KubeObject): string {
  return goJson(revision.data);
}

/**
 * `history.HashControllerRevision`: FNV-1 over the data bytes followed by the decimal collision
 * count (the StatefulSet controller always passes one, so "0" is hashed too), safe-encoded.
 */
export function hashControllerRevision(data: Record<string, unknown>, collisionCount: number | undefined): string {
  const chunks = [utf8(goJson(data))];
  if (collisionCount !== undefined) {
    chunks.push(utf8(String(collisionCount)));
  }
  return safeEncodeString(String(fnv32(...chunks)));
}

/**
 * `controller.ComputeHash` for DaemonSet templates: FNV-1a over the template followed by the
 * collision count as 8 little-endian bytes. Upstream hashes a dump of the Go struct; the sandbox
 * hashes the canonical JSON instead, which is as stable and gives names of the same shape.
 */
export function computeTemplateHash(template: unknown, collisionCount: number | undefined): string {
  const chunks = [utf8(goJson(goCanonicalTemplate(template ?? {})))];
  if (collisionCount !== undefined) {
    const bytes = new Uint8Array(8);
    new DataView(bytes.buffer).setUint32(0, collisionCount, true);
    chunks.push(bytes);
  }
  return safeEncodeString(String(fnv32a(...chunks)));
}

/** `<prefix>-<hash>`, truncating a long prefix as upstream does. */
export function controllerRevisionName(prefix: string, hash: string): string {
  return `${prefix.slice(0, MAX_REVISION_NAME_PREFIX)}-${hash}`;
}

/** Options for {@link newControllerRevision}. */
export interface NewControllerRevisionOptions {
  /** The owning workload. */
  readonly parent: KubeObject;
  /** The revision patch (see {@link templatePatch}). */
  readonly data: Record<string, unknown>;
  /** The revision number. */
  readonly revision: number;
  /** The hash that names the revision. */
  readonly hash: string;
  /** The label the hash is stored under. */
  readonly hashLabel: string;
  /**
   * Annotations to copy onto the revision (upstream copies the workload's, e.g. the change-cause).
   * @default {}
   */
  readonly annotations?: Record<string, string>;
}

/** A ControllerRevision owned by `parent`, labelled with the template labels plus the hash. */
export function newControllerRevision(options: NewControllerRevisionOptions): KubeObject {
  const { parent, data, revision, hash, hashLabel } = options;
  return {
    apiVersion: 'apps/v1',
    kind: 'ControllerRevision',
    metadata: {
      name: controllerRevisionName(parent.metadata.name ?? '', hash),
      namespace: parent.metadata.namespace,
      labels: { ...(parent.spec?.template?.metadata?.labels ?? {}), [hashLabel]: hash },
      ...(options.annotations && Object.keys(options.annotations).length > 0 ? { annotations: { ...options.annotations } } : {}),
      ownerReferences: [newControllerRef(parent)],
    },
    data,
    revision,
  };
}

/** Revisions sorted by revision number, then creation time, then name (`history.SortControllerRevisions`). */
export function sortRevisions(revisions: Iterable<KubeObject>): KubeObject[] {
  return [...revisions].sort((a, b) => {
    if (a.revision !== b.revision) {
      return a.revision - b.revision;
    }
    const created = (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? '');
    return created !== 0 ? created : (a.metadata.name ?? '').localeCompare(b.metadata.name ?? '');
  });
}

/** One more than the highest revision number of sorted revisions, or 1 (`nextRevision`). */
export function nextRevision(sorted: readonly KubeObject[]): number {
  return sorted.length === 0 ? 1 : sorted[sorted.length - 1].revision + 1;
}

/**
 * Whether two revisions hold the same data (`history.EqualRevision`: hash labels first, then bytes).
 * `dataOf` gives a revision's data bytes; callers that remember them pass their own.
 */
export function equalRevision(left: KubeObject, right: KubeObject, dataOf: (revision: KubeObject) => string = revisionData): boolean {
  const leftHash = left.metadata.labels?.[REVISION_DATA_HASH_LABEL];
  const rightHash = right.metadata.labels?.[REVISION_DATA_HASH_LABEL];
  if (leftHash !== undefined && rightHash !== undefined && leftHash !== rightHash) {
    return false;
  }
  return dataOf(left) === dataOf(right);
}

function goCanonicalTemplate(template: any): any {
  const spec = template.spec ?? {};
  return {
    ...template,
    metadata: { creationTimestamp: null, ...(template.metadata ?? {}) },
    spec: {
      ...spec,
      containers: withResources(spec.containers ?? []),
      ...(spec.initContainers ? { initContainers: withResources(spec.initContainers) } : {}),
    },
  };
}

function withResources(containers: any[]): any[] {
  return containers.map((container) => ('resources' in container ? container : { ...container, resources: {} }));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.map(sortKeys);
  }
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(record).sort()) {
      if (record[key] !== undefined) {
        sorted[key] = sortKeys(record[key]);
      }
    }
    return sorted;
  }
  return value;
}
