// A DaemonSet's revision history (update.go: constructHistory, snapshot, dedupCurHistories,
// cleanupHistory). The current revision is the one whose stored template equals the live template;
// when an older revision matches (a rollback, e.g. `kubectl rollout undo --to-revision=2`), it is
// renumbered to one past the highest other revision, so history reads 1, 3, 4 afterwards. Revisions
// copy the DaemonSet's annotations when created, which is how `kubernetes.io/change-cause` reaches
// `kubectl rollout history`.
import { goJson } from '../../../internal/go-json';
import { labelSelectorMatches } from '../../../internal/label-selector';
import { POD_REVISION_LABEL } from '../../../internal/well-known-labels';
import { ApiError, RESOURCES } from '../../api';
import type { KubeObject, SandboxApi } from '../../api';
import { computeTemplateHash, newControllerRevision, revisionData, templatePatch } from '../controller-revision';
import type { ObjectCache } from '../object-cache';
import { CONTROLLER_INDEX, ORPHAN_INDEX } from '../owner-indexes';
import { newControllerRef } from '../owner-references';
import { RetryableError } from '../work-queue';

/** The current revision and the others. */
export interface DaemonSetRevisions {
  /** The revision of the live template. */
  readonly current: KubeObject;
  /** All other revisions. */
  readonly old: KubeObject[];
}

/** Reads and writes the ControllerRevisions of DaemonSets. */
export class DaemonSetHistory {
  constructor(private readonly api: SandboxApi, private readonly revisions: ObjectCache, private readonly pods: ObjectCache) {}

  /** `constructHistory`: finds or creates the current revision and renumbers it when needed. */
  public construct(ds: KubeObject): DaemonSetRevisions {
    const patch = goJson(templatePatch(ds.spec?.template));
    const currentCandidates: KubeObject[] = [];
    const old: KubeObject[] = [];
    for (let revision of this.controlled(ds)) {
      if (revision.metadata.labels?.[POD_REVISION_LABEL] === undefined) {
        // Revisions from before the hash label existed get their name as the label.
        revision = this.api.update(RESOURCES.controllerRevisions, {
          ...revision,
          metadata: {
            ...revision.metadata,
            labels: { ...(revision.metadata.labels ?? {}), [POD_REVISION_LABEL]: revision.metadata.name! },
          },
        });
      }
      (revisionData(revision) === patch ? currentCandidates : old).push(revision);
    }
    const nextNumber = old.reduce((max, revision) => Math.max(max, revision.revision), 0) + 1;
    if (currentCandidates.length === 0) {
      return { current: this.snapshot(ds, nextNumber), old };
    }
    let current = this.dedup(ds, currentCandidates);
    if (current.revision < nextNumber) {
      current = this.api.update(RESOURCES.controllerRevisions, { ...current, revision: nextNumber });
    }
    return { current, old };
  }

  /**
   * `cleanupHistory`: deletes the oldest old revisions no pod runs any more, keeping
   * `revisionHistoryLimit` of them.
   */
  public cleanup(ds: KubeObject, old: readonly KubeObject[]): void {
    const toKill = old.length - (ds.spec?.revisionHistoryLimit ?? 10);
    if (toKill <= 0) {
      return;
    }
    const liveHashes = new Set<string>();
    for (const pod of this.pods.byIndex(CONTROLLER_INDEX, ds.metadata.uid ?? '').values()) {
      const hash = pod.metadata.labels?.[POD_REVISION_LABEL];
      if (hash) {
        liveHashes.add(hash);
      }
    }
    let remaining = toKill;
    for (const revision of [...old].sort((a, b) => a.revision - b.revision)) {
      if (remaining <= 0) {
        break;
      }
      if (liveHashes.has(revision.metadata.labels?.[POD_REVISION_LABEL] ?? '')) {
        continue;
      }
      this.api.delete(RESOURCES.controllerRevisions, revision.metadata.namespace, revision.metadata.name!);
      remaining--;
    }
  }

  // `controlledHistories`: revisions controlled by the DaemonSet, after adopting matching orphans.
  private controlled(ds: KubeObject): KubeObject[] {
    const owned = [...this.revisions.byIndex(CONTROLLER_INDEX, ds.metadata.uid ?? '').values()];
    for (const orphan of [...this.revisions.byIndex(ORPHAN_INDEX, ds.metadata.namespace ?? '').values()]) {
      if (labelSelectorMatches(ds.spec?.selector, orphan.metadata.labels)) {
        owned.push(this.api.update(RESOURCES.controllerRevisions, {
          ...orphan,
          metadata: { ...orphan.metadata, ownerReferences: [...(orphan.metadata.ownerReferences ?? []), newControllerRef(ds)] },
        }));
      }
    }
    return owned;
  }

  // `snapshot`: creates the revision of the live template. A name collision with a revision holding
  // another template bumps status.collisionCount and fails the sync, so the retry hashes differently.
  private snapshot(ds: KubeObject, revisionNumber: number): KubeObject {
    const hash = computeTemplateHash(ds.spec?.template, ds.status?.collisionCount);
    const revision = newControllerRevision({
      parent: ds,
      data: templatePatch(ds.spec?.template),
      revision: revisionNumber,
      hash,
      hashLabel: POD_REVISION_LABEL,
      annotations: ds.metadata.annotations,
    });
    try {
      return this.api.create(RESOURCES.controllerRevisions, revision);
    } catch (error) {
      if (!(error instanceof ApiError && error.reason === 'AlreadyExists')) {
        throw error;
      }
    }
    const existing = this.api.get(RESOURCES.controllerRevisions, ds.metadata.namespace, revision.metadata.name!);
    if (existing && revisionData(existing) === revisionData(revision)) {
      return existing;
    }
    const latest = this.api.get(RESOURCES.daemonSets, ds.metadata.namespace, ds.metadata.name!);
    if (latest && (latest.status?.collisionCount ?? undefined) === (ds.status?.collisionCount ?? undefined)) {
      const collisionCount = (latest.status?.collisionCount ?? 0) + 1;
      this.api.updateStatus(RESOURCES.daemonSets, { ...latest, status: { ...(latest.status ?? {}), collisionCount } });
    }
    throw new RetryableError(`ControllerRevision ${revision.metadata.name} of DaemonSet ${ds.metadata.name} collides with a revision of another template; collisionCount was bumped`);
  }

  // `dedupCurHistories`: keeps the highest-numbered of several equal revisions, relabelling pods first.
  private dedup(ds: KubeObject, candidates: readonly KubeObject[]): KubeObject {
    if (candidates.length === 1) {
      return candidates[0];
    }
    const keep = candidates.reduce((best, candidate) => (candidate.revision >= best.revision ? candidate : best));
    const keepHash = keep.metadata.labels?.[POD_REVISION_LABEL] ?? keep.metadata.name!;
    for (const pod of [...this.pods.byIndex(CONTROLLER_INDEX, ds.metadata.uid ?? '').values()]) {
      if (pod.metadata.labels?.[POD_REVISION_LABEL] !== keepHash) {
        const labels = { ...(pod.metadata.labels ?? {}), [POD_REVISION_LABEL]: keepHash };
        this.api.update(RESOURCES.pods, { ...pod, metadata: { ...pod.metadata, labels } });
      }
    }
    for (const candidate of candidates) {
      if (candidate !== keep) {
        this.api.delete(RESOURCES.controllerRevisions, candidate.metadata.namespace, candidate.metadata.name!);
      }
    }
    return keep;
  }
}
