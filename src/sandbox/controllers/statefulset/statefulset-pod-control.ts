// The StatefulSet controller's writes (stateful_pod_control.go): pods and their claims are created,
// updated and deleted through the API, each recorded as an event on the set exactly as upstream words
// them ("create Pod kafka-0 in StatefulSet kafka successful").
import { ApiError, RESOURCES } from '../../api';
import type { KubeObject, OwnerReference, SandboxApi } from '../../api';
import type { EventRecorder } from '../event-recorder';
import type { ObjectCache } from '../object-cache';
import { RetryableError } from '../work-queue';
import { claimsForPod, desiredClaimOwnerRefs, sameOwnerRefs } from './statefulset-claims';
import { identityMatches, storageMatches, withIdentity, withStorage } from './statefulset-identity';

/** Creates, updates and deletes StatefulSet pods and their claims. */
export class StatefulPodControl {
  constructor(
    private readonly api: SandboxApi,
    private readonly claims: ObjectCache,
    private readonly recorder: EventRecorder,
  ) {}

  /** Creates the pod's missing claims, then the pod. */
  public createStatefulPod(set: KubeObject, pod: KubeObject): void {
    this.createMissingClaims(set, pod, 'create');
    try {
      this.api.create(RESOURCES.pods, pod);
    } catch (error) {
      // An existing pod is not news: the next sync sees it in the cache.
      if (error instanceof ApiError && error.reason === 'AlreadyExists') {
        return;
      }
      this.recordPodEvent('create', set, pod, error);
      throw error;
    }
    this.recordPodEvent('create', set, pod);
  }

  /**
   * Conforms the pod's identity, storage and claim ownership to the set, creating missing claims
   * (`UpdateStatefulPod`).
   */
  public updateStatefulPod(set: KubeObject, pod: KubeObject): void {
    let updated = pod;
    if (!identityMatches(set, updated)) {
      updated = withIdentity(set, updated);
    }
    try {
      if (!storageMatches(set, updated)) {
        updated = withStorage(set, updated);
        this.createMissingClaims(set, updated, 'update');
      }
      const claimFixes = this.claimsToFix(set, updated);
      for (const { claim, refs } of claimFixes) {
        this.api.update(RESOURCES.persistentVolumeClaims, { ...claim, metadata: { ...claim.metadata, ownerReferences: refs } });
      }
      if (updated === pod && claimFixes.length === 0) {
        return;
      }
      if (updated !== pod) {
        this.api.update(RESOURCES.pods, updated);
      }
    } catch (error) {
      this.recordPodEvent('update', set, pod, error);
      throw error;
    }
    this.recordPodEvent('update', set, pod);
  }

  /** Deletes the pod with its default grace period; its claims stay. */
  public deleteStatefulPod(set: KubeObject, pod: KubeObject): void {
    try {
      this.api.delete(RESOURCES.pods, pod.metadata.namespace, pod.metadata.name!, { preconditions: { uid: pod.metadata.uid } });
    } catch (error) {
      if (error instanceof ApiError && error.reason === 'NotFound') {
        return;
      }
      this.recordPodEvent('delete', set, pod, error);
      throw error;
    }
    this.recordPodEvent('delete', set, pod);
  }

  /** Creates the claims of a pod that are missing, e.g. after someone deleted them while the pod was Pending. */
  public createMissingClaims(set: KubeObject, pod: KubeObject, verb: 'create' | 'update' = 'create'): void {
    for (const claim of claimsForPod(set, pod)) {
      const existing = this.claims.get(claim.metadata.namespace, claim.metadata.name!);
      if (existing) {
        if (existing.metadata.deletionTimestamp) {
          throw new RetryableError(`pvc ${claim.metadata.name} is being deleted`);
        }
        continue;
      }
      const refs = desiredClaimOwnerRefs(claim, set, pod) ?? [];
      const toCreate = refs.length > 0 ? { ...claim, metadata: { ...claim.metadata, ownerReferences: refs } } : claim;
      try {
        this.api.create(RESOURCES.persistentVolumeClaims, toCreate);
      } catch (error) {
        if (error instanceof ApiError && error.reason === 'AlreadyExists') {
          continue;
        }
        this.recorder.warning(set, 'FailedCreate', `${verb} Claim ${claim.metadata.name} for Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} failed error: ${(error as Error).message}`);
        throw error;
      }
      this.recorder.normal(set, 'SuccessfulCreate', `${verb} Claim ${claim.metadata.name} Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} success`);
    }
  }

  /** Whether every existing claim of the pod carries the owner references the retention policy asks for. */
  public claimsMatchRetentionPolicy(set: KubeObject, pod: KubeObject): boolean {
    return this.claimsToFix(set, pod).length === 0;
  }

  /** Rewrites the owner references of the pod's claims to match the retention policy. */
  public updateClaimsForRetentionPolicy(set: KubeObject, pod: KubeObject): void {
    for (const { claim, refs } of this.claimsToFix(set, pod)) {
      this.api.update(RESOURCES.persistentVolumeClaims, { ...claim, metadata: { ...claim.metadata, ownerReferences: refs } });
    }
  }

  private claimsToFix(set: KubeObject, pod: KubeObject): Array<{ claim: KubeObject; refs: OwnerReference[] }> {
    const fixes: Array<{ claim: KubeObject; refs: OwnerReference[] }> = [];
    for (const wanted of claimsForPod(set, pod)) {
      const claim = this.claims.get(wanted.metadata.namespace, wanted.metadata.name!);
      if (!claim) {
        continue;
      }
      const refs = desiredClaimOwnerRefs(claim, set, pod);
      if (refs && !sameOwnerRefs(refs, claim.metadata.ownerReferences ?? [])) {
        fixes.push({ claim, refs });
      }
    }
    return fixes;
  }

  private recordPodEvent(verb: 'create' | 'update' | 'delete', set: KubeObject, pod: KubeObject, error?: unknown): void {
    const title = verb[0].toUpperCase() + verb.slice(1);
    if (error === undefined) {
      this.recorder.normal(set, `Successful${title}`, `${verb} Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} successful`);
    } else {
      this.recorder.warning(set, `Failed${title}`, `${verb} Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} failed error: ${(error as Error).message}`);
    }
  }
}
