// Server-side apply (structured-merge-diff's Updater.Apply, merge/update.go): the applied configuration is the
// manager's whole intent. It is merged into the live object (structs and maps field by field, lists with map keys
// element by element, sets member by member, anything else replaced); what the manager applied last time and omits
// now is removed unless another manager owns it; a field the apply changes that another manager owns is a conflict,
// refused with 409 unless `force` moves it to the applier. The applier's managedFields entry (operation Apply) owns
// exactly the configuration's fields; the others lose what was forced from them or removed.
import type { KubeObject, ManagedFieldsEntry, ResourceType } from './api';
import { ApiError, apiVersionOf } from './api';
import { FieldSet, isSetList, keyJson, keyValue, listKeys, pathElements, pathText } from './field-sets';
import { byOperationTimeManager, fieldChanges, ownablePaths, ownedFields, serialized } from './managed-fields';
import { copy } from './object-copy';

/** Who applies, and whether they take fields other managers own. */
export interface ApplyRequest {
  /** The applier's field manager. */
  readonly manager: string;
  /** Take conflicting fields from their managers instead of refusing the apply. */
  readonly force: boolean;
  /** The time that stamps the applier's entry when the object changes (RFC 3339). */
  readonly time: string;
}

/** What an apply makes of the live object: the object to write and its managedFields. */
export interface AppliedObject {
  readonly object: KubeObject;
  readonly managedFields: ManagedFieldsEntry[];
}

/**
 * Applies `config` to `live` (undefined: the object does not exist yet) for `type`'s main resource.
 * @throws ApiError 409 Conflict naming each conflicting manager and field, as upstream's NewConflictError
 */
export function serverSideApply(type: ResourceType, live: KubeObject | undefined, config: KubeObject, request: ApplyRequest): AppliedObject {
  const entries = live?.metadata.managedFields ?? [];
  const mine = entries.find((entry) => isApplierEntry(entry, request.manager));
  const others = entries.filter((entry) => entry !== mine);
  const applied = appliedFields(ownablePaths(type, config));
  // A copy, since pruning changes the merged object in place and committed objects are never changed.
  const merged = mergeValue('', live ? copy({ ...live, metadata: { ...live.metadata, managedFields: undefined } }) : {}, config) as KubeObject;

  // Prune: what this manager applied last time and no manager (this apply included) owns any more, with the struct
  // fields above it that nothing owned is left under (fieldpath's EnsureNamedFieldsAreMembers).
  const owned = new Set([...applied, ...others.flatMap((entry) => [...ownedFields(entry)])]);
  for (const dropped of [...withNamedAncestors(ownedFields(mine))].filter((path) => !owned.has(path) && !ownsBelow(owned, path))) {
    removePath(merged, pathElements(dropped));
  }

  const changes = fieldChanges(type, live, merged);
  const conflicts = others.map((entry) => ({ entry, fields: [...ownedFields(entry)].filter((path) => changes.changed.has(path)).sort() }))
    .filter((conflict) => conflict.fields.length > 0);
  if (conflicts.length > 0 && !request.force) {
    throw conflictError(conflicts);
  }
  const kept = others.flatMap((entry) => {
    const taken = new Set(conflicts.find((conflict) => conflict.entry === entry)?.fields ?? []);
    const fields = ownedFields(entry);
    if (taken.size === 0 && ![...changes.removed].some((path) => fields.has(path))) {
      return [entry];
    }
    const left = new Set([...fields].filter((path) => !taken.has(path) && !changes.removed.has(path)));
    return left.size > 0 ? [{ ...entry, fieldsV1: serialized(left) }] : [];
  });
  const objectChanged = changes.changed.size > 0 || changes.removed.size > 0;
  const time = objectChanged || !mine ? request.time : mine.time;
  const entry: ManagedFieldsEntry = { manager: request.manager, operation: 'Apply', apiVersion: apiVersionOf(type), time, fieldsType: 'FieldsV1', fieldsV1: serialized(applied) };
  return { object: merged, managedFields: (applied.size > 0 ? [entry, ...kept] : kept).sort(byOperationTimeManager) };
}

// typed.ToFieldSet of a configuration: what fieldPaths gives, but a map with keys is not a member itself (an Update's
// comparison counts a map it adds as added; an applied configuration owns only the map's keys).
function appliedFields(paths: Map<string, unknown>): FieldSet {
  const parents = new Set([...paths.keys()].map((path) => pathElements(path).slice(0, -1).join('\u0000')));
  return new Set([...paths.keys()].filter((path) => {
    const last = pathElements(path).pop()!;
    return !(paths.get(path) === undefined && last.startsWith('f:') && parents.has(path));
  }));
}

// An applier has one entry for the main resource whatever apiVersion it applied (upstream's manager identifier
// leaves the apiVersion out for Apply).
function isApplierEntry(entry: ManagedFieldsEntry, manager: string): boolean {
  return entry.manager === manager && entry.operation === 'Apply' && !entry.subresource;
}

