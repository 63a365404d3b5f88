// StatefulSet pod identity (stateful_set_utils.go): ordinals parsed from pod names, stable names and
// hostnames, the pod-name and pod-index labels, PVC-backed volumes, and the revision a new pod is
// created at (`newVersionedStatefulSetPod`, which carries the partition and scale-up rules).
import { POD_INDEX_LABEL, POD_REVISION_LABEL, STATEFULSET_POD_NAME_LABEL } from '../../../internal/well-known-labels';
import type { KubeObject } from '../../api';
import { newControllerRef } from '../owner-references';


const STATEFUL_POD_NAME = /^(.*)-([0-9]+)$/;

// Every sync parses the name of every pod of the set several times; names repeat across syncs, so the
// parses are remembered (and forgotten wholesale past a bound, so the map cannot grow without limit).
const PARSED_NAMES_LIMIT = 100_000;
const parsedNames = new Map<string, { readonly parent: string; readonly ordinal: number }>();

/** The parent StatefulSet name and ordinal encoded in a pod name, or ordinal -1 when there is none. */
export function parentNameAndOrdinal(podName: string): { readonly parent: string; readonly ordinal: number } {
  let parsed = parsedNames.get(podName);
  if (parsed === undefined) {
    const match = STATEFUL_POD_NAME.exec(podName);
    const ordinal = match ? Number(match[2]) : -1;
    parsed = match ? { parent: match[1], ordinal: ordinal <= 2 ** 31 - 1 ? ordinal : -1 } : { parent: '', ordinal: -1 };
    if (parsedNames.size >= PARSED_NAMES_LIMIT) {
      parsedNames.clear();
    }
    parsedNames.set(podName, parsed);
  }
  return parsed;
}

/** The pod's ordinal, or -1. */
export function ordinalOf(pod: KubeObject): number {
  return parentNameAndOrdinal(pod.metadata.name ?? '').ordinal;
}

/** `spec.replicas`, defaulting to 1 as the API does. */
export function replicasOf(set: KubeObject): number {
  return set.spec?.replicas ?? 1;
}

/** The first ordinal (`spec.ordinals.start`, default 0). */
export function startOrdinal(set: KubeObject): number {
  return set.spec?.ordinals?.start ?? 0;
}

/** The last ordinal, inclusive. */
export function endOrdinal(set: KubeObject): number {
  return startOrdinal(set) + replicasOf(set) - 1;
}

/** Whether the pod's ordinal lies in `[start, end]`. */
export function podInOrdinalRange(pod: KubeObject, set: KubeObject): boolean {
  const ordinal = ordinalOf(pod);
  return ordinal >= startOrdinal(set) && ordinal <= endOrdinal(set);
}

/** `<set>-<ordinal>`. */
export function statefulPodName(set: KubeObject, ordinal: number): string {
  return `${set.metadata.name}-${ordinal}`;
}

/** The name of the claim `<template>-<set>-<ordinal>` (also what volume zone spreading keys on upstream). */
export function persistentVolumeClaimName(set: KubeObject, claimTemplate: KubeObject, ordinal: number): string {
  return `${claimTemplate.metadata?.name}-${set.metadata.name}-${ordinal}`;
}

/** The `controller-revision-hash` label of a pod, or ''. */
export function podRevision(pod: KubeObject): string {
  return pod.metadata.labels?.[POD_REVISION_LABEL] ?? '';
}

/** Whether the pod has the name, namespace and pod-name label of a member of the set. */
export function identityMatches(set: KubeObject, pod: KubeObject): boolean {
  const { parent, ordinal } = parentNameAndOrdinal(pod.metadata.name ?? '');
  return ordinal >= 0
    && parent === set.metadata.name
    && pod.metadata.name === statefulPodName(set, ordinal)
    && pod.metadata.namespace === set.metadata.namespace
    && pod.metadata.labels?.[STATEFULSET_POD_NAME_LABEL] === pod.metadata.name;
}

/**
 * Whether the pod mounts every claim of the set's volumeClaimTemplates under the template's name. `ordinal` is the
 * pod's (a sync that has it at hand passes it: this runs for every pod on every sync).
 */
export function storageMatches(set: KubeObject, pod: KubeObject, ordinal: number = ordinalOf(pod)): boolean {
  if (ordinal < 0) {
    return false;
  }
  const templates: readonly KubeObject[] | undefined = set.spec?.volumeClaimTemplates;
  return templates === undefined || templates.length === 0 || mountsClaims(set, pod, templates, ordinal);
}

