// The StatefulSet controller's writes (stateful_pod_control.go): pods and their claims are created,
// updated and deleted through the API, each recorded as an event on the set exactly as upstream words
// them ("create Pod kafka-0 in StatefulSet kafka successful").
import { ApiError, RESOURCES } from '../../api';
import type { KubeObject, OwnerReference, SandboxApi } from '../../api';
import type { EventRecorder } from '../event-recorder';
import type { ObjectCache } from '../object-cache';
import { RetryableError } from '../work-queue';
import { claimIsStale, claimsForPod, desiredClaimOwnerRefs, hasUnexpectedController, sameOwnerRefs } from './statefulset-claims';
import { identityMatches, storageMatches, withIdentity, withStorage } from './statefulset-identity';

/** Creates, updates and deletes StatefulSet pods and their claims. */
export class StatefulPodControl {
  constructor(
    private readonly api: SandboxApi,
    private readonly claims: ObjectCache,
    private readonly recorder: EventRecorder,
  ) {}

  /**
   * Creates the pod's missing claims, then the pod, then gives the claims the owner references the
   * retention policy asks for (which may name the pod, so only once it has a uid).
   */
  public createStatefulPod(set: KubeObject, pod: KubeObject): void {
    try {
      this.createClaims(set, pod);
    } catch (error) {
      this.recordPodEvent('create', set, pod, error);
      throw error;
    }
    let created: KubeObject;
    try {
      created = this.api.create(RESOURCES.pods, pod);
    } catch (error) {
      // An existing pod is not news: the next sync sees it in the cache.
      if (error instanceof ApiError && error.reason === 'AlreadyExists') {
        return;
      }
      this.recordPodEvent('create', set, pod, error);
      throw error;
    }
    try {
      this.updateClaimsForRetentionPolicy(set, created);
    } catch (error) {
      this.recordPodEvent('update', set, pod, error);
      throw error;
    }
    this.recordPodEvent('create', set, pod);
  }

  /**
   * Whether an existing claim of a pod about to be created still belongs to an earlier incarnation of
   * the pod under whenScaled=Delete (`PodClaimIsStale`).
   */
  public podClaimIsStale(set: KubeObject, pod: KubeObject): boolean {
    return claimsForPod(set, pod).some((wanted) => {
      const claim = this.claims.get(wanted.metadata.namespace, wanted.metadata.name!);
      return claim !== undefined && claimIsStale(claim, set, pod);
    });
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
        this.createClaims(set, updated);
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

  /**
   * Creates the claims of a Pending pod that are missing, e.g. after someone deleted them, and conforms
   * their owner references to the retention policy (`createMissingPersistentVolumeClaims`).
   */
  public createMissingClaims(set: KubeObject, pod: KubeObject): void {
    this.createClaims(set, pod);
    try {
      this.updateClaimsForRetentionPolicy(set, pod);
    } catch (error) {
      this.recordPodEvent('update', set, pod, error);
      throw error;
    }
  }

  /** Whether every existing claim of the pod carries the owner references the retention policy asks for. */
  public claimsMatchRetentionPolicy(set: KubeObject, pod: KubeObject): boolean {
    // Asked of every pod on every sync: without claim templates there is nothing to look at.
    return !set.spec?.volumeClaimTemplates?.length || this.claimsToFix(set, pod).length === 0;
  }

  /**
   * Rewrites the owner references of the pod's claims to match the retention policy, warning about
   * claims another controller manages (`UpdatePodClaimForRetentionPolicy`).
   */
  public updateClaimsForRetentionPolicy(set: KubeObject, pod: KubeObject): void {
    for (const wanted of claimsForPod(set, pod)) {
      const claim = this.claims.get(wanted.metadata.namespace, wanted.metadata.name!);
      if (claim && hasUnexpectedController(claim, set, pod)) {
        this.recorder.warning(set, 'ConflictingController', `PersistentVolumeClaim ${claim.metadata.name} has a conflicting OwnerReference that acts as a manging controller, the retention policy is ignored for this claim`);
      }
    }
    for (const { claim, refs } of this.claimsToFix(set, pod)) {
      this.api.update(RESOURCES.persistentVolumeClaims, { ...claim, metadata: { ...claim.metadata, ownerReferences: refs } });
    }
  }

  // `createPersistentVolumeClaims`: claims are created without owner references; the retention
  // policy's references are added once the pod exists. Upstream words the events "create" whether a
  // pod is being created or updated.
  private createClaims(set: KubeObject, pod: KubeObject): void {
    for (const claim of claimsForPod(set, pod)) {
      const existing = this.claims.get(claim.metadata.namespace, claim.metadata.name!);
      if (existing) {
        if (existing.metadata.deletionTimestamp) {
          throw new RetryableError(`pvc ${claim.metadata.name} is being deleted`);
        }
        continue;
      }
      try {
        this.api.create(RESOURCES.persistentVolumeClaims, claim);
      } catch (error) {
        if (error instanceof ApiError && error.reason === 'AlreadyExists') {
          continue;
        }
        this.recorder.warning(set, 'FailedCreate', `create Claim ${claim.metadata.name} for Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} failed error: ${(error as Error).message}`);
        throw error;
      }
      this.recorder.normal(set, 'SuccessfulCreate', `create Claim ${claim.metadata.name} Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} success`);
    }
  }

  private claimsToFix(set: KubeObject, pod: KubeObject): Array<{ claim: KubeObject; refs: OwnerReference[] }> {
    const fixes: Array<{ claim: KubeObject; refs: OwnerReference[] }> = [];
    if (!set.spec?.volumeClaimTemplates?.length) {
      return fixes;
    }
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
