// Strategic merge patch as k8s.io/apimachinery/pkg/util/strategicpatch applies it on the server
// (StrategicMergeMapPatch: MergeParallelList and IgnoreUnmatchedNulls on): lists with a merge key are merged
// element by element, `$patch` (replace | delete) directives, `$retainKeys`, `$deleteFromPrimitiveList/<field>`,
// `$setElementOrder/<field>` and its ordering rules, `null` deleting a field. The field tags come from
// patch-strategies.ts. The structure follows upstream's functions so behaviour in corner cases matches too.

import { goFormat } from './go-format';
import { hasOwn, setOwn } from './own-members';
import { patchStrategyOf } from './patch-strategies';

/** A strategic merge patch that cannot be applied, with the HTTP code the API server answers it with. */
export class StrategicMergePatchError extends Error {
  constructor(message: string, readonly code: 400 | 422 | 500) {
    super(message);
    this.name = 'StrategicMergePatchError';
  }
}

type JsonMap = Record<string, unknown>;
type ElementKind = 'map' | 'scalar';

const DIRECTIVE = '$patch';
const RETAIN_KEYS = '$retainKeys';
const DELETE_FROM_PRIMITIVE_LIST = '$deleteFromPrimitiveList';
const SET_ELEMENT_ORDER = '$setElementOrder';

// mergepatch's sentinel errors and how the API server's interpretStrategicMergePatchError maps them.
const badRetainKeys = () => new StrategicMergePatchError('invalid patch format of retainKeys', 400);
const badPrimitiveList = () => new StrategicMergePatchError('invalid patch format of primitive list', 400);
const badSetElementOrder = () => new StrategicMergePatchError('invalid patch format of setElementOrder list', 400);
const noListOfLists = () => new StrategicMergePatchError('lists of lists are not supported', 422);
const noMergeKey = (map: unknown, key: string) =>
  new StrategicMergePatchError(`map: ${goFormat(map)} does not contain declared merge key: ${key}`, 500);
const badPatchType = (type: unknown, map: unknown) =>
  new StrategicMergePatchError(`unknown patch type: ${goFormat(type)} in map: ${goFormat(map)}`, 500);

/**
 * Applies a strategic merge patch to a deep copy of `original`, an object of `kind`.
 *
 * @throws StrategicMergePatchError for patches upstream refuses, with upstream's text and HTTP code
 */
export function applyStrategicMergePatch(kind: string, original: JsonMap, patch: JsonMap): JsonMap {
  return new StrategicMerger(kind).mergeMap(structuredClone(original), structuredClone(patch), '');
}

