// The kubeconfig that points kubectl and client libraries at a sandbox: one cluster `sandbox` over HTTPS on
// 127.0.0.1 whose certificate authority is the sandbox's own self-signed certificate, one user `sandbox` with the
// sandbox's bearer token (so no other program, nor a web page, can use the server without reading this file; kubectl
// sends a token only over TLS), one context `sandbox` in namespace `default`, made current.
// Writing it to disk is kubeconfig-file.ts's, which never overwrites a file the sandbox did not write.

/** The name of the kubeconfig's cluster, user and context. */
export const SANDBOX_CONTEXT = 'sandbox';

/**
 * The kubeconfig object for a sandbox served at `url` with the PEM certificate `certificate`, that requires the
 * bearer token `token`.
 */
export function sandboxKubeconfig(url: string, certificate: string, token: string): Record<string, unknown> {
  return {
    'apiVersion': 'v1',
    'kind': 'Config',
    'clusters': [{ name: SANDBOX_CONTEXT, cluster: { 'server': url, 'certificate-authority-data': Buffer.from(certificate).toString('base64') } }],
    'users': [{ name: SANDBOX_CONTEXT, user: { token } }],
    'contexts': [{ name: SANDBOX_CONTEXT, context: { cluster: SANDBOX_CONTEXT, user: SANDBOX_CONTEXT, namespace: 'default' } }],
    'current-context': SANDBOX_CONTEXT,
    'preferences': {},
  };
}
