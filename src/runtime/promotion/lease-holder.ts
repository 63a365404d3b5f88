// Who holds a workload's Lease, written so that another promoter can tell when the holder is provably gone. A pid
// means something only inside one PID namespace of one boot of one machine: containers that share a hostname each
// have their own pid 1, and two machines may share a hostname. So the identity carries that scope, and a nonce that
// makes it unique per process even where the pid repeats.

/** A promoter process, as its Lease holder identity records it. */
export interface PromoterProcess {
  /** The host name. */
  readonly host: string;
  /** The process id, meaningful within `scope` only. */
  readonly pid: number;
  /**
   * Where `pid` names a process: a digest of the machine's boot and the PID namespace. @default unknown: the pid
   * names no process another promoter can check
   */
  readonly scope?: string;
  /**
   * A random token, different for every process, optionally followed by `.N` for the N-th promotion the process runs:
   * two promotions of one process (a library user, a controller) are two holders, and neither is ever "gone".
   */
  readonly nonce: string;
}

// The part of a nonce that names the process.
const processToken = (nonce: string) => nonce.split('.')[0];

// An unknown scope is written as this, so the identity keeps its four parts.
const UNKNOWN_SCOPE = '-';

/** The holder identity of `process`: `host/pid/scope/nonce`. */
export function formatLeaseHolder(process: PromoterProcess): string {
  return `${process.host}/${process.pid}/${process.scope ?? UNKNOWN_SCOPE}/${process.nonce}`;
}

/** The process a holder identity names; undefined for any other form (an older `host/pid`, a CI runner's name). */
export function parseLeaseHolder(holder: string): PromoterProcess | undefined {
  const match = /^([^/]+)\/(\d+)\/([^/]+)\/([^/]+)$/.exec(holder);
  if (!match) {
    return undefined;
  }
  const scope = match[3] === UNKNOWN_SCOPE ? undefined : match[3];
  return { host: match[1], pid: Number(match[2]), scope, nonce: match[4] };
}

/**
 * Whether the promoter named by `holder` provably no longer runs, so its Lease need not be waited out (pure): it ran
 * on this host in the same known scope as `self` (same boot, same PID namespace), and its pid is either ours (a
 * different process before us had it) or names no process. Any other holder may be alive, renewing its Lease.
 *
 * @param processExists whether a pid of `self`'s scope names a live process
 */
export function isLeaseHolderGone(holder: string, self: PromoterProcess, processExists: (pid: number) => boolean): boolean {
  const other = parseLeaseHolder(holder);
  if (!other || self.scope === undefined || other.scope !== self.scope || other.host !== self.host
    || processToken(other.nonce) === processToken(self.nonce)) {
    return false;
  }
  return other.pid === self.pid || !processExists(other.pid);
}
