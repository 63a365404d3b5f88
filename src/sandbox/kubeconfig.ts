// The kubeconfig that points kubectl and client libraries at a sandbox: one cluster `sandbox` over plain HTTP on
// 127.0.0.1 (no TLS, no credentials: the sandbox serves only this machine), one context `sandbox` in namespace
// `default`, made current. `insecure-skip-tls-verify` is set because @kubernetes/client-node refuses an http://
// server without it; kubectl ignores it for plain HTTP.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { stringify } from 'yaml';

/** The name of the kubeconfig's cluster, user and context. */
export const SANDBOX_CONTEXT = 'sandbox';

/** The kubeconfig object for a sandbox served at `url`. */
export function sandboxKubeconfig(url: string): Record<string, unknown> {
  return {
    'apiVersion': 'v1',
    'kind': 'Config',
    'clusters': [{ name: SANDBOX_CONTEXT, cluster: { 'server': url, 'insecure-skip-tls-verify': true } }],
    'users': [{ name: SANDBOX_CONTEXT, user: {} }],
    'contexts': [{ name: SANDBOX_CONTEXT, context: { cluster: SANDBOX_CONTEXT, user: SANDBOX_CONTEXT, namespace: 'default' } }],
    'current-context': SANDBOX_CONTEXT,
    'preferences': {},
  };
}

/** Writes `kubeconfig` as YAML to `path` (creating its directory), readable only by the current user as kubectl writes it. */
export function writeKubeconfig(path: string, kubeconfig: Record<string, unknown>): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, stringify(kubeconfig), { mode: 0o600 });
}
