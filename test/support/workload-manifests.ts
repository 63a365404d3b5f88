// Workload manifests as a user writes them, for the scenario tier: plain rolling updates, nothing staged. They are the
// unit tests' builders (test/runtime) with those defaults.
import type { KubeDaemonSetUpdateStrategy } from '../../src/runtime/kube/kube-types';
import type { KubeObject } from '../../src/sandbox/api';
import { daemonSetManifest } from '../runtime/daemonset-fixtures';
import { statefulSetManifest } from '../runtime/promotion-fixture';

/** A StatefulSet `name` with `replicas` pods of one container on `image`, rolling updates, label app=name. */
export function statefulSet(name: string, replicas: number, image: string, spec: Record<string, unknown> = {}): KubeObject {
  return statefulSetManifest(name, replicas, image, { updateStrategy: { type: 'RollingUpdate' }, ...spec });
}

/** A DaemonSet `name` on `image` (node-exporter's host port), rolling updates one node at a time unless `strategy` says. */
export function daemonSet(name: string, image: string, strategy: KubeDaemonSetUpdateStrategy = { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1 } },
  podSpec: Record<string, unknown> = {}): KubeObject {
  return daemonSetManifest(name, image, strategy, podSpec);
}
