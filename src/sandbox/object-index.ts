// Where the store keeps its objects: by resource, then namespace ('' for cluster-scoped), then name. The index holds
// the committed objects themselves; the store copies them in and out.
import type { KubeObject, ResourceType } from './api';

/** The key of a resource in the index and in the watch hub: `group/resource`. */
export function resourceKey(type: ResourceType): string {
  return `${type.group}/${type.resource}`;
}

/** The store's committed objects, by resource, namespace and name. */
export class ObjectIndex {
  private readonly objects = new Map<string, Map<string, Map<string, KubeObject>>>();

  /** The stored object, or undefined; `namespace` is '' for a cluster-scoped resource. */
  public get(type: ResourceType, namespace: string, name: string): KubeObject | undefined {
    return this.objects.get(resourceKey(type))?.get(namespace)?.get(name);
  }

  /** Stores `obj` under its name in `namespace` ('' for a cluster-scoped resource), replacing any object of that name. */
  public set(type: ResourceType, namespace: string, obj: KubeObject): void {
    const key = resourceKey(type);
    let byNamespace = this.objects.get(key);
    if (!byNamespace) {
      byNamespace = new Map();
      this.objects.set(key, byNamespace);
    }
    let byName = byNamespace.get(namespace);
    if (!byName) {
      byName = new Map();
      byNamespace.set(namespace, byName);
    }
    byName.set(obj.metadata.name!, obj);
  }

  /** Forgets the object of that name, if any. */
  public delete(type: ResourceType, namespace: string, name: string): void {
    this.objects.get(resourceKey(type))?.get(namespace)?.delete(name);
  }

  /** The stored objects of `type` in `namespace`, or in every namespace when it is undefined, by namespace. */
  public buckets(type: ResourceType, namespace: string | undefined): Array<ReadonlyMap<string, KubeObject>> {
    const byNamespace = this.objects.get(resourceKey(type));
    if (!byNamespace) {
      return [];
    }
    if (namespace !== undefined) {
      const bucket = byNamespace.get(namespace);
      return bucket ? [bucket] : [];
    }
    return [...byNamespace.values()];
  }
}
