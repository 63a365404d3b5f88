// metadata.managedFields as the API server's field manager keeps them for Update operations: one entry per manager,
// operation, apiVersion and subresource, stamped with the time of that manager's last change, ordered as upstream's
// sortEncodedManagedFields orders them (Apply before Update, then by time, then by manager). The sandbox records who
// wrote and when, not which fields (no fieldsType/fieldsV1): structured-merge-diff's field sets are not ported.
import type { ApiEvent, DeleteOptions, KubeObject, ListOptions, ResourceType, SandboxApi, WriteOptions } from './api';
import { apiVersionOf } from './api';

/** One managedFields entry (metav1.ManagedFieldsEntry without the field set). */
export interface ManagedFieldsEntry {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time: string;
  subresource?: string;
}

/**
 * The managedFields after `manager` wrote `type`'s object (or its `subresource`) at `time`: its entry is stamped anew, or
 * added.
 */
export function recordUpdate(previous: readonly ManagedFieldsEntry[] | undefined, type: ResourceType, manager: string,
  time: string, subresource?: string): ManagedFieldsEntry[] {
  const apiVersion = apiVersionOf(type);
  // The common case, a manager writing again (the kubelet's status writes): its entry is the latest, and stays last.
  const last = previous?.[previous.length - 1];
  if (last && last.manager === manager && last.operation === 'Update' && last.apiVersion === apiVersion
    && (last.subresource ?? '') === (subresource ?? '')) {
    return last.time === time ? previous as ManagedFieldsEntry[] : [...previous!.slice(0, -1), { ...last, time }];
  }
  const entries = (previous ?? []).filter((entry) => !(entry.manager === manager && entry.operation === 'Update'
    && entry.apiVersion === apiVersion && (entry.subresource ?? '') === (subresource ?? '')));
  entries.push({ manager, operation: 'Update', apiVersion, time, ...(subresource ? { subresource } : {}) });
  return entries.sort(byOperationTimeManager);
}

/** The manager a request names (`fieldManager`), else the product of its User-Agent, as upstream's prefixFromUserAgent. */
export function managerOf(fieldManager: string | null, userAgent: string | undefined): string | undefined {
  if (fieldManager) {
    return fieldManager;
  }
  const product = (userAgent ?? '').split('/')[0];
  return product || undefined;
}

/**
 * The store as a component writes to it (a controller, the kubelet): every create and update it makes is recorded
 * under `manager` unless the call names another. Upstream's components are HTTP clients whose User-Agent names them.
 */
export function withFieldManager(api: SandboxApi, manager: string): SandboxApi {
  return new ManagedApi(api, manager);
}

// A plain delegating object rather than a Proxy: every write of every controller goes through it.
class ManagedApi implements SandboxApi {
  constructor(private readonly api: SandboxApi, private readonly manager: string) {}

  public create(type: ResourceType, obj: KubeObject, options?: WriteOptions): KubeObject {
    return this.api.create(type, obj, { fieldManager: this.manager, ...options });
  }

  public get(type: ResourceType, namespace: string | undefined, name: string): KubeObject | undefined {
    return this.api.get(type, namespace, name);
  }

  public list(type: ResourceType, options?: ListOptions): { items: KubeObject[]; resourceVersion: string } {
    return this.api.list(type, options);
  }

  public listView(type: ResourceType, options?: ListOptions): { items: readonly KubeObject[]; resourceVersion: string } {
    return this.api.listView(type, options);
  }

  public update(type: ResourceType, obj: KubeObject, options?: WriteOptions): KubeObject {
    return this.api.update(type, obj, { fieldManager: this.manager, ...options });
  }

  public updateStatus(type: ResourceType, obj: KubeObject, options?: WriteOptions): KubeObject {
    return this.api.updateStatus(type, obj, { fieldManager: this.manager, ...options });
  }

  public bind(namespace: string, name: string, nodeName: string): KubeObject {
    return this.api.bind(namespace, name, nodeName);
  }

  public delete(type: ResourceType, namespace: string | undefined, name: string, options?: DeleteOptions): KubeObject | undefined {
    return this.api.delete(type, namespace, name, options);
  }

  public watch(type: ResourceType, options: ListOptions & { resourceVersion?: string }, listener: (event: ApiEvent) => void): () => void {
    return this.api.watch(type, options, listener);
  }

  public watchView(type: ResourceType, options: ListOptions & { resourceVersion?: string }, listener: (event: ApiEvent) => void): () => void {
    return this.api.watchView(type, options, listener);
  }
}

function byOperationTimeManager(a: ManagedFieldsEntry, b: ManagedFieldsEntry): number {
  if (a.operation !== b.operation) {
    return a.operation === 'Apply' ? -1 : 1;
  }
  if (a.time !== b.time) {
    return a.time < b.time ? -1 : 1;
  }
  return a.manager < b.manager ? -1 : a.manager > b.manager ? 1 : 0;
}
