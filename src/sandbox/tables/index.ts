// Server-side printing: the meta.k8s.io/v1 Table the API server returns when kubectl asks for
// `application/json;as=Table;v=v1;g=meta.k8s.io`, built from the printer of the object's kind.

import type { KubeObject, ResourceType } from '../api';
import { EVENT_PRINTER, LEASE_PRINTER, NAMESPACE_PRINTER, NODE_PRINTER, PERSISTENT_VOLUME_PRINTER } from './cluster-printers';
import { AGE_COLUMN, age, NAME_COLUMN, Printer } from './columns';
import { CONFIG_MAP_PRINTER, PERSISTENT_VOLUME_CLAIM_PRINTER, POD_DISRUPTION_BUDGET_PRINTER, SECRET_PRINTER, SERVICE_ACCOUNT_PRINTER, SERVICE_PRINTER } from './core-printers';
import { POD_PRINTER } from './pod-printer';
import { ROLE_BINDING_PRINTER, ROLE_PRINTER } from './rbac-printers';
import { CONTROLLER_REVISION_PRINTER, DAEMON_SET_PRINTER, STATEFUL_SET_PRINTER } from './workload-printers';

export type { ColumnDefinition } from './columns';

/** What each row carries besides its cells (the `includeObject` query parameter). */
export type IncludeObject = 'None' | 'Metadata' | 'Object';

/** Printers by `group/resource`. */
const PRINTERS: Readonly<Record<string, Printer>> = {
  '/pods': POD_PRINTER,
  '/nodes': NODE_PRINTER,
  '/namespaces': NAMESPACE_PRINTER,
  '/events': EVENT_PRINTER,
  '/services': SERVICE_PRINTER,
  '/persistentvolumeclaims': PERSISTENT_VOLUME_CLAIM_PRINTER,
  '/persistentvolumes': PERSISTENT_VOLUME_PRINTER,
  '/configmaps': CONFIG_MAP_PRINTER,
  '/secrets': SECRET_PRINTER,
  '/serviceaccounts': SERVICE_ACCOUNT_PRINTER,
  'apps/statefulsets': STATEFUL_SET_PRINTER,
  'apps/daemonsets': DAEMON_SET_PRINTER,
  'apps/controllerrevisions': CONTROLLER_REVISION_PRINTER,
  'policy/poddisruptionbudgets': POD_DISRUPTION_BUDGET_PRINTER,
  'coordination.k8s.io/leases': LEASE_PRINTER,
  'rbac.authorization.k8s.io/roles': ROLE_PRINTER,
  'rbac.authorization.k8s.io/clusterroles': ROLE_PRINTER,
  'rbac.authorization.k8s.io/rolebindings': ROLE_BINDING_PRINTER,
  'rbac.authorization.k8s.io/clusterrolebindings': ROLE_BINDING_PRINTER,
};

/** NAME AGE, for a resource without a printer of its own. */
const DEFAULT_PRINTER: Printer = {
  columns: [NAME_COLUMN, AGE_COLUMN],
  cells: (object, now) => [object.metadata.name, age(object, now)],
};

/** The printer of a resource type. */
export function printerFor(type: ResourceType): Printer {
  return PRINTERS[`${type.group}/${type.resource}`] ?? DEFAULT_PRINTER;
}

function rowObject(object: KubeObject, includeObject: IncludeObject): Record<string, unknown> | undefined {
  switch (includeObject) {
    case 'None':
      return undefined;
    case 'Object':
      return object;
    default:
      return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: object.metadata };
  }
}

/**
 * The meta.k8s.io/v1 Table kubectl asks for with `Accept: application/json;as=Table;v=v1;g=meta.k8s.io`, with
 * upstream's columns and cell values (ages relative to `now`).
 *
 * @param type the resource listed or fetched
 * @param list a list (its items and resourceVersion) or a single object
 * @param options `now` in epoch ms; `includeObject` as the query parameter says (default `Metadata`, as upstream)
 */
export function toTable(type: ResourceType, list: { items: KubeObject[]; resourceVersion?: string } | KubeObject,
  options: { now: number; includeObject?: IncludeObject }): Record<string, unknown> {
  const printer = printerFor(type);
  const isList = Array.isArray((list as { items?: unknown }).items);
  const items = isList ? (list as { items: KubeObject[] }).items : [list as KubeObject];
  const resourceVersion = isList
    ? (list as { resourceVersion?: string }).resourceVersion
    : (list as KubeObject).metadata?.resourceVersion;
  const includeObject = options.includeObject ?? 'Metadata';
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: resourceVersion === undefined ? {} : { resourceVersion },
    columnDefinitions: printer.columns,
    rows: items.map((object) => {
      const row: Record<string, unknown> = { cells: printer.cells(object, options.now) };
      const conditions = printer.conditions?.(object);
      if (conditions) {
        row.conditions = conditions;
      }
      const rowObjectValue = rowObject(object, includeObject);
      if (rowObjectValue) {
        row.object = rowObjectValue;
      }
      return row;
    }),
  };
}
