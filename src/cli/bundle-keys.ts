// The content keys of the bundles the kubectl-stage bin loads (issue 16: start-up), by bundle name: what names their
// V8 code cache (code-cache-store.ts), so that a changed bundle never runs its predecessor's code. projenrc/bundle.ts
// fills this table in the bin's bundle with each bundle's sha256, made once at build time rather than on every run.
// Empty here: run from src/ or lib/cli/, the CLI loads no bundle.

/** Bundle name to its content key. */
export const BUNDLE_KEYS: Readonly<Record<string, string>> = {};
