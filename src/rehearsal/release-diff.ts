// What differs between two releases' manifests: the StatefulSets and DaemonSets whose pod template changed (the
// workloads a rehearsal promotes) and every other object added, removed or changed. Pure.
import { RehearsedWorkload } from './rehearsal-report';
import { sameJson, templateChanges } from './template-diff';
import { RuntimeError } from '../runtime/runtime-error';
import { KubeObject } from '../sandbox/api';
import { ManifestObject } from '../sandbox/manifests';

/**
 * A StatefulSet or DaemonSet whose pod template differs between the releases: the workload as the report names it
 * (kind, namespace, name, the template's changes sorted by path), with its objects in both releases.
 */
export interface ChangedWorkload extends Pick<RehearsedWorkload, 'kind' | 'namespace' | 'name' | 'changes'> {
  /** The object in the old release. */
  readonly from: ManifestObject;
  /** The object in the new release. */
  readonly to: ManifestObject;
}

/** The difference between two releases. */
export interface ReleaseDiff {
  /** The workloads to promote, ordered by kind, namespace and name. */
  readonly workloads: readonly ChangedWorkload[];
  /** Every other object added, removed or changed (a workload's change besides its template included), sorted. */
  readonly otherChanges: readonly string[];
  /** The objects of the old release that the new one no longer has. */
  readonly removed: readonly ManifestObject[];
}

/** What the two releases are called in messages (their file names). */
export interface ReleaseSources {
  /** The old release. */
  readonly from: string;
  /** The new release. */
  readonly to: string;
}

/**
 * Pairs the objects of both releases by kind, namespace and name, and tells what changed.
 *
 * @throws RuntimeError (`bad-input`) when a release holds the same object twice
 */
export function diffReleases(from: readonly ManifestObject[], to: readonly ManifestObject[], sources: ReleaseSources): ReleaseDiff {
  const old = byKey(from, sources.from);
  const next = byKey(to, sources.to);
  const workloads: ChangedWorkload[] = [];
  const otherChanges: string[] = [];
  for (const [key, manifest] of next) {
    const before = old.get(key);
    const kind = manifest.object.kind;
    if (before && (kind === 'StatefulSet' || kind === 'DaemonSet')) {
      const changes = templateChanges(before.object.spec?.template, manifest.object.spec?.template);
      if (changes.length > 0) {
        const { namespace, name } = manifest.object.metadata;
        workloads.push({ kind, namespace: namespace!, name: name!, changes, from: before, to: manifest });
      }
      if (!sameJson(withoutTemplate(before.object), withoutTemplate(manifest.object))) {
        otherChanges.push(key);
      }
    } else if (!before || !sameJson(before.object, manifest.object)) {
      otherChanges.push(key);
    }
  }
  const removed = [...old].filter(([key]) => !next.has(key)).map(([, manifest]) => manifest);
  otherChanges.push(...removed.map((manifest) => objectKey(manifest.object)));
  const order = (a: ChangedWorkload, b: ChangedWorkload) => compare(a.kind, b.kind) || compare(a.namespace, b.namespace) || compare(a.name, b.name);
  return { workloads: workloads.sort(order), otherChanges: otherChanges.sort(compare), removed };
}

/**
 * The objects of kinds the sandbox does not serve that were added, removed or changed between the releases, by key
 * (they are not loaded, only reported).
 */
export function unservedChanges(from: readonly KubeObject[], to: readonly KubeObject[]): string[] {
  const keyed = (objects: readonly KubeObject[]) => new Map(objects.map((object) => [objectKey(object), object]));
  const [old, next] = [keyed(from), keyed(to)];
  const changed = [...next].filter(([key, object]) => !old.has(key) || !sameJson(old.get(key)!, object)).map(([key]) => key);
  const removed = [...old.keys()].filter((key) => !next.has(key));
  return [...changed, ...removed].sort(compare);
}

/** `Kind/namespace/name`, or `Kind/name` for a cluster-scoped object: how the report names an object. */
export function objectKey(object: KubeObject): string {
  const { namespace, name } = object.metadata;
  return namespace ? `${object.kind}/${namespace}/${name}` : `${object.kind}/${name}`;
}

function byKey(manifests: readonly ManifestObject[], release: string): Map<string, ManifestObject> {
  const objects = new Map<string, ManifestObject>();
  for (const manifest of manifests) {
    const key = objectKey(manifest.object);
    if (objects.has(key)) {
      throw new RuntimeError('bad-input', `${release}: ${key} appears twice; each object may appear once in a release`);
    }
    objects.set(key, manifest);
  }
  return objects;
}

function withoutTemplate(object: KubeObject): KubeObject {
  return { ...object, spec: { ...object.spec, template: undefined } };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