function isMap(value: unknown): value is JsonMap {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// reflect.TypeOf as far as decoded JSON goes: two values of different types are replaced, not merged.
function goType(value: unknown): string {
  if (value === null || value === undefined) {
    return 'nil';
  }
  if (Array.isArray(value)) {
    return 'slice';
  }
  return isMap(value) ? 'map' : typeof value;
}

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

/** The field a `$deleteFromPrimitiveList/x` or `$setElementOrder/x` key refers to. */
function extractKey(key: string, prefix: string): string {
  const slash = key.indexOf('/');
  if (slash < 0 || key.slice(0, slash) !== prefix) {
    throw prefix === DELETE_FROM_PRIMITIVE_LIST ? badPrimitiveList() : badSetElementOrder();
  }
  return key.slice(slash + 1);
}

class StrategicMerger {
  constructor(private readonly kind: string) {}

  mergeMap(original: JsonMap | undefined, patch: JsonMap, path: string): JsonMap {
    if (hasOwn(patch, DIRECTIVE)) {
      return this.handleDirectiveInMergeMap(patch[DIRECTIVE], patch);
    }
    const target = original ?? {};
    this.applyRetainKeysDirective(target, patch);
    this.mergePatchIntoOriginal(target, patch, path);

    for (const [patchKey, patchValue] of Object.entries(patch)) {
      let key = patchKey;
      let isDeleteList = false;
      if (patchKey.startsWith(DELETE_FROM_PRIMITIVE_LIST)) {
        key = extractKey(patchKey, DELETE_FROM_PRIMITIVE_LIST);
        isDeleteList = true;
      }
      if (patchValue === null) {
        delete target[key];
        continue;
      }
      if (!hasOwn(target, key)) {
        if (!isDeleteList) {
          setOwn(target, key, discardNullValues(patchValue));
        }
        continue;
      }
      if (goType(target[key]) !== goType(patchValue)) {
        setOwn(target, key, patchValue);
        continue;
      }
      const fieldPath = join(path, key);
      if (isMap(patchValue)) {
        setOwn(target, key, this.mergeMap(target[key] as JsonMap, patchValue, fieldPath));
      } else if (Array.isArray(patchValue)) {
        setOwn(target, key, this.mergeSliceHandler(target[key] as unknown[], patchValue, fieldPath, isDeleteList));
      } else {
        setOwn(target, key, patchValue);
      }
    }
    return target;
  }

  private handleDirectiveInMergeMap(directive: unknown, patch: JsonMap): JsonMap {
    if (directive === 'replace') {
      // The patch replaces the whole map.
      delete patch[DIRECTIVE];
      return patch;
    }
    if (directive === 'delete') {
      return {};
    }
    throw badPatchType(directive, patch);
  }

  /** `$retainKeys`: drops the original's fields missing from the list; the patch may only set listed fields. */
  private applyRetainKeysDirective(original: JsonMap, patch: JsonMap): void {
    if (!hasOwn(patch, RETAIN_KEYS)) {
      return;
    }
    const retained = patch[RETAIN_KEYS];
    delete patch[RETAIN_KEYS];
    if (!Array.isArray(retained)) {
      throw badRetainKeys();
    }
    const keep = new Set(retained);
    for (const [key, value] of Object.entries(patch)) {
      if (value === null || key.startsWith(DELETE_FROM_PRIMITIVE_LIST) || key.startsWith(SET_ELEMENT_ORDER)) {
        continue;
      }
      if (!keep.has(key)) {
        throw badRetainKeys();
      }
    }
    for (const key of Object.keys(original)) {
      if (!keep.has(key)) {
        delete original[key];
      }
    }
  }

  /**
   * `$setElementOrder/<field>`: merges the field's list and orders the result: the directive's order first, then
   * the live list's order for elements only the server has.
   */
  private mergePatchIntoOriginal(original: JsonMap, patch: JsonMap, path: string): void {
    for (const directiveKey of Object.keys(patch)) {
      if (!directiveKey.startsWith(SET_ELEMENT_ORDER)) {
        continue;
      }
      const order = patch[directiveKey];
      delete patch[directiveKey];
      if (!Array.isArray(order)) {
        throw badSetElementOrder();
      }
      const key = extractKey(directiveKey, SET_ELEMENT_ORDER);
      const foundOriginal = hasOwn(original, key);
      const foundPatch = hasOwn(patch, key);
      if (!foundOriginal && !foundPatch) {
        continue;
      }
      const originalList = foundOriginal ? original[key] : [];
      const patchList = foundPatch ? patch[key] : [];
      if (!Array.isArray(originalList) || !Array.isArray(patchList)) {
        throw badSetElementOrder();
      }
      const fieldPath = join(path, key);
      const mergeKey = patchStrategyOf(this.kind, fieldPath)?.mergeKey ?? '';
      validatePatchWithSetOrderList(patchList, order, mergeKey);

      let merged: unknown[];
      if (!foundPatch) {
        merged = originalList;
      } else if (!foundOriginal) {
        merged = patchList;
      } else {
        merged = this.mergeSliceHandler(originalList, patchList, fieldPath, false);
      }
      const elementKind = sliceElementKind(originalList, patchList);
      if (elementKind) {
        const [patchItems, serverOnly] = partitionByPresence(merged, order, mergeKey, elementKind);
        merged = normalizeElementOrder(patchItems, serverOnly, order, originalList, mergeKey, elementKind);
      }
      setOwn(original, key, merged);
      delete patch[key];
    }
  }

  private mergeSliceHandler(original: unknown[], patch: unknown[], path: string, isDeleteList: boolean): unknown[] {
    const strategy = patchStrategyOf(this.kind, path);
    if (strategy?.strategy !== 'merge') {
      return patch;
    }
    return this.mergeSlice(original, patch, path, strategy.mergeKey ?? '', isDeleteList);
  }

  private mergeSlice(original: unknown[], patch: unknown[], path: string, mergeKey: string, isDeleteList: boolean): unknown[] {
    const elementKind = sliceElementKind(original, patch);
    if (!elementKind) {
      return original;
    }
    let merged: unknown[];
    let serverOrder = original;
    let patchOrder = patch;
    if (elementKind === 'scalar') {
      if (isDeleteList) {
        const remove = new Set(patch);
        return original.filter((item) => !remove.has(item));
      }
      merged = deduplicateScalars([...original, ...patch]);
    } else {
      if (!mergeKey) {
        throw new StrategicMergePatchError(`cannot merge lists without merge key for ${path}`, 500);
      }
      [serverOrder, patchOrder] = mergeSliceWithSpecialElements(original, patch as JsonMap[], mergeKey);
      merged = this.mergeSliceWithoutSpecialElements([...serverOrder], patchOrder as JsonMap[], path, mergeKey);
    }
    const [patchItems, serverOnly] = partitionByPresence(merged, patchOrder, mergeKey, elementKind);
    return normalizeElementOrder(patchItems, serverOnly, patchOrder, serverOrder, mergeKey, elementKind);
  }

  private mergeSliceWithoutSpecialElements(original: unknown[], patch: JsonMap[], path: string, mergeKey: string): unknown[] {
    for (const item of patch) {
      if (!(mergeKey in item)) {
        throw noMergeKey(item, mergeKey);
      }
      const index = findByMergeKey(original, mergeKey, item[mergeKey]);
      if (index >= 0) {
        original[index] = this.mergeMap(original[index] as JsonMap, item, path);
      } else {
        original.push(item);
      }
    }
    return original;
  }
}

/** Removes null members (recursively) from a value the patch adds, as nulls only mean "delete" against a field. */
function discardNullValues(value: unknown): unknown {
  if (Array.isArray(value)) {
    value.forEach(discardNullValues);
  } else if (isMap(value)) {
    for (const [key, member] of Object.entries(value)) {
      if (member === null) {
        delete value[key];
      } else {
        discardNullValues(member);
      }
    }
  }
  return value;
}

/** Whether the lists hold maps or scalars; undefined when both are empty. */
function sliceElementKind(...lists: unknown[][]): ElementKind | undefined {
  let previous: string | undefined;
  for (const item of lists.flat()) {
    const type = goType(item);
    if (previous === undefined) {
      if (type === 'slice') {
        throw noListOfLists();
      }
      previous = type;
    } else if (type !== previous) {
      throw new StrategicMergePatchError(`list element types are not identical: ${goFormat(lists)}`, 500);
    }
  }
  if (previous === undefined) {
    return undefined;
  }
  return previous === 'map' ? 'map' : 'scalar';
}

/** Handles `{$patch: delete, <key>: v}` and `{$patch: replace}` elements; returns the new original and the rest of the patch. */
function mergeSliceWithSpecialElements(original: unknown[], patch: JsonMap[], mergeKey: string): [unknown[], unknown[]] {
  const plain: unknown[] = [];
  let replace = false;
  let remaining = original;
  for (const item of patch) {
    if (!isMap(item)) {
      throw new StrategicMergePatchError(`expected a map, but received a ${goType(item)}`, 500);
    }
    if (!(DIRECTIVE in item)) {
      plain.push(item);
      continue;
    }
    const directive = item[DIRECTIVE];
    if (directive === 'delete') {
      if (!(mergeKey in item)) {
        throw noMergeKey(item, mergeKey);
      }
      remaining = remaining.filter((element) => !(isMap(element) && element[mergeKey] === item[mergeKey]));
    } else if (directive === 'replace') {
      replace = true;
    } else if (directive === 'merge') {
      throw new StrategicMergePatchError('merging lists cannot yet be specified in the patch', 500);
    } else {
      throw badPatchType(directive, item);
    }
  }
  return replace ? [plain, []] : [remaining, plain];
}

function findByMergeKey(list: unknown[], mergeKey: string, value: unknown): number {
  return list.findIndex((element) => {
    if (!isMap(element)) {
      throw new StrategicMergePatchError(`value for key ${mergeKey} is not a map.`, 500);
    }
    return mergeKey in element && element[mergeKey] === value;
  });
}

/** The position of `item` in `list`, by merge key for maps and by value for scalars; -1 when absent. */
function indexIn(list: unknown[], item: unknown, mergeKey: string, kind: ElementKind): number {
  if (kind === 'scalar') {
    return list.indexOf(item);
  }
  const value = (item as JsonMap)[mergeKey];
  return list.findIndex((element) => isMap(element) && element[mergeKey] === value);
}

/** Splits `merged` into the elements present in `presentIn` and the rest, keeping their order. */
function partitionByPresence(merged: unknown[], presentIn: unknown[], mergeKey: string, kind: ElementKind): [unknown[], unknown[]] {
  const present: unknown[] = [];
  const absent: unknown[] = [];
  for (const item of merged) {
    if (kind === 'map' && !(mergeKey in (item as JsonMap))) {
      throw noMergeKey(item, mergeKey);
    }
    (indexIn(presentIn, item, mergeKey, kind) >= 0 ? present : absent).push(item);
  }
  return [present, absent];
}

/** Orders patch elements by `patchOrder`, server-only elements by `serverOrder`, then interleaves them. */
function normalizeElementOrder(patch: unknown[], serverOnly: unknown[], patchOrder: unknown[], serverOrder: unknown[],
  mergeKey: string, kind: ElementKind): unknown[] {
  const sortedPatch = normalizeSliceOrder(patch, patchOrder, mergeKey, kind);
  const sortedServerOnly = normalizeSliceOrder(serverOnly, serverOrder, mergeKey, kind);
  return mergeSortedSlice(sortedServerOnly, sortedPatch, serverOrder, mergeKey, kind);
}

// Go's sort.SliceStable (an insertion sort at these sizes) with upstream's comparator, which calls an element
// "less" whenever either side is missing from `order`; replicating the sort keeps that quirk's effect.
function normalizeSliceOrder(toSort: unknown[], order: unknown[], mergeKey: string, kind: ElementKind): unknown[] {
  if (kind === 'map') {
    for (const item of [...toSort, ...order]) {
      if (!isMap(item) || !(mergeKey in item)) {
        throw noMergeKey(item, mergeKey);
      }
    }
  }
  const less = (a: unknown, b: unknown): boolean => {
    const ia = indexIn(order, a, mergeKey, kind);
    const ib = ia >= 0 ? indexIn(order, b, mergeKey, kind) : -1;
    return ia >= 0 && ib >= 0 ? ia < ib : true;
  };
  const sorted = [...toSort];
  for (let i = 1; i < sorted.length; i++) {
    for (let j = i; j > 0 && less(sorted[j], sorted[j - 1]); j--) {
      [sorted[j], sorted[j - 1]] = [sorted[j - 1], sorted[j]];
    }
  }
  return sorted;
}

/** Inserts the server-only elements (`left`) among the patch elements (`right`) where the live order puts them. */
function mergeSortedSlice(left: unknown[], right: unknown[], serverOrder: unknown[], mergeKey: string, kind: ElementKind): unknown[] {
  const result: unknown[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length || j < right.length) {
    if (i >= left.length) {
      result.push(right[j++]);
    } else if (j >= right.length) {
      result.push(left[i++]);
    } else {
      const li = indexIn(serverOrder, left[i], mergeKey, kind);
      const ri = indexIn(serverOrder, right[j], mergeKey, kind);
      if (li >= 0 && ri >= 0 && li < ri) {
        result.push(left[i++]);
      } else {
        result.push(right[j++]);
      }
    }
  }
  return result;
}

/** Upstream's in-place de-duplication: a duplicate is overwritten by the last element. */
function deduplicateScalars(items: unknown[]): unknown[] {
  const list = [...items];
  let length = list.length - 1;
  for (let i = 0; i < length; i++) {
    for (let j = i + 1; j <= length; j++) {
      if (list[i] === list[j]) {
        list[j] = list[length];
        list.length = length;
        length--;
        j--;
      }
    }
  }
  return list;
}

/**
 * The relative order of the patch list's elements (deletions aside) must agree with `$setElementOrder`, and
 * every patch element must appear in it.
 */
function validatePatchWithSetOrderList(patchList: unknown[], order: unknown[], mergeKey: string): void {
  if (order.length === 0 || patchList.length === 0) {
    return;
  }
  const nonDelete = mergeKey
    ? patchList.filter((item) => !(isMap(item) && item[DIRECTIVE] === 'delete'))
    : patchList;
  let patchIndex = 0;
  let orderIndex = 0;
  while (patchIndex < nonDelete.length && orderIndex < order.length) {
    const item = nonDelete[patchIndex];
    if (isMap(item) && DIRECTIVE in item) {
      patchIndex++;
      continue;
    }
    if (mergeKeyValueEqual(item, order[orderIndex], mergeKey)) {
      patchIndex++;
    }
    orderIndex++;
  }
  if (patchIndex < nonDelete.length && orderIndex >= order.length) {
    throw new StrategicMergePatchError(
      `The order in patch list:\n${goFormat(patchList)}\n doesn't match ${SET_ELEMENT_ORDER} list:\n${goFormat(order)}\n`, 500);
  }
}

function mergeKeyValueEqual(left: unknown, right: unknown, mergeKey: string): boolean {
  if (!mergeKey) {
    return left === right;
  }
  for (const side of [left, right]) {
    if (!isMap(side)) {
      throw new StrategicMergePatchError(`expected a map, but received a ${goType(side)}`, 500);
    }
    if (!(mergeKey in side)) {
      throw noMergeKey(side, mergeKey);
    }
  }
  return (left as JsonMap)[mergeKey] === (right as JsonMap)[mergeKey];
}
