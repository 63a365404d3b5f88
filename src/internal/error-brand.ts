// Each bundle the package publishes (lib/bundle/*.js: the runtime, the rehearsal, the CLI...) carries its own copy of
// the classes it uses, so `instanceof` cannot tell an error that another bundle made: a RuntimeError thrown by
// `rehearse()` is no instance of the RuntimeError imported from `cdk8s-staged-rollouts/runtime`. A brand under a
// Symbol.for key (one registry per process, shared by every copy) recognizes the error whichever copy made it.

/** Marks `error` as one of the project's `kind` errors (`RuntimeError`, `ClusterError`). */
export function brandError(error: Error, kind: string): void {
  Object.defineProperty(error, brandKey(kind), { value: true, enumerable: false });
}

/** Whether `value` was branded as a `kind` error, by any copy of the class. */
export function hasErrorBrand(value: unknown, kind: string): boolean {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[brandKey(kind)] === true;
}

function brandKey(kind: string): symbol {
  return Symbol.for(`cdk8s-staged-rollouts.${kind}`);
}
