// RFC 6902 JSON patch as the API server applies it: gopkg.in/evanphx/json-patch.v4, including its extensions
// (negative array indices count from the end, a missing "value" means null, `test` of an absent member against
// null passes) and its error texts, which tests and logs use to tell failures apart.

import { hasOwn, setOwn } from './own-members';

/** Why an operation of a JSON patch could not be applied, worded as json-patch v4 words it. */
export class JsonPatchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JsonPatchError';
  }
}

const MISSING = 'missing value';
const INVALID_INDEX = 'invalid index referenced';
const TEST_FAILED = 'test failed';

type Container = Record<string, unknown> | unknown[];

/** A failure with the json-patch "cause" it wraps, so callers can tell a missing member from a bad index. */
class CausedError extends JsonPatchError {
  constructor(message: string, readonly cause: string) {
    super(message);
  }
}

function wrap(cause: string, context: string): CausedError {
  return new CausedError(`${context}: ${cause}`, cause);
}

function rewrap(error: unknown, context: string): CausedError {
  const inner = error as CausedError;
  return new CausedError(`${context}: ${inner.message}`, inner.cause ?? inner.message);
}

/**
 * Applies the operations of a JSON patch to a deep copy of `document` and returns the copy.
 *
 * @param document the JSON document (the object being patched)
 * @param operations the decoded patch: an array of operation objects
 * @throws JsonPatchError at the first operation that does not apply; nothing is half-applied to `document`
 */
export function applyJsonPatch(document: unknown, operations: readonly Record<string, unknown>[]): unknown {
  const root: { value: unknown } = { value: structuredClone(document) };
  for (const operation of operations) {
    const kind = typeof operation.op === 'string' ? operation.op : 'unknown';
    switch (kind) {
      case 'add':
        add(root, operation);
        break;
      case 'remove':
        remove(root, operation);
        break;
      case 'replace':
        replace(root, operation);
        break;
      case 'move':
        move(root, operation);
        break;
      case 'test':
        test(root, operation);
        break;
      case 'copy':
        copy(root, operation);
        break;
      default:
        throw new JsonPatchError(`Unexpected kind: ${kind}`);
    }
  }
  return root.value;
}

function pathOf(operation: Record<string, unknown>): string | undefined {
  return typeof operation.path === 'string' ? operation.path : undefined;
}

function fromOf(operation: Record<string, unknown>): string | undefined {
  return typeof operation.from === 'string' ? operation.from : undefined;
}

function valueOf(operation: Record<string, unknown>): unknown {
  return operation.value === undefined ? null : operation.value;
}

function add(root: { value: unknown }, operation: Record<string, unknown>): void {
  const path = pathOf(operation);
  if (path === undefined) {
    throw wrap(MISSING, 'add operation failed to decode path');
  }
  const [container, key] = findObject(root, path);
  if (!container) {
    throw wrap(MISSING, `add operation does not apply: doc is missing path: "${path}"`);
  }
  try {
    addMember(container, key, structuredClone(valueOf(operation)));
  } catch (error) {
    throw rewrap(error, `error in add for path: '${path}'`);
  }
}

function remove(root: { value: unknown }, operation: Record<string, unknown>): void {
  const path = pathOf(operation);
  if (path === undefined) {
    throw wrap(MISSING, 'remove operation failed to decode path');
  }
  const [container, key] = findObject(root, path);
  if (!container) {
    throw wrap(MISSING, `remove operation does not apply: doc is missing path: "${path}"`);
  }
  try {
    removeMember(container, key);
  } catch (error) {
    throw rewrap(error, `error in remove for path: '${path}'`);
  }
}

function replace(root: { value: unknown }, operation: Record<string, unknown>): void {
  const path = pathOf(operation);
  if (path === undefined) {
    throw wrap(`operation missing path field: ${MISSING}`, 'replace operation failed to decode path');
  }
  const [container, key] = findObject(root, path);
  if (!container) {
    throw wrap(MISSING, `replace operation does not apply: doc is missing path: ${path}`);
  }
  try {
    getMember(container, key);
  } catch {
    throw wrap(MISSING, `replace operation does not apply: doc is missing key: ${path}`);
  }
  setMember(container, key, structuredClone(valueOf(operation)));
}

function move(root: { value: unknown }, operation: Record<string, unknown>): void {
  const from = fromOf(operation);
  if (from === undefined) {
    throw wrap(`operation, missing from field: ${MISSING}`, 'move operation failed to decode from');
  }
  const [source, sourceKey] = findObject(root, from);
  if (!source) {
    throw wrap(MISSING, `move operation does not apply: doc is missing from path: ${from}`);
  }
  let value: unknown;
  try {
    value = getMember(source, sourceKey);
    removeMember(source, sourceKey);
  } catch (error) {
    throw rewrap(error, `error in move for path: '${sourceKey}'`);
  }
  const path = pathOf(operation);
  if (path === undefined) {
    throw wrap(`operation missing path field: ${MISSING}`, 'move operation failed to decode path');
  }
  const [target, key] = findObject(root, path);
  if (!target) {
    throw wrap(MISSING, `move operation does not apply: doc is missing destination path: ${path}`);
  }
  try {
    addMember(target, key, value);
  } catch (error) {
    throw rewrap(error, `error in move for path: '${path}'`);
  }
}

