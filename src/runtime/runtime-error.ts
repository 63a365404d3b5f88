import { brandError, hasErrorBrand } from '../internal/error-brand';

/**
 * What kind of failure a runtime error is. The CLI maps each kind to a documented exit code.
 *
 * - `bad-input`: the request cannot be carried out as given (unknown object, malformed flag, plan that does not fit);
 *   nothing was changed in the cluster.
 * - `lock-held`: another promoter holds the workload's Lease.
 * - `timed-out`: a deadline passed while waiting for the cluster.
 * - `api`: the API server answered with an error the runtime does not recover from.
 */
export type RuntimeErrorKind = 'bad-input' | 'lock-held' | 'timed-out' | 'api';

/** An error the runtime raises on purpose, with a message meant for the person running the command. */
export class RuntimeError extends Error {
  /**
   * Whether `error` is a `RuntimeError` of the given kind, made by this copy of the class or by another bundle's
   * (`rehearse()` throws its own copy's).
   */
  public static is(error: unknown, kind?: RuntimeErrorKind): error is RuntimeError {
    return hasErrorBrand(error, 'RuntimeError') && (kind === undefined || (error as RuntimeError).kind === kind);
  }

  /** The kind of failure. */
  public readonly kind: RuntimeErrorKind;

  public constructor(kind: RuntimeErrorKind, message: string) {
    super(message);
    this.name = 'RuntimeError';
    this.kind = kind;
    brandError(this, 'RuntimeError');
  }
}
