// A volume provisioner and the PersistentVolume controller's binding, so StatefulSets with volumeClaimTemplates behave
// as on a cluster that provisions storage: every pending claim gets a hostPath PersistentVolume named after its uid,
// pre-bound to it (claimRef), with the claim's size, access modes and class (the real control plane's stand-in,
// src/control-plane/volume-binder.ts, creates the same volume); then, as pkg/controller/volume/persistentvolume's
// syncClaim/bind does, the claim gets volumeName and the bind-completed and bound-by-controller annotations, both go
// Bound, and the claim's status takes the volume's capacity and access modes. The volume's reclaim policy is Retain:
// when its claim is deleted it becomes Released and stays.
import { ApiError, RESOURCES } from '../api';
import type { KubeObject, SandboxApi } from '../api';
import type { SandboxClock } from '../clock';
import type { CacheSet, ObjectCache } from './object-cache';
import { keyOf } from './owner-references';
import { WorkQueue } from './work-queue';

/** The annotations the PersistentVolume controller sets on a claim it binds (pvutil.AnnBindCompleted, AnnBoundByController). */
export const BIND_COMPLETED_ANNOTATION = 'pv.kubernetes.io/bind-completed';
/** See {@link BIND_COMPLETED_ANNOTATION}. */
export const BOUND_BY_CONTROLLER_ANNOTATION = 'pv.kubernetes.io/bound-by-controller';

/** The label marking volumes the provisioner created (as the real control plane's volume binder labels them). */
export const PROVISIONED_VOLUME_LABEL = 'cdk8s-staged-rollouts.io/volume-binder';

/** What the provisioner needs from its host. */
export interface VolumeProvisionerOptions {
  /** The API to write through. */
  readonly api: SandboxApi;
  /** The clock that runs the work queue. */
  readonly clock: SandboxClock;
  /** The shared caches. */
  readonly caches: CacheSet;
  /** Decides whether a failed attempt is retried. */
  readonly isRetryable: (error: unknown) => boolean;
}

/** Provisions and binds volumes for pending claims; releases volumes whose claim is gone. */
export class VolumeProvisioner {
  private readonly claims: ObjectCache;
  private readonly volumes: ObjectCache;
  private readonly queue: WorkQueue;

  constructor(private readonly options: VolumeProvisionerOptions) {
    this.claims = options.caches.of(RESOURCES.persistentVolumeClaims);
    this.volumes = options.caches.of(RESOURCES.persistentVolumes);
    this.queue = new WorkQueue({ clock: options.clock, reconcile: (key) => this.sync(key), isRetryable: options.isRetryable });
    this.claims.addListener((event) => {
      const claim = event.object;
      if (event.type === 'DELETED' || claim.status?.phase !== 'Bound') {
        this.queue.add(`claim|${keyOf(claim)}`);
      }
      if (event.type === 'DELETED' && claim.spec?.volumeName) {
        this.queue.add(`volume|${claim.spec.volumeName}`);
      }
    });
  }

  /** Stops provisioning. */
  public stop(): void {
    this.queue.stop();
  }

  private sync(key: string): void {
    const [kind, name] = [key.slice(0, key.indexOf('|')), key.slice(key.indexOf('|') + 1)];
    try {
      if (kind === 'volume') {
        this.releaseIfClaimGone(name);
        return;
      }
      const claim = this.claims.getByKey(name);
      if (claim && !claim.metadata.deletionTimestamp && claim.status?.phase !== 'Bound') {
        this.bind(claim, this.volumeFor(claim));
      }
    } catch (error) {
      // The claim or volume went away meanwhile: nothing left to do.
      if (!(error instanceof ApiError && error.code === 404)) {
        throw error;
      }
    }
  }

  // The claim's volume: the one it names, or a new one pre-bound to it.
  private volumeFor(claim: KubeObject): KubeObject {
    const name = claim.spec?.volumeName || `pv-${claim.metadata.uid}`;
    const existing = this.volumes.get(undefined, name);
    if (existing) {
      return existing;
    }
    return this.options.api.create(RESOURCES.persistentVolumes, {
      apiVersion: 'v1',
      kind: 'PersistentVolume',
      metadata: { name, labels: { [PROVISIONED_VOLUME_LABEL]: 'true' } },
      spec: {
        capacity: { storage: claim.spec?.resources?.requests?.storage ?? '1Gi' },
        accessModes: claim.spec?.accessModes ?? ['ReadWriteOnce'],
        ...(claim.spec?.storageClassName ? { storageClassName: claim.spec.storageClassName } : {}),
        persistentVolumeReclaimPolicy: 'Retain',
        hostPath: { path: `/var/lib/kwok-volumes/${name}` },
        claimRef: {
          apiVersion: 'v1',
          kind: 'PersistentVolumeClaim',
          namespace: claim.metadata.namespace,
          name: claim.metadata.name,
          uid: claim.metadata.uid,
        },
      },
    });
  }

  // bind: the volume's status, the claim's volumeName and annotations, then the claim's status.
  private bind(claim: KubeObject, volume: KubeObject): void {
    const { api } = this.options;
    if (volume.status?.phase !== 'Bound') {
      api.updateStatus(RESOURCES.persistentVolumes, { ...volume, status: { ...(volume.status ?? {}), phase: 'Bound' } });
    }
    let bound = claim;
    if (claim.spec?.volumeName !== volume.metadata.name || claim.metadata.annotations?.[BIND_COMPLETED_ANNOTATION] !== 'yes') {
      bound = api.update(RESOURCES.persistentVolumeClaims, {
        ...claim,
        metadata: {
          ...claim.metadata,
          annotations: {
            ...(claim.metadata.annotations ?? {}),
            [BIND_COMPLETED_ANNOTATION]: 'yes',
            ...(claim.spec?.volumeName ? {} : { [BOUND_BY_CONTROLLER_ANNOTATION]: 'yes' }),
          },
        },
        spec: { ...claim.spec, volumeName: volume.metadata.name },
      });
    }
    api.updateStatus(RESOURCES.persistentVolumeClaims, {
      ...bound,
      status: {
        ...(bound.status ?? {}),
        phase: 'Bound',
        accessModes: volume.spec?.accessModes,
        capacity: volume.spec?.capacity,
      },
    });
  }

  // A Retain volume whose claim no longer exists is Released (the claim reference stays, as upstream).
  private releaseIfClaimGone(name: string): void {
    const volume = this.volumes.get(undefined, name);
    const ref = volume?.spec?.claimRef;
    if (!volume || !ref || volume.status?.phase === 'Released') {
      return;
    }
    const claim = this.claims.get(ref.namespace, ref.name);
    if (claim && claim.metadata.uid === ref.uid) {
      return;
    }
    this.options.api.updateStatus(RESOURCES.persistentVolumes, { ...volume, status: { ...(volume.status ?? {}), phase: 'Released' } });
  }
}
