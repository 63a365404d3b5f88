// The uids the store assigns on create: deterministic and UUID-shaped, so tests and replays see the same uids run
// after run (upstream draws random UUIDs, which no client may rely on the value of).

/** Hands out `metadata.uid` values in order. */
export class UidGenerator {
  private counter = 0;

  /** The next uid: `00000000-0000-4000-8000-` and a 12-digit hexadecimal count. */
  public next(): string {
    const hex = (++this.counter).toString(16).padStart(12, '0');
    return `00000000-0000-4000-8000-${hex}`;
  }
}
