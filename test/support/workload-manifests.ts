// The workload manifests every tier creates: a StatefulSet and a DaemonSet `name` selecting `app=<name>`, one container
// named after the workload, with what a test varies as options. Only the fields a test asks for are written, so the
// API server's defaulting stays what the test exercises.
import { PartitionPlan } from '../../src/partition-plan';
import type { KubeDaemonSetUpdateStrategy } from '../../src/runtime/kube/kube-types';
import type { KubeObject } from '../../src/sandbox/api';

/** Options of {@link statefulSetManifest}. */
export interface StatefulSetManifestOptions {
  /** Pods. @default 3 */
  readonly replicas?: number;
  /** The container's image. @default `<name>:1` */
  readonly image?: string;
  /**
   * 'staged': RollingUpdate with the partition pinned at `PartitionPlan.STAGED_PARTITION` (where kubectl-stage starts);
   * 'rolling': a plain RollingUpdate, as a user writes it.
   * @default - none written (the API server defaults it)
   */
  readonly updateStrategy?: 'staged' | 'rolling';
  /** The container's ports (a `metrics` port for the data-aware gates). @default none */
  readonly ports?: readonly { readonly name?: string; readonly containerPort: number }[];
  /** Spec fields laid over the built spec. @default {} */
  readonly spec?: Record<string, unknown>;
}

/** A StatefulSet `name` in namespace default, service `name`, selecting and labelling its pods `app=<name>`. */
export function statefulSetManifest(name: string, options: StatefulSetManifestOptions = {}): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name, namespace: 'default' },
    spec: {
      replicas: options.replicas ?? 3,
      serviceName: name,
      selector: { matchLabels: { app: name } },
      ...(options.updateStrategy ? { updateStrategy: STATEFUL_SET_STRATEGIES[options.updateStrategy] } : {}),
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name, image: options.image ?? `${name}:1`, ...options.ports && { ports: options.ports } }] },
      },
      ...options.spec,
    },
  };
}

const STATEFUL_SET_STRATEGIES: Record<NonNullable<StatefulSetManifestOptions['updateStrategy']>, Record<string, unknown>> = {
  staged: { type: 'RollingUpdate', rollingUpdate: { partition: PartitionPlan.STAGED_PARTITION } },
  rolling: { type: 'RollingUpdate' },
};

/** Options of {@link daemonSetManifest}. */
export interface DaemonSetManifestOptions {
  /** The container's image. @default `<name>:1` */
  readonly image?: string;
  /** The update strategy. @default - none written (the API server defaults it) */
  readonly updateStrategy?: KubeDaemonSetUpdateStrategy;
  /**
   * A port the container binds on its node (as node-exporter binds 9100: two of its pods can never share a node).
   * @default - none
   */
  readonly hostPort?: number;
  /** Pod spec fields beside the container (hostNetwork, tolerations ...). @default {} */
  readonly podSpec?: Record<string, unknown>;
  /** Spec fields laid over the built spec. @default {} */
  readonly spec?: Record<string, unknown>;
}

/** A DaemonSet `name` in namespace default, selecting and labelling its pods `app=<name>`. */
export function daemonSetManifest(name: string, options: DaemonSetManifestOptions = {}): KubeObject {
  const ports = options.hostPort === undefined ? {} : { ports: [{ containerPort: options.hostPort, hostPort: options.hostPort }] };
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name, namespace: 'default' },
    spec: {
      selector: { matchLabels: { app: name } },
      ...(options.updateStrategy ? { updateStrategy: options.updateStrategy } : {}),
      template: {
        metadata: { labels: { app: name } },
        spec: { ...options.podSpec, containers: [{ name, image: options.image ?? `${name}:1`, ...ports }] },
      },
      ...options.spec,
    },
  };
}
