// Objects the sandbox server tests create: a ConfigMap for plain CRUD and watches, and a two-container StatefulSet
// for patches, scale and status.
import type { KubeObject } from '../../../src/sandbox/api';

/** The collection path of ConfigMaps in the default namespace. */
export const CONFIGMAPS = '/api/v1/namespaces/default/configmaps';

/** A ConfigMap in the default namespace. */
export function configMap(name: string, data: Record<string, string> = {}, labels: Record<string, string> = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default', labels }, data };
}

/** StatefulSet `web`: two replicas of an nginx container (with an env var) and a busybox sidecar. */
export function webStatefulSet(image: string): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'web', labels: { app: 'web' } },
    spec: {
      replicas: 2,
      serviceName: 'web',
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: { containers: [{ name: 'nginx', image, env: [{ name: 'A', value: '1' }] }, { name: 'sidecar', image: 'busybox:1' }] },
      },
    },
  };
}
