// metadata.managedFields as the API server's field manager keeps them for Update operations: one entry per manager,
// operation, apiVersion and subresource, stamped with the time of that manager's last change, ordered as upstream's
// sortEncodedManagedFields orders them (Apply before Update, then by time, then by manager). The sandbox records who
// wrote and when, not which fields (no fieldsType/fieldsV1): structured-merge-diff's field sets are not ported.
import type { ResourceType, SandboxApi } from './api';
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
  const managed: Partial<SandboxApi> = {
    create: (type, obj, options) => api.create(type, obj, { fieldManager: manager, ...options }),
    update: (type, obj, options) => api.update(type, obj, { fieldManager: manager, ...options }),
    updateStatus: (type, obj, options) => api.updateStatus(type, obj, { fieldManager: manager, ...options }),
  };
  return new Proxy(api, {
    get: (target, property, receiver) => {
      const own = (managed as Record<string | symbol, unknown>)[property];
      if (own) {
        return own;
      }
      const value = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
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