// The set's paths and every field above them but the object's metadata itself (its name and uid are nobody's fields).
function withNamedAncestors(set: FieldSet): FieldSet {
  const result = new Set(set);
  for (const path of set) {
    const elements = pathElements(path);
    for (let length = elements.length - 1; length > 0; length--) {
      if (elements[length - 1].startsWith('f:') && !(length === 1 && elements[0] === 'f:metadata')) {
        result.add(elements.slice(0, length).join('\u0000'));
      }
    }
  }
  return result;
}

function ownsBelow(owned: FieldSet, path: string): boolean {
  const prefix = `${path}\u0000`;
  return [...owned].some((other) => other.startsWith(prefix));
}

// typed.TypedValue.Merge: the configuration's value wins, field by field and element by element.
function mergeValue(field: string, live: unknown, config: unknown): unknown {
  if (Array.isArray(config) && Array.isArray(live)) {
    const keys = listKeys(field, config) ?? listKeys(field, live);
    if (keys) {
      return mergeKeyed(keys, live as Array<Record<string, unknown>>, config as Array<Record<string, unknown>>);
    }
    if (isSetList(field)) {
      return [...live, ...config.filter((item) => !live.some((member) => JSON.stringify(member) === JSON.stringify(item)))];
    }
    return config;
  }
  if (isRecord(config) && isRecord(live)) {
    const result: Record<string, unknown> = { ...live };
    for (const [key, value] of Object.entries(config)) {
      if (value === null) {
        delete result[key];
      } else {
        result[key] = mergeValue(key, live[key], value);
      }
    }
    return result;
  }
  return config;
}

// Live elements keep their places (merged with the configuration's element of the same key); new ones follow.
function mergeKeyed(keys: readonly string[], live: Array<Record<string, unknown>>, config: Array<Record<string, unknown>>): unknown[] {
  const configByKey = new Map(config.map((item) => [keyJson(item, keys), item]));
  const liveKeys = new Set(live.map((item) => keyJson(item, keys)));
  return [
    ...live.map((item) => {
      const applied = configByKey.get(keyJson(item, keys));
      return applied ? mergeValue('', item, applied) : item;
    }),
    ...config.filter((item) => !liveKeys.has(keyJson(item, keys))),
  ];
}

// typed.TypedValue.RemoveItems for one path: a field, a keyed element or a set member.
function removePath(value: unknown, elements: readonly string[]): void {
  const [element, ...rest] = elements;
  const kind = element.slice(0, 2);
  const text = element.slice(2);
  if (kind === 'f:' && isRecord(value)) {
    if (rest.length === 0) {
      delete value[text];
    } else {
      removePath(value[text], rest);
    }
    return;
  }
  if (!Array.isArray(value)) {
    return;
  }
  const key = kind === 'k:' ? Object.entries(JSON.parse(text) as Record<string, unknown>) : [];
  const index = kind === 'k:'
    ? value.findIndex((item) => isRecord(item) && key.every(([field, wanted]) => keyValue(item, field) === wanted))
    : value.findIndex((item) => JSON.stringify(item) === text);
  if (index < 0) {
    return;
  }
  if (rest.length === 0) {
    value.splice(index, 1);
  } else {
    removePath(value[index], rest);
  }
}

function isRecord(value: unknown): value is Record<string, any> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

interface Conflict {
  readonly entry: ManagedFieldsEntry;
  readonly fields: readonly string[];
}

// internal/conflict.go: one cause per field, the message naming each manager (sorted) and its fields.
function conflictError(conflicts: readonly Conflict[]): ApiError {
  const causes = conflicts.flatMap(({ entry, fields }) => fields.map((path) => ({
    reason: 'FieldManagerConflict', message: `conflict with ${managerText(entry)}`, field: pathText(path),
  })));
  if (causes.length === 1) {
    return new ApiError(409, 'Conflict', `Apply failed with 1 conflict: conflict with ${managerText(conflicts[0].entry)}: ${causes[0].field}`, { causes });
  }
  const lines = [...conflicts].sort((a, b) => compareText(managerId(a.entry), managerId(b.entry)))
    .flatMap(({ entry, fields }) => [`conflicts with ${managerText(entry)}:`, ...fields.map((path) => `- ${pathText(path)}`)]);
  return new ApiError(409, 'Conflict', `Apply failed with ${causes.length} conflicts: ${lines.join('\n')}`, { causes });
}

// printManager: the name, its subresource, and for an Update the apiVersion (the identifier carries no time).
function managerText(entry: ManagedFieldsEntry): string {
  const name = `${JSON.stringify(entry.manager)}${entry.subresource ? ` with subresource ${JSON.stringify(entry.subresource)}` : ''}`;
  return entry.operation === 'Update' ? `${name} using ${entry.apiVersion}` : name;
}

// The identifier upstream sorts by: the entry's JSON without fields or time (and without apiVersion for Apply).
function managerId(entry: ManagedFieldsEntry): string {
  return JSON.stringify({
    manager: entry.manager,
    operation: entry.operation,
    ...(entry.operation === 'Update' ? { apiVersion: entry.apiVersion } : {}),
    ...(entry.subresource ? { subresource: entry.subresource } : {}),
  });
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
