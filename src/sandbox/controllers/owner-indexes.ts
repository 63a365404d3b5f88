// Secondary indexes the controllers register on their caches.
import type { KubeObject } from '../api';
import type { ObjectCache } from './object-cache';
import { controllerRefOf } from './owner-references';

/** Index of objects by the uid of their controller (owner reference with controller: true). */
export const CONTROLLER_INDEX = 'controller';

/** Index of objects by the uid of every owner they reference. */
export const OWNER_INDEX = 'owner';

/** Index of objects without a controller, by namespace (candidates for adoption). */
export const ORPHAN_INDEX = 'orphan';

/** Registers the controller, owner and orphan indexes on a cache. */
export function addOwnerIndexes(cache: ObjectCache): void {
  cache.addIndex(CONTROLLER_INDEX, (object: KubeObject) => {
    const uid = controllerRefOf(object)?.uid;
    return uid ? [uid] : [];
  });
  cache.addIndex(OWNER_INDEX, (object: KubeObject) => (object.metadata.ownerReferences ?? []).map((ref) => ref.uid));
  cache.addIndex(ORPHAN_INDEX, (object: KubeObject) => (controllerRefOf(object) ? [] : [object.metadata.namespace ?? '']));
}
