// Member access on decoded JSON objects that treats every key as data: `constructor` is not "present" through the
// prototype and `__proto__` is stored as a member instead of replacing the object's prototype, as in Go's maps.

/** Whether `object` has its own member `key`. */
export function hasOwn(object: object, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(object, key);
}

/** Sets the own member `key` of `object`, whatever the key. */
export function setOwn(object: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
}
