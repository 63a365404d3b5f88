// Owner references and object keys (metav1.NewControllerRef, metav1.GetControllerOf).
import type { KubeObject, OwnerReference } from '../api';

/** A controller reference from a dependent to `owner`, with blockOwnerDeletion as upstream controllers set it. */
export function newControllerRef(owner: KubeObject): OwnerReference {
  return {
    apiVersion: owner.apiVersion,
    kind: owner.kind,
    name: owner.metadata.name ?? '',
    uid: owner.metadata.uid ?? '',
    controller: true,
    blockOwnerDeletion: true,
  };
}

/** The owner reference marked as controller, if any. */
export function controllerRefOf(object: KubeObject): OwnerReference | undefined {
  return (object.metadata.ownerReferences ?? []).find((ref) => ref.controller === true);
}

/** Whether `object`'s controller is the object with uid `ownerUid`. */
export function isControlledBy(object: KubeObject, ownerUid: string | undefined): boolean {
  return ownerUid !== undefined && controllerRefOf(object)?.uid === ownerUid;
}

/** The cache key of an object: `namespace/name`, or `name` for cluster-scoped objects. */
export function objectKey(namespace: string | undefined, name: string): string {
  return namespace ? `${namespace}/${name}` : name;
}

/** The cache key of `object`. */
export function keyOf(object: KubeObject): string {
  return objectKey(object.metadata.namespace, object.metadata.name ?? '');
}

/** Splits a cache key into namespace (undefined for cluster-scoped objects) and name. */
export function splitKey(key: string): { namespace: string | undefined; name: string } {
  const slash = key.indexOf('/');
  return slash < 0 ? { namespace: undefined, name: key } : { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
}
