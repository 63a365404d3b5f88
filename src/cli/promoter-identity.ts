// Who is promoting, as the Lease and the state record it, and whether a recorded promoter of this machine is gone:
// a killed `kubectl-stage promote` rerun on the same host then resumes at once instead of waiting its Lease out.
import * as os from 'node:os';

/** This process as a promoter: `host/pid`. */
export function promoterIdentity(): string {
  return `${os.hostname()}/${process.pid}`;
}

/**
 * Whether `holder` names a promoter process of this host that no longer exists. Holders of other hosts, or in another
 * form, are never known gone: their Lease is waited out.
 */
export function localPromoterGone(holder: string): boolean {
  const match = /^(.*)\/(\d+)$/.exec(holder);
  if (!match || match[1] !== os.hostname() || Number(match[2]) === process.pid) {
    return false;
  }
  try {
    // Signal 0 checks that the process exists without touching it; EPERM means it exists under another user.
    process.kill(Number(match[2]), 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