// Apart from storageMatches, which runs for every pod on every sync: the closure here would make every call of it
// allocate a context, templates or not.
function mountsClaims(set: KubeObject, pod: KubeObject, templates: readonly KubeObject[], ordinal: number): boolean {
  const volumes = new Map<string, any>((pod.spec?.volumes ?? []).map((volume: any) => [volume.name, volume]));
  return templates.every((claim) => {
    const volume = volumes.get(claim.metadata?.name ?? '');
    return volume?.persistentVolumeClaim?.claimName === persistentVolumeClaimName(set, claim, ordinal);
  });
}

/** The pod with its name, namespace and identity labels conformed to the set (`updateIdentity`). */
export function withIdentity(set: KubeObject, pod: KubeObject): KubeObject {
  const ordinal = ordinalOf(pod);
  const name = statefulPodName(set, ordinal);
  return {
    ...pod,
    metadata: {
      ...pod.metadata,
      name,
      namespace: set.metadata.namespace,
      labels: { ...(pod.metadata.labels ?? {}), [STATEFULSET_POD_NAME_LABEL]: name, [POD_INDEX_LABEL]: String(ordinal) },
    },
  };
}

/** The pod with one PVC volume per claim template, replacing same-named volumes (`updateStorage`). */
export function withStorage(set: KubeObject, pod: KubeObject): KubeObject {
  const ordinal = ordinalOf(pod);
  const templates: KubeObject[] = set.spec?.volumeClaimTemplates ?? [];
  if (templates.length === 0) {
    return pod;
  }
  const claimVolumes = templates.map((claim) => ({
    name: claim.metadata?.name,
    persistentVolumeClaim: { claimName: persistentVolumeClaimName(set, claim, ordinal) },
  }));
  const claimed = new Set(claimVolumes.map((volume) => volume.name));
  const others = (pod.spec?.volumes ?? []).filter((volume: any) => !claimed.has(volume.name));
  return { ...pod, spec: { ...pod.spec, volumes: [...claimVolumes, ...others] } };
}

/** A new pod of `set` (whose template is the one to use) for `ordinal` (`newStatefulSetPod`). */
export function newStatefulSetPod(set: KubeObject, ordinal: number): KubeObject {
  const template = set.spec?.template ?? {};
  const name = statefulPodName(set, ordinal);
  const pod: KubeObject = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      generateName: `${set.metadata.name}-`,
      namespace: set.metadata.namespace,
      labels: { ...(template.metadata?.labels ?? {}) },
      ...(template.metadata?.annotations ? { annotations: { ...template.metadata.annotations } } : {}),
      ...(template.metadata?.finalizers ? { finalizers: [...template.metadata.finalizers] } : {}),
      ownerReferences: [newControllerRef(set)],
    },
    // A shallow copy: nothing here or after changes the template's parts in place (the store copies what it is
    // given), and a sync plans a pod for every missing ordinal, whether or not it then creates one.
    spec: { ...(template.spec ?? {}) },
  };
  pod.spec.hostname = name;
  if (set.spec?.serviceName) {
    pod.spec.subdomain = set.spec.serviceName;
  }
  return withStorage(set, withIdentity(set, pod));
}

/**
 * The pod for `ordinal` at the right revision (`newVersionedStatefulSetPod`): below the partition it
 * is created from the current revision, at or above it (so also on scale-up past a staged partition)
 * from the update revision. OnDelete always creates from the update revision.
 */
export function newVersionedStatefulSetPod(
  currentSet: KubeObject, updateSet: KubeObject, currentRevision: string, updateRevision: string, ordinal: number,
): KubeObject {
  const strategy = currentSet.spec?.updateStrategy ?? {};
  const rollingUpdate = strategy.rollingUpdate;
  const start = startOrdinal(currentSet);
  const atCurrentRevision = (strategy.type === 'RollingUpdate' && rollingUpdate == null && ordinal < start + (currentSet.status?.currentReplicas ?? 0))
    || (rollingUpdate != null && ordinal < start + (rollingUpdate.partition ?? 0));
  const pod = newStatefulSetPod(atCurrentRevision ? currentSet : updateSet, ordinal);
  pod.metadata.labels![POD_REVISION_LABEL] = atCurrentRevision ? currentRevision : updateRevision;
  return pod;
}
