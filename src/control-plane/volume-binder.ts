// A stand-in for a dynamic provisioner on the real control plane: kwok runs no storage, and without a volume a
// StatefulSet pod whose claim is unbound never schedules ("pod has unbound immediate PersistentVolumeClaims").
// For each pending claim it creates a hostPath PersistentVolume pre-bound to the claim, with the claim's size,
// access modes and class; kube-controller-manager's PersistentVolume controller then binds the two, as it would
// a provisioned volume. The sandbox binds claims directly (src/sandbox/controllers/volume-provisioner.ts).
import type { ControlPlaneApiClient } from './api-client';

const POLL_MS = 250;

/** Creates volumes for pending claims until stopped. */
export class VolumeBinder {
  private stopped = false;
  private readonly loop: Promise<void>;

  constructor(private readonly api: ControlPlaneApiClient) {
    this.loop = this.run();
  }

  /** Stops creating volumes. */
  public async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      try {
        await this.bindPending();
      } catch {
        // the API server may be stopping or restarting; the next round tries again
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }

  private async bindPending(): Promise<void> {
    const claims = await this.api.expect('GET', '/api/v1/persistentvolumeclaims');
    for (const claim of claims.items ?? []) {
      if (claim.spec?.volumeName || claim.metadata.deletionTimestamp || claim.status?.phase !== 'Pending') {
        continue;
      }
      const name = `pv-${claim.metadata.uid}`;
      await this.api.expect('POST', '/api/v1/persistentvolumes', {
        apiVersion: 'v1',
        kind: 'PersistentVolume',
        metadata: { name, labels: { 'cdk8s-staged-rollouts.io/volume-binder': 'true' } },
        spec: {
          capacity: { storage: claim.spec?.resources?.requests?.storage ?? '1Gi' },
          accessModes: claim.spec?.accessModes ?? ['ReadWriteOnce'],
          storageClassName: claim.spec?.storageClassName ?? '',
          persistentVolumeReclaimPolicy: 'Retain',
          hostPath: { path: `/var/lib/kwok-volumes/${name}` },
          claimRef: { apiVersion: 'v1', kind: 'PersistentVolumeClaim', namespace: claim.metadata.namespace, name: claim.metadata.name, uid: claim.metadata.uid },
        },
      }, [409]);
    }
  }
}
