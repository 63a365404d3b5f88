/**
 * Why a sandbox could not start, for a reason the caller can fix: the port is taken or invalid, or the kubeconfig path
 * holds a file the sandbox did not write. The message says what to change; nothing is left running.
 */
export class SandboxStartError extends Error {
  /** Whether `error` is a SandboxStartError. */
  public static is(error: unknown): error is SandboxStartError {
    return error instanceof SandboxStartError;
  }

  public constructor(message: string) {
    super(message);
    this.name = 'SandboxStartError';
  }
}
