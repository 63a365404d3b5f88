// A dynamic provisioner stand-in: every PersistentVolumeClaim is bound as soon as it exists, to a
// volume named after the claim's uid with the requested capacity, so StatefulSets with
// volumeClaimTemplates behave as on a cluster with a default StorageClass.
import { ApiError, RESOURCES } from '../api';
import type { SandboxApi } from '../api';
import type { SandboxClock } from '../clock';
import type { CacheSet, ObjectCache } from './object-cache';
import { keyOf } from './owner-references';
import { WorkQueue } from './work-queue';

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

/** Binds pending claims. */
export class VolumeProvisioner {
  private readonly claims: ObjectCache;
  private readonly queue: WorkQueue;

  constructor(private readonly options: VolumeProvisionerOptions) {
    this.claims = options.caches.of(RESOURCES.persistentVolumeClaims);
    this.queue = new WorkQueue({ clock: options.clock, reconcile: (key) => this.bind(key), isRetryable: options.isRetryable });
    this.claims.addListener((event) => {
      if (event.type !== 'DELETED' && event.object.status?.phase !== 'Bound') {
        this.queue.add(keyOf(event.object));
      }
    });
  }

  /** Stops binding. */
  public stop(): void {
    this.queue.stop();
  }

  private bind(key: string): void {
    const claim = this.claims.getByKey(key);
    if (!claim || claim.metadata.deletionTimestamp || claim.status?.phase === 'Bound') {
      return;
    }
    const storage = claim.spec?.resources?.requests?.storage;
    try {
      this.options.api.updateStatus(RESOURCES.persistentVolumeClaims, {
        ...claim,
        status: {
          ...(claim.status ?? {}),
          phase: 'Bound',
          accessModes: claim.spec?.accessModes ?? ['ReadWriteOnce'],
          ...(storage !== undefined ? { capacity: { storage } } : {}),
        },
      });
    } catch (error) {
      if (!(error instanceof ApiError && error.code === 404)) {
        throw error;
      }
    }
  }
}
