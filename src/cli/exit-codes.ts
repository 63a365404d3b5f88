// The exit codes of kubectl-stage, one per outcome a script may branch on (documented in docs/runtime.md).
import { RuntimeError, RuntimeErrorKind } from '../runtime/runtime-error';

/** The process exit codes of `kubectl-stage`. */
export const ExitCode = {
  /** The command did what was asked. */
  SUCCESS: 0,
  /** A promotion step failed its gate (built-in, soak or external) and nothing was rolled back. */
  GATE_FAILED: 1,
  /** A step failed and the previous revision was restored (`--auto-rollback`). */
  ROLLED_BACK: 2,
  /** A deadline passed (`--timeout`). */
  TIMED_OUT: 3,
  /** The command line, the plan or the object does not allow the request; nothing was changed. */
  BAD_INPUT: 4,
  /** Another promoter holds the workload's Lease. */
  LOCK_HELD: 5,
  /** The API server failed or could not be reached. */
  API_ERROR: 6,
  /** Ctrl-C stopped a command that waits (a promotion keeps its state for a rerun): 128 + SIGINT, as a shell reports it. */
  INTERRUPTED: 130,
} as const;

/** One of {@link ExitCode}'s values. */
export type ExitCodeValue = typeof ExitCode[keyof typeof ExitCode];

const EXIT_CODE_BY_KIND: Record<RuntimeErrorKind, ExitCodeValue> = {
  'bad-input': ExitCode.BAD_INPUT,
  'lock-held': ExitCode.LOCK_HELD,
  'timed-out': ExitCode.TIMED_OUT,
  'api': ExitCode.API_ERROR,
};

/**
 * The exit code for an error a command threw: by the kind of a RuntimeError; anything else (a ClusterError the
 * retries did not absorb, a transport failure) is an API error.
 */
export function exitCodeForError(error: unknown): ExitCodeValue {
  return RuntimeError.is(error) ? EXIT_CODE_BY_KIND[error.kind] : ExitCode.API_ERROR;
}
