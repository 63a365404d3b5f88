import { Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { DaemonSetRollout } from './daemonset-rollout';
import { StatefulSetRollout } from './statefulset-rollout';

/** How strictly the pods of one workload are kept on different nodes. */
export enum PodAntiAffinity {
  /** Never schedule two pods on the same node (`requiredDuringScheduling…`); a pod stays Pending rather than share. */
  REQUIRED = 'REQUIRED',
  /** Prefer different nodes (`preferredDuringScheduling…`, weight 100) but share one when no other fits. */
  PREFERRED = 'PREFERRED',
  /** No anti-affinity. */
  NONE = 'NONE',
}

/**
 * Options every workload construct of this library accepts. There is no namespace option: every object goes to
 * the namespace of the Chart it is defined in (`default` when the Chart has none), which is also the namespace in
 * every DNS name the constructs compute.
 */
export interface WorkloadOptions {
  /**
   * Extra labels for every object and pod (the `app.kubernetes.io/*` labels are always set and cannot be overridden).
   * A change rolls the pods, since they are on the pod template too.
   * @default - none
   */
  readonly labels?: { [key: string]: string };
  /**
   * Extra annotations for the workload object (the StatefulSet or DaemonSet), not its pods: see `podAnnotations`.
   * @default - none
   */
  readonly annotations?: { [key: string]: string };
  /**
   * Extra labels for the pods only (on the pod template), e.g. `sidecar.istio.io/inject`. A key the construct sets
   * on its pods, or one of `labels`, is refused.
   * @default - none
   */
  readonly podLabels?: { [key: string]: string };
  /**
   * Extra annotations for the pods only (on the pod template), e.g. a checksum of a mounted ConfigMap so a change of
   * it rolls the pods. A key the construct sets on its pods is refused.
   * @default - none
   */
  readonly podAnnotations?: { [key: string]: string };
  /**
   * Resource requests and limits of the main container.
   * @default - the construct's documented defaults
   */
  readonly resources?: kplus.ContainerResources;
  /**
   * Extra environment variables of the main container: plain values (`EnvValue.fromValue`) or references to a
   * Secret or ConfigMap key (`EnvValue.fromSecretValue`, `EnvValue.fromConfigMap`) or a pod field
   * (`EnvValue.fromFieldRef`). A variable the construct sets (or its start script reads, like `HOSTNAME`) is
   * refused, naming the construct's value: change that one through its prop.
   * @default - none
   */
  readonly env?: { [name: string]: kplus.EnvValue };
  /**
   * Extra volumes of the pods (L1 `Volume`s), each with one source the Pod Security `restricted` level allows:
   * secret, configMap, projected, downwardApi, emptyDir, ephemeral, persistentVolumeClaim or csi (a host directory
   * is refused). A name the construct uses for its own volumes or claims is refused.
   * @default - none
   */
  readonly extraVolumes?: kplus.k8s.Volume[];
  /**
   * Extra mounts of the main container, each of a volume of `extraVolumes`, at an absolute path the construct does
   * not mount itself.
   * @default - none
   */
  readonly extraVolumeMounts?: kplus.k8s.VolumeMount[];
  /**
   * Affinity of the pods (`nodeAffinity`, `podAffinity`, `podAntiAffinity`). Node and pod affinity are taken as
   * given; pod anti-affinity terms are added to the ones the `antiAffinity` option produces (set it to
   * `PodAntiAffinity.NONE` to keep only yours). `topologySpreadKey` is a separate field and unaffected.
   * @default - only the anti-affinity of the `antiAffinity` option
   */
  readonly affinity?: kplus.k8s.Affinity;
  /**
   * Node labels the pods must match (`nodeSelector` of the pod template).
   * @default - none
   */
  readonly nodeSelector?: { [key: string]: string };
  /**
   * Tolerations of the pods (on the pod template).
   * @default - none
   */
  readonly tolerations?: kplus.k8s.Toleration[];
  /**
   * `priorityClassName` of the pods (on the pod template).
   * @default - none
   */
  readonly priorityClassName?: string;
  /**
   * `kubernetes.io/change-cause` annotation written on the workload (what `kubectl rollout history` shows).
   * @default - none
   */
  readonly changeCause?: string;
}

/** Options of the workloads that keep one persistent volume per pod. */
export interface StatefulWorkloadOptions extends WorkloadOptions {
  /**
   * Number of pods.
   * @default 3
   */
  readonly replicas?: number;
  /**
   * Storage class of the per-pod volumes.
   * @default - the cluster's default storage class
   */
  readonly storageClassName?: string;
  /**
   * Size of each pod's volume.
   * @default Size.gibibytes(10)
   */
  readonly storageSize?: Size;
  /**
   * Keeping pods on different nodes.
   * @default PodAntiAffinity.REQUIRED
   */
  readonly antiAffinity?: PodAntiAffinity;
  /**
   * Spread the pods evenly over this topology key (for instance `topology.kubernetes.io/zone`), at most one apart.
   * @default - no topology spread constraint
   */
  readonly topologySpreadKey?: string;
  /**
   * How a new pod template rolls out; a staged rollout writes its partition plan annotation.
   * @default StatefulSetRollout.rollingUpdate() with Parallel pod management
   */
  readonly rollout?: StatefulSetRollout;
  /**
   * Cluster DNS domain used in the per-pod host names.
   * @default 'cluster.local'
   */
  readonly clusterDomain?: string;
}

/** Options of the workloads that run one pod per node. */
export interface DaemonWorkloadOptions extends WorkloadOptions {
  /**
   * How a new pod template rolls out over the nodes. A maxSurge above 0 is rejected for agents that bind
   * host ports (the new pod could never start next to the old one).
   * @default DaemonSetRollout.rollingUpdate({ maxUnavailable: PercentOrCount.count(1) })
   */
  readonly rollout?: DaemonSetRollout;
}
