// A StatefulSet's revision history (stateful_set_control.go: getStatefulSetRevisions, truncateHistory
// and the controller's adoptOrphanRevisions). The update revision is the stored revision equal to the
// current template; if it is not the newest one, the template went back to an earlier revision (a
// rollback) and that revision is renumbered to the next number instead of creating a new one.
import { podRevision } from './statefulset-identity';
import { goJson } from '../../../internal/go-json';
import { labelSelectorMatches } from '../../../internal/label-selector';
import { ObjectMemo } from '../../../internal/object-memo';
import { ApiError, RESOURCES } from '../../api';
import type { KubeObject, SandboxApi } from '../../api';
import {
  equalRevision,
  hashControllerRevision,
  newControllerRevision,
  nextRevision,
  REVISION_DATA_HASH_LABEL,
  revisionData,
  sortRevisions,
  templatePatch,
} from '../controller-revision';
import type { ObjectCache } from '../object-cache';
import { CONTROLLER_INDEX, ORPHAN_INDEX } from '../owner-indexes';
import { newControllerRef } from '../owner-references';

/** The revisions a sync works with. */
export interface StatefulSetRevisions {
  /** The revision the set's pods below the partition run (`status.currentRevision`). */
  readonly current: KubeObject;
  /** The revision of the set's current template. */
  readonly update: KubeObject;
  /** The collision count to record in the status. */
  readonly collisionCount: number;
}

// What a template's revision patch is, remembered per template object: every sync resolves the revisions, and
// serializing and hashing the template each time was a large share of a sync. Committed objects (the cached sets
// and revisions) are never changed in place, so a template or revision object always has the same bytes.
interface TemplatePatch {
  readonly data: Record<string, unknown>;
  readonly bytes: string;
  readonly hashes: Map<number, string>;
}

const patchesByTemplate = new ObjectMemo<unknown, TemplatePatch>((template) => {
  const data = templatePatch(template);
  return { data, bytes: goJson(data), hashes: new Map() };
});
const revisionBytes = new ObjectMemo<KubeObject, string>(revisionData);

function patchOf(set: KubeObject): TemplatePatch {
  return patchesByTemplate.get(set.spec?.template);
}

function dataBytes(revision: KubeObject): string {
  return revisionBytes.get(revision);
}

/** Reads and writes the ControllerRevisions of StatefulSets. */
export class StatefulSetHistory {
  constructor(private readonly api: SandboxApi, private readonly revisions: ObjectCache) {}

  /** Adopts revisions matching the set's selector that have no controller (`AdoptOrphanRevisions`). */
  public adoptOrphans(set: KubeObject): void {
    for (const revision of [...this.revisions.byIndex(ORPHAN_INDEX, set.metadata.namespace ?? '').values()]) {
      if (labelSelectorMatches(set.spec?.selector, revision.metadata.labels)) {
        this.api.update(RESOURCES.controllerRevisions, {
          ...revision,
          metadata: { ...revision.metadata, ownerReferences: [...(revision.metadata.ownerReferences ?? []), newControllerRef(set)] },
        });
      }
    }
  }

  /** The set's revisions, sorted (`ListRevisions` + `SortControllerRevisions`). */
  public list(set: KubeObject): KubeObject[] {
    const owned = [...this.revisions.byIndex(CONTROLLER_INDEX, set.metadata.uid ?? '').values()]
      .filter((revision) => labelSelectorMatches(set.spec?.selector, revision.metadata.labels));
    return sortRevisions(owned);
  }

  /**
   * The current and update revisions of the set, creating the update revision or renumbering an
   * equal earlier one as needed (`getStatefulSetRevisions`). `sorted` must come from {@link list}.
   */
  public resolve(set: KubeObject, sorted: readonly KubeObject[]): StatefulSetRevisions {
    let collisionCount = set.status?.collisionCount ?? 0;
    const patch = patchOf(set);
    const data = patch.data;
    let hash = patch.hashes.get(collisionCount);
    if (hash === undefined) {
      hash = hashControllerRevision(data, collisionCount);
      patch.hashes.set(collisionCount, hash);
    }
    const candidate = this.newRevision(set, data, nextRevision(sorted), collisionCount, hash);
    revisionBytes.set(candidate, patch.bytes);
    const equal = sorted.filter((revision) => equalRevision(revision, candidate, dataBytes));
    let update: KubeObject;
    if (equal.length > 0 && equalRevision(sorted[sorted.length - 1], equal[equal.length - 1], dataBytes)) {
      update = sorted[sorted.length - 1];
    } else if (equal.length > 0) {
      update = this.api.update(RESOURCES.controllerRevisions, { ...equal[equal.length - 1], revision: candidate.revision });
    } else {
      ({ revision: update, collisionCount } = this.create(set, data, candidate.revision, collisionCount));
    }
    const current = sorted.find((revision) => revision.metadata.name === set.status?.currentRevision) ?? update;
    return { current, update, collisionCount };
  }

  /**
   * Deletes the oldest revisions that no pod, nor the current or update revision, uses, until at most
   * `revisionHistoryLimit` of them remain (`truncateHistory`).
   */
  public truncate(set: KubeObject, pods: readonly KubeObject[], sorted: readonly KubeObject[], live: readonly (KubeObject | undefined)[]): void {
    const liveNames = new Set<string>();
    for (const revision of live) {
      if (revision) {
        liveNames.add(revision.metadata.name!);
      }
    }
    const limit = set.spec?.revisionHistoryLimit ?? 10;
    // Pods only make more revisions live, so when the others are within the limit already there is
    // nothing to delete and no need to look at every pod (this runs on every sync).
    if (sorted.filter((revision) => !liveNames.has(revision.metadata.name!)).length <= limit) {
      return;
    }
    for (const pod of pods) {
      liveNames.add(podRevision(pod));
    }
    const history = sorted.filter((revision) => !liveNames.has(revision.metadata.name!));
    for (const revision of history.slice(0, Math.max(0, history.length - limit))) {
      try {
        this.api.delete(RESOURCES.controllerRevisions, revision.metadata.namespace, revision.metadata.name!);
      } catch (error) {
        if (!(error instanceof ApiError && error.reason === 'NotFound')) {
          throw error;
        }
      }
    }
  }

  // `CreateControllerRevision`: on a name collision with different data, bump the collision count
  // and try the next name.
  private create(
    set: KubeObject, data: Record<string, unknown>, revisionNumber: number, initialCollisionCount: number,
  ): { revision: KubeObject; collisionCount: number } {
    let collisionCount = initialCollisionCount;
    for (;;) {
      const revision = this.newRevision(set, data, revisionNumber, collisionCount);
      try {
        return { revision: this.api.create(RESOURCES.controllerRevisions, revision), collisionCount };
      } catch (error) {
        if (!(error instanceof ApiError && error.reason === 'AlreadyExists')) {
          throw error;
        }
        const existing = this.api.get(RESOURCES.controllerRevisions, revision.metadata.namespace, revision.metadata.name!);
        if (existing && revisionData(existing) === revisionData(revision)) {
          return { revision: existing, collisionCount };
        }
        collisionCount++;
      }
    }
  }

  private newRevision(
    set: KubeObject, data: Record<string, unknown>, revision: number, collisionCount: number, hash = hashControllerRevision(data, collisionCount),
  ): KubeObject {
    return newControllerRevision({
      parent: set,
      data,
      revision,
      hash,
      hashLabel: REVISION_DATA_HASH_LABEL,
      annotations: set.metadata.annotations,
    });
  }
}
