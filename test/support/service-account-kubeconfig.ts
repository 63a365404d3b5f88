// A kubeconfig that authenticates to the real control plane as a ServiceAccount (a token from `kubectl create token`),
// so what a construct's Role grants is what the API server enforces on the commands run with it.
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { stringify } from 'yaml';
import { ScenarioCluster } from './scenario-cluster';

/** Writes a kubeconfig for ServiceAccount `name` of `namespace` beside the cluster's (engine 'kube'); returns its path. */
export async function serviceAccountKubeconfig(cluster: ScenarioCluster, name: string, namespace = 'default'): Promise<string> {
  const token = await cluster.kubectl(['create', 'token', name, '-n', namespace, '--duration=1h']);
  if (token.code !== 0) {
    throw new Error(`kubectl create token ${name} failed (${token.code}): ${token.stderr}`);
  }
  const config = JSON.parse(JSON.stringify(cluster.kube!.kubeconfig));
  config.users = [{ name, user: { token: token.stdout.trim() } }];
  config.contexts[0].context.user = name;
  const path = join(dirname(cluster.kubeconfigPath), `${namespace}-${name}.kubeconfig`);
  writeFileSync(path, stringify(config), { mode: 0o600 });
  return path;
}
