// The Kubernetes JSON shapes the runtime reads and writes, reduced to the fields it uses.
// They are plain data exactly as the API server sends it (timestamps are RFC 3339 strings), so decision functions
// can be tested with object literals and the adapter never has to convert between client-library models and JSON.

/** Object metadata (`metav1.ObjectMeta`), the fields the runtime uses. */
export interface KubeObjectMeta {
  readonly name?: string;
  readonly namespace?: string;
  readonly uid?: string;
  readonly resourceVersion?: string;
  readonly generation?: number;
  readonly creationTimestamp?: string | null;
  readonly deletionTimestamp?: string | null;
  readonly labels?: Record<string, string>;
  readonly annotations?: Record<string, string>;
  readonly ownerReferences?: readonly KubeOwnerReference[];
}

/** An owner reference (`metav1.OwnerReference`). */
export interface KubeOwnerReference {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  readonly uid: string;
  readonly controller?: boolean;
}

/** A label selector (`metav1.LabelSelector`). */
export interface KubeLabelSelector {
  readonly matchLabels?: Record<string, string>;
  readonly matchExpressions?: readonly KubeLabelSelectorRequirement[];
}

/** One `matchExpressions` entry of a label selector. */
export interface KubeLabelSelectorRequirement {
  readonly key: string;
  readonly operator: string;
  readonly values?: readonly string[];
}

/** A container of a pod template, the fields history and warnings print. */
export interface KubeContainer {
  readonly name: string;
  readonly image?: string;
  readonly ports?: readonly { readonly containerPort: number; readonly hostPort?: number; readonly protocol?: string; readonly name?: string }[];
}

/** A pod template (`v1.PodTemplateSpec`); the rest of the spec is carried through untouched. */
export interface KubePodTemplate {
  readonly metadata?: KubeObjectMeta;
  readonly spec?: {
    readonly containers?: readonly KubeContainer[];
    readonly initContainers?: readonly KubeContainer[];
    readonly [field: string]: unknown;
  };
}

/** `spec.updateStrategy` of a StatefulSet. */
export interface KubeStatefulSetUpdateStrategy {
  readonly type?: string;
  readonly rollingUpdate?: {
    readonly partition?: number;
    readonly maxUnavailable?: number | string;
  } | null;
}

/** A StatefulSet (`apps/v1`). */
export interface KubeStatefulSet {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly metadata: KubeObjectMeta;
  readonly spec: {
    readonly replicas?: number;
    readonly selector: KubeLabelSelector;
    readonly template: KubePodTemplate;
    readonly updateStrategy?: KubeStatefulSetUpdateStrategy;
    readonly podManagementPolicy?: string;
    readonly minReadySeconds?: number;
    readonly ordinals?: { readonly start?: number };
  };
  readonly status?: {
    readonly observedGeneration?: number;
    readonly replicas?: number;
    readonly readyReplicas?: number;
    readonly currentReplicas?: number;
    readonly updatedReplicas?: number;
    readonly availableReplicas?: number;
    readonly currentRevision?: string;
    readonly updateRevision?: string;
  };
}

/** `spec.updateStrategy` of a DaemonSet. */
export interface KubeDaemonSetUpdateStrategy {
  readonly type?: string;
  readonly rollingUpdate?: {
    readonly maxUnavailable?: number | string;
    readonly maxSurge?: number | string;
  } | null;
}

/** A DaemonSet (`apps/v1`). */
export interface KubeDaemonSet {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly metadata: KubeObjectMeta;
  readonly spec: {
    readonly selector: KubeLabelSelector;
    readonly template: KubePodTemplate;
    readonly updateStrategy?: KubeDaemonSetUpdateStrategy;
    readonly minReadySeconds?: number;
  };
  readonly status?: {
    readonly observedGeneration?: number;
    readonly desiredNumberScheduled?: number;
    readonly currentNumberScheduled?: number;
    readonly updatedNumberScheduled?: number;
    readonly numberReady?: number;
    readonly numberAvailable?: number;
    readonly numberUnavailable?: number;
    readonly numberMisscheduled?: number;
  };
}

/** A pod condition (`v1.PodCondition`). */
export interface KubePodCondition {
  readonly type: string;
  readonly status: string;
  readonly reason?: string;
  readonly message?: string;
  readonly lastTransitionTime?: string | null;
}

/** The state of a container (`v1.ContainerState`). */
export interface KubeContainerState {
  readonly waiting?: { readonly reason?: string; readonly message?: string };
  readonly running?: { readonly startedAt?: string | null };
  readonly terminated?: { readonly reason?: string; readonly message?: string; readonly exitCode?: number };
}

/** A container status (`v1.ContainerStatus`). */
export interface KubeContainerStatus {
  readonly name: string;
  readonly ready?: boolean;
  readonly restartCount?: number;
  readonly image?: string;
  readonly state?: KubeContainerState;
  readonly lastState?: KubeContainerState;
}

/** A pod (`v1.Pod`). */
export interface KubePod {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly metadata: KubeObjectMeta;
  readonly spec?: {
    readonly nodeName?: string;
    readonly containers?: readonly KubeContainer[];
    readonly [field: string]: unknown;
  };
  readonly status?: {
    readonly phase?: string;
    readonly conditions?: readonly KubePodCondition[];
    readonly containerStatuses?: readonly KubeContainerStatus[];
    readonly initContainerStatuses?: readonly KubeContainerStatus[];
  };
}

/** A ControllerRevision (`apps/v1`): a snapshot of a workload's pod template. */
export interface KubeControllerRevision {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly metadata: KubeObjectMeta;
  readonly revision: number;
  /** The strategic merge patch `{"spec":{"template":{..., "$patch":"replace"}}}` the controller stored. */
  readonly data?: unknown;
}

/** A Lease (`coordination.k8s.io/v1`). */
export interface KubeLease {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly metadata: KubeObjectMeta;
  readonly spec?: {
    readonly holderIdentity?: string | null;
    readonly leaseDurationSeconds?: number | null;
    readonly acquireTime?: string | null;
    readonly renewTime?: string | null;
    readonly leaseTransitions?: number | null;
  };
}

/** A node (`v1.Node`), the fields the DaemonSet canary planner reads. */
export interface KubeNode {
  readonly metadata: KubeObjectMeta;
}

/** An object reference, as an Event's `involvedObject` holds it. */
export interface KubeObjectReference {
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  readonly uid?: string;
  readonly resourceVersion?: string;
}

/** A core/v1 Event, the fields `kubectl describe` and event-based alerting read. */
export interface KubeEvent {
  readonly apiVersion: 'v1';
  readonly kind: 'Event';
  readonly metadata: KubeObjectMeta;
  readonly involvedObject: KubeObjectReference;
  /** `Normal` or `Warning`. */
  readonly type: string;
  readonly reason: string;
  readonly message: string;
  readonly action: string;
  readonly source: { readonly component: string };
  readonly reportingComponent: string;
  readonly reportingInstance: string;
  readonly eventTime: string;
  readonly firstTimestamp: string;
  readonly lastTimestamp: string;
  readonly count: number;
}

/** A workload the runtime promotes. */
export type KubeWorkload = KubeStatefulSet | KubeDaemonSet;