function test(root: { value: unknown }, operation: Record<string, unknown>): void {
  const path = pathOf(operation);
  if (path === undefined) {
    throw wrap(`operation missing path field: ${MISSING}`, 'test operation failed to decode path');
  }
  const [container, key] = findObject(root, path);
  if (!container) {
    throw wrap(MISSING, `test operation does not apply: is missing path: ${path}`);
  }
  let actual: unknown = null;
  try {
    actual = getMember(container, key);
  } catch (error) {
    // An absent member reads as null; a bad array index is an error of its own.
    if ((error as CausedError).cause !== MISSING) {
      throw rewrap(error, `error in test for path: '${path}'`);
    }
  }
  if (!jsonEqual(actual ?? null, valueOf(operation))) {
    throw wrap(TEST_FAILED, `testing value ${path} failed`);
  }
}

function copy(root: { value: unknown }, operation: Record<string, unknown>): void {
  const from = fromOf(operation);
  if (from === undefined) {
    throw wrap(`operation, missing from field: ${MISSING}`, 'copy operation failed to decode from');
  }
  const [source, sourceKey] = findObject(root, from);
  if (!source) {
    throw wrap(MISSING, `copy operation does not apply: doc is missing from path: ${from}`);
  }
  let value: unknown;
  try {
    value = getMember(source, sourceKey);
  } catch (error) {
    throw rewrap(error, `error in copy for from: '${from}'`);
  }
  const path = pathOf(operation);
  if (path === undefined) {
    throw wrap(MISSING, 'copy operation failed to decode path');
  }
  const [target, key] = findObject(root, path);
  if (!target) {
    throw wrap(MISSING, `copy operation does not apply: doc is missing destination path: ${path}`);
  }
  try {
    addMember(target, key, structuredClone(value));
  } catch (error) {
    throw rewrap(error, 'error while adding value during copy');
  }
}

// RFC 6901: "~1" is "/" and "~0" is "~", decoded in that order.
function decodeToken(token: string): string {
  return token.replace(/~1/g, '/').replace(/~0/g, '~');
}

/** The container holding the member `path` points at, and that member's key; undefined when a parent is missing. */
function findObject(root: { value: unknown }, path: string): [Container | undefined, string] {
  const tokens = path.split('/');
  if (tokens.length < 2) {
    return [undefined, ''];
  }
  let current: unknown = root.value;
  for (const token of tokens.slice(1, -1)) {
    if (!isContainer(current)) {
      return [undefined, ''];
    }
    try {
      current = getMember(current, decodeToken(token));
    } catch {
      return [undefined, ''];
    }
  }
  if (!isContainer(current)) {
    return [undefined, ''];
  }
  return [current, decodeToken(tokens[tokens.length - 1])];
}

function isContainer(value: unknown): value is Container {
  return typeof value === 'object' && value !== null;
}

// Go's strconv.Atoi: an optional sign and decimal digits.
function parseIndex(key: string): number {
  if (!/^[+-]?\d+$/.test(key)) {
    throw new CausedError(`strconv.Atoi: parsing "${key}": invalid syntax`, 'invalid syntax');
  }
  return Number(key);
}

function invalidIndex(index: number): CausedError {
  return wrap(INVALID_INDEX, `Unable to access invalid index: ${index}`);
}

/** An existing index, with negative indices counted from the end. */
function existingIndex(array: unknown[], key: string): number {
  const index = parseIndex(key);
  if (index < -array.length || index >= array.length) {
    throw invalidIndex(index);
  }
  return index < 0 ? index + array.length : index;
}

function getMember(container: Container, key: string): unknown {
  if (Array.isArray(container)) {
    return container[existingIndex(container, key)];
  }
  if (!hasOwn(container, key)) {
    throw wrap(MISSING, `unable to get nonexistent key: ${key}`);
  }
  return container[key];
}

function setMember(container: Container, key: string, value: unknown): void {
  if (Array.isArray(container)) {
    container[existingIndex(container, key)] = value;
  } else {
    setOwn(container, key, value);
  }
}

function addMember(container: Container, key: string, value: unknown): void {
  if (!Array.isArray(container)) {
    setOwn(container, key, value);
    return;
  }
  if (key === '-') {
    container.push(value);
    return;
  }
  let index: number;
  try {
    index = parseIndex(key);
  } catch (error) {
    throw rewrap(error, `value was not a proper array index: '${key}'`);
  }
  const size = container.length + 1;
  if (index >= size || index < -size) {
    throw invalidIndex(index);
  }
  container.splice(index < 0 ? index + size : index, 0, value);
}

function removeMember(container: Container, key: string): void {
  if (Array.isArray(container)) {
    container.splice(existingIndex(container, key), 1);
    return;
  }
  if (!hasOwn(container, key)) {
    throw wrap(MISSING, `Unable to remove nonexistent key: ${key}`);
  }
  delete container[key];
}

/** Structural equality of JSON values: member order does not matter, array order does. */
function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) {
    return true;
  }
  if (!isContainer(a) || !isContainer(b) || Array.isArray(a) !== Array.isArray(b)) {
    return false;
  }
  const aKeys = Object.keys(a);
  const bKeys = Object.keys(b);
  return aKeys.length === bKeys.length
    && aKeys.every((key) => hasOwn(b, key)
      && jsonEqual((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]));
}
