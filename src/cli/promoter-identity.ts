// Who is promoting, as the Lease and the state record it, and whether a recorded promoter is provably gone: a killed
// `kubectl-stage promote` rerun on the same machine, in the same PID namespace, then resumes at once instead of
// waiting its Lease out. The facts come from the operating system here; the decision is the runtime's (lease-holder.ts).
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, readlinkSync } from 'node:fs';
import * as os from 'node:os';
import { formatLeaseHolder, isLeaseHolderGone, PromoterProcess } from '../runtime/promotion/lease-holder';

let self: PromoterProcess | undefined;
let runs = 0;

/** One command's promoter: its Lease holder identity, and how it tells that another holder is provably gone. */
export interface Promoter {
  /** `host/pid/scope/nonce.N` (see lease-holder.ts): unique to this command, even beside others in the same process. */
  readonly holder: string;
  /**
   * Whether `holder` names a promoter that provably no longer runs: one of this machine's boot and PID namespace whose
   * process is gone. Any other holder (another host, another container, another command of this very process, an
   * identity of another form) may be alive: its Lease is waited out.
   */
  gone(holder: string): boolean;
}

/** The promoter of one command run. */
export function newPromoter(): Promoter {
  self ??= { host: os.hostname(), pid: process.pid, scope: pidScope(), nonce: randomBytes(4).toString('hex') };
  const me: PromoterProcess = { ...self, nonce: `${self.nonce}.${++runs}` };
  return { holder: formatLeaseHolder(me), gone: (holder) => isLeaseHolderGone(holder, me, processExists) };
}

// The boot id and the PID namespace of this process (Linux): two promoters agree on it only when one's pid names the
// other's process. Elsewhere it is unknown, and no holder is ever proven gone.
function pidScope(): string | undefined {
  try {
    const boot = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    const namespace = readlinkSync('/proc/self/ns/pid');
    return createHash('sha256').update(`${boot}\n${namespace}`).digest('hex').slice(0, 12);
  } catch {
    return undefined;
  }
}

function processExists(pid: number): boolean {
  try {
    // Signal 0 checks that the process exists without touching it; EPERM means it exists under another user.
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}
