// What changed in a pod template between two releases, field by field, in the words a reviewer reads: lists whose
// items are named (containers, env, volumes, volumeMounts, ports) are keyed by name, so adding a container or an env
// variable is one change at `spec.containers[kafka].env[HEAP]`, not a shift of every index after it. Pure.
import { TemplateChange } from './rehearsal-report';

/**
 * The fields of the pod template that differ between `from` and `to`, sorted by path. Objects are compared key by
 * key; a list whose items all carry a distinct `name` is compared item by item under `[name]` (an item that is only
 * `name` and `value`, an env variable, compares by its value); any other list is one value.
 *
 * @param from the old release's `spec.template` (undefined when it has none)
 * @param to the new release's `spec.template`
 */
export function templateChanges(from: unknown, to: unknown): TemplateChange[] {
  const changes: TemplateChange[] = [];
  diffValue('', from, to, changes);
  return changes.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** Whether two JSON values are equal, ignoring the order of object keys (not of list items). */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) {
    return true;
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((item, index) => sameJson(item, b[index]));
  }
  if (!isObject(a) || !isObject(b)) {
    return false;
  }
  const keys = Object.keys(a).filter((key) => a[key] !== undefined);
  return keys.length === Object.keys(b).filter((key) => b[key] !== undefined).length && keys.every((key) => sameJson(a[key], b[key]));
}

function diffValue(path: string, from: unknown, to: unknown, changes: TemplateChange[]): void {
  if (sameJson(from, to)) {
    return;
  }
  if (isObject(from) && isObject(to)) {
    for (const key of new Set([...Object.keys(from), ...Object.keys(to)])) {
      diffValue(`${path}${keySegment(key, path === '')}`, from[key], to[key], changes);
    }
    return;
  }
  const fromItems = namedItems(from);
  const toItems = namedItems(to);
  if (fromItems && toItems) {
    for (const name of new Set([...fromItems.keys(), ...toItems.keys()])) {
      diffValue(`${path}[${name}]`, itemValue(fromItems.get(name)), itemValue(toItems.get(name)), changes);
    }
    return;
  }
  changes.push({ path, ...(from === undefined ? {} : { from: render(from) }), ...(to === undefined ? {} : { to: render(to) }) });
}

// The items of a list by their distinct names; undefined for anything else (a missing list counts as an empty one).
function namedItems(value: unknown): Map<string, Record<string, unknown>> | undefined {
  if (value === undefined) {
    return new Map();
  }
  if (!Array.isArray(value) || !value.every((item) => isObject(item) && typeof item.name === 'string')) {
    return undefined;
  }
  const items = new Map(value.map((item) => [item.name as string, item as Record<string, unknown>]));
  return items.size === value.length ? items : undefined;
}

// An env-like item ({name, value}) compares by its value; any other item by its fields but the name it is keyed by.
function itemValue(item: Record<string, unknown> | undefined): unknown {
  if (item === undefined) {
    return undefined;
  }
  const { name: _name, ...rest } = item;
  const keys = Object.keys(rest);
  return keys.length === 0 || (keys.length === 1 && keys[0] === 'value') ? rest.value ?? '' : rest;
}

function keySegment(key: string, first: boolean): string {
  if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) {
    return first ? key : `.${key}`;
  }
  return `[${key}]`;
}

function render(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
