import { KubeObject } from '../../../src/sandbox/api';
import { VirtualClock } from '../../../src/sandbox/clock';
import { SandboxStore } from '../../../src/sandbox/store';

/** 2024-05-01T10:00:00Z, the virtual start of every store test. */
export const START_MS = Date.UTC(2024, 4, 1, 10, 0, 0);

/** A fresh store on a virtual clock. */
export function newStore(historyLimit?: number): { store: SandboxStore; clock: VirtualClock } {
  const clock = new VirtualClock(START_MS);
  return { store: new SandboxStore({ clock, historyLimit }), clock };
}

/** A StatefulSet as the seed's `zk` manifest declares it (no defaults filled). */
export function zookeeperStatefulSet(overrides: Record<string, any> = {}): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'zk', namespace: 'default' },
    spec: {
      serviceName: 'zk-hs',
      replicas: 3,
      selector: { matchLabels: { app: 'zk' } },
      template: {
        metadata: { labels: { app: 'zk' } },
        spec: { containers: [{ name: 'kubernetes-zookeeper', image: 'registry.k8s.io/kubernetes-zookeeper:1.0-3.4.10', ports: [{ containerPort: 2181, name: 'client' }] }] },
      },
      ...overrides,
    },
  };
}

/** A DaemonSet as the seed's `node-exporter` manifest declares it (no defaults filled), running `image`. */
export function nodeExporterDaemonSet(image = 'prom/node-exporter'): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: 'node-exporter' },
    spec: {
      selector: { matchLabels: { app: 'node-exporter' } },
      template: { metadata: { labels: { app: 'node-exporter' } }, spec: { containers: [{ name: 'node-exporter', image }] } },
    },
  };
}

/** A pod with one container. */
export function pod(name: string, labels: Record<string, string> = {}, namespace = 'default'): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace, labels },
    spec: { containers: [{ name: 'app', image: 'nginx:1.25' }] },
  };
}
