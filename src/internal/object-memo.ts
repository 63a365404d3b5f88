// Values derived from objects that are never changed in place (the sandbox's committed objects and their parts: a
// change arrives as a new object), remembered per object and forgotten with it. Controllers ask the same questions of
// the same objects on every sync; the answer to an object never goes stale.

/** A function of an object, computed once per object; non-object arguments (null, undefined) are computed each time. */
export class ObjectMemo<K, V> {
  private readonly values = new WeakMap<object, V>();

  /** @param compute derives the value; it must depend on nothing but its argument. */
  constructor(private readonly compute: (key: K) => V) {}

  /** The value for `key`, computed on first use. */
  public get(key: K): V {
    if (typeof key !== 'object' || key === null) {
      return this.compute(key);
    }
    let value = this.values.get(key);
    if (value === undefined) {
      value = this.compute(key);
      this.values.set(key, value);
    }
    return value;
  }

  /** Records the value of `key` when the caller already has it (e.g. from the object it was copied from). */
  public set(key: K & object, value: V): void {
    this.values.set(key, value);
  }
}
