// Workload manifests the scenario tests apply on either engine: plain StatefulSets and DaemonSets as a user writes them.

/** A StatefulSet `name` with `replicas` pods of one container on `image`, rolling updates, label app=name. */
export function statefulSet(name: string, replicas: number, image: string, spec: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name, namespace: 'default' },
    spec: {
      replicas,
      serviceName: name,
      selector: { matchLabels: { app: name } },
      updateStrategy: { type: 'RollingUpdate' },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name, image }] } },
      ...spec,
    },
  };
}

/** A DaemonSet `name` with one container on `image`, rolling updates, label app=name. */
export function daemonSet(name: string, image: string, spec: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name, namespace: 'default' },
    spec: {
      selector: { matchLabels: { app: name } },
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1 } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name, image }] } },
      ...spec,
    },
  };
}
