// The copies the store hands out and takes in: no caller ever holds a stored object (except through the read-only
// views), so no caller can change one behind the store's back.

/** A deep copy of `value`, as structuredClone makes it. */
export function copy<T>(value: T): T {
  return value === undefined ? value : copyPlain(value, 0) as T;
}

// Deeper than any API object: past it (a cyclic structure) copying falls back to structuredClone.
const MAX_PLAIN_DEPTH = 100;

// What structuredClone makes of JSON-like data (plain objects, arrays, primitives), built directly: every write
// copies its object in and out, and this is several times faster. Anything else (a Date, a class instance, a
// function, which structuredClone rejects) goes to structuredClone itself.
function copyPlain(value: unknown, depth: number): unknown {
  if (typeof value !== 'object' || value === null) {
    return typeof value === 'function' || typeof value === 'symbol' ? structuredClone(value) : value;
  }
  if (depth > MAX_PLAIN_DEPTH) {
    return structuredClone(value);
  }
  if (Array.isArray(value)) {
    const copied = new Array(value.length);
    for (let i = 0; i < value.length; i++) {
      if (i in value) {
        copied[i] = copyPlain(value[i], depth + 1);
      }
    }
    return copied;
  }
  const prototype = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) {
    return structuredClone(value);
  }
  const copied: Record<string, unknown> = {};
  // for-in rather than Object.keys, which allocates an array per object copied (same keys in the same order; the
  // own-property check keeps out anything enumerable someone added to Object.prototype).
  for (const key in value) {
    if (!Object.prototype.hasOwnProperty.call(value, key)) {
      continue;
    }
    const item = copyPlain((value as Record<string, unknown>)[key], depth + 1);
    if (key === '__proto__') {
      Object.defineProperty(copied, key, { value: item, enumerable: true, writable: true, configurable: true });
    } else {
      copied[key] = item;
    }
  }
  return copied;
}
