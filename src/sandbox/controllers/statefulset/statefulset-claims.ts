// PersistentVolumeClaims of StatefulSet pods (volumeClaimTemplates) and the owner references that
// implement `persistentVolumeClaimRetentionPolicy` (stateful_set_utils.go: getPersistentVolumeClaims,
// isClaimOwnerUpToDate, updateClaimOwnerRefForSetAndPod): the garbage collector deletes a claim once
// the owner the policy names (the set when it is deleted, the pod when it is scaled away) is gone.
import type { KubeObject, OwnerReference } from '../../api';
import { newControllerRef } from '../owner-references';
import { ordinalOf, persistentVolumeClaimName, podInOrdinalRange } from './statefulset-identity';

/** What happens to a pod's claims when the set is deleted or scaled down. */
export enum ClaimRetention {
  /** The claim stays (the default). */
  RETAIN = 'Retain',
  /** The claim is garbage collected with its owner. */
  DELETE = 'Delete',
}

/** The set's `persistentVolumeClaimRetentionPolicy`, both fields defaulting to Retain. */
export function claimRetentionPolicy(set: KubeObject): { whenDeleted: ClaimRetention; whenScaled: ClaimRetention } {
  const policy = set.spec?.persistentVolumeClaimRetentionPolicy ?? {};
  return {
    whenDeleted: policy.whenDeleted === ClaimRetention.DELETE ? ClaimRetention.DELETE : ClaimRetention.RETAIN,
    whenScaled: policy.whenScaled === ClaimRetention.DELETE ? ClaimRetention.DELETE : ClaimRetention.RETAIN,
  };
}

/** The claims `pod` needs, built from the set's volumeClaimTemplates (labels include the set's selector labels). */
export function claimsForPod(set: KubeObject, pod: KubeObject): KubeObject[] {
  const ordinal = ordinalOf(pod);
  const selectorLabels: Record<string, string> = set.spec?.selector?.matchLabels ?? {};
  return (set.spec?.volumeClaimTemplates ?? []).map((template: KubeObject) => ({
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: {
      ...(template.metadata?.annotations ? { annotations: { ...template.metadata.annotations } } : {}),
      name: persistentVolumeClaimName(set, template, ordinal),
      namespace: set.metadata.namespace,
      labels: { ...(template.metadata?.labels ?? {}), ...selectorLabels },
    },
    spec: structuredClone(template.spec ?? {}),
  }));
}

/**
 * The owner references `claim` should have under the set's retention policy, or undefined when the
 * claim must be left alone (a reference to an earlier incarnation of the set or pod means the claim
 * belongs to someone else's history; upstream does not touch it either).
 */
export function desiredClaimOwnerRefs(claim: KubeObject, set: KubeObject, pod: KubeObject): OwnerReference[] | undefined {
  const refs = claim.metadata.ownerReferences ?? [];
  if (hasStaleOwnerRef(claim, set) || hasStaleOwnerRef(claim, pod)) {
    return undefined;
  }
  const kept = refs.filter((ref) => !isRefTo(ref, set) && !isRefTo(ref, pod));
  // Another controller manages the claim: our references are scrubbed and none are added.
  if (hasUnexpectedController(claim, set, pod)) {
    return kept;
  }
  const policy = claimRetentionPolicy(set);
  const scaledDown = !podInOrdinalRange(pod, set);
  const desired = [...kept];
  if (policy.whenDeleted === ClaimRetention.DELETE && !(policy.whenScaled === ClaimRetention.DELETE && scaledDown)) {
    desired.push(newControllerRef(set));
  }
  if (policy.whenScaled === ClaimRetention.DELETE && scaledDown) {
    desired.push(newControllerRef(pod));
  }
  return desired;
}

/** Whether two owner reference lists name the same owners with the same controller flags. */
export function sameOwnerRefs(left: readonly OwnerReference[], right: readonly OwnerReference[]): boolean {
  const describe = (refs: readonly OwnerReference[]) => refs.map((ref) => `${ref.uid}:${ref.controller === true}`).sort().join(',');
  return describe(left) === describe(right);
}

/**
 * Whether a claim that already exists must not be reused by `pod`, which is about to be created
 * (`PodClaimIsStale`): under whenScaled=Delete a claim still owned by an earlier incarnation of the
 * pod is about to be garbage collected with it.
 */
export function claimIsStale(claim: KubeObject, set: KubeObject, pod: KubeObject): boolean {
  return claimRetentionPolicy(set).whenScaled !== ClaimRetention.RETAIN && hasStaleOwnerRef(claim, pod);
}

/**
 * Whether, under a retention policy that is not Retain/Retain, the claim has a controller other
 * than the set or the pod (`hasUnexpectedController`); the policy is then ignored for the claim.
 */
export function hasUnexpectedController(claim: KubeObject, set: KubeObject, pod: KubeObject): boolean {
  const policy = claimRetentionPolicy(set);
  if (policy.whenScaled === ClaimRetention.RETAIN && policy.whenDeleted === ClaimRetention.RETAIN) {
    return false;
  }
  return (claim.metadata.ownerReferences ?? []).some((ref) => {
    if (isRefTo(ref, set)) {
      return ref.uid !== set.metadata.uid;
    }
    if (isRefTo(ref, pod)) {
      return ref.uid !== pod.metadata.uid;
    }
    return ref.controller === true;
  });
}

/** `matchesRef`: the reference names `owner` by API version, kind and name (whatever its uid). */
function isRefTo(ref: OwnerReference, owner: KubeObject): boolean {
  return ref.kind === owner.kind && ref.name === owner.metadata.name && ref.apiVersion === owner.apiVersion;
}

/** `hasStaleOwnerRef`: the first reference naming `owner` carries another uid (an earlier incarnation, or a pod not yet created). */
function hasStaleOwnerRef(claim: KubeObject, owner: KubeObject): boolean {
  const ref = (claim.metadata.ownerReferences ?? []).find((candidate) => isRefTo(candidate, owner));
  return ref !== undefined && ref.uid !== owner.metadata.uid;
}
