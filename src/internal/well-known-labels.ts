// Label and annotation keys Kubernetes itself defines for StatefulSet and DaemonSet pods, defined once here: the
// sandbox's controllers write them, and the constructs' `RolloutKeys` (which the runtime reads them through) take
// their values from here. Upstream: staging/src/k8s.io/api/apps/v1/types.go (and pkg/apis/apps/types.go for the
// template generation label).

/**
 * The revision an object belongs to: the pod label naming the ControllerRevision a StatefulSet or DaemonSet pod was
 * created from (apps/v1 `ControllerRevisionHashLabelKey`, aliased as `StatefulSetRevisionLabel` and
 * `DefaultDaemonSetUniqueLabelKey`); the DaemonSet controller puts it on its ControllerRevisions too.
 * Not to be confused with the hash of a revision's data (pkg/controller/history `ControllerRevisionHashLabel`,
 * `controller.kubernetes.io/hash`).
 */
export const POD_REVISION_LABEL = 'controller-revision-hash';

/** The StatefulSet pod label carrying the pod's own name (apps/v1 `StatefulSetPodNameLabel`). */
export const STATEFULSET_POD_NAME_LABEL = 'statefulset.kubernetes.io/pod-name';

/** The StatefulSet pod label carrying the pod's ordinal, Kubernetes 1.28+ (apps/v1 `PodIndexLabel`). */
export const POD_INDEX_LABEL = 'apps.kubernetes.io/pod-index';

/** The DaemonSet annotation counting template changes (apps/v1 `DeprecatedTemplateGeneration`). */
export const DAEMONSET_TEMPLATE_GENERATION_ANNOTATION = 'deprecated.daemonset.template.generation';

/**
 * The DaemonSet pod label carrying the template generation the pod was created from (pkg/apis/apps
 * `DaemonSetTemplateGenerationKey`, deprecated upstream for `controller-revision-hash` but still written).
 */
export const POD_TEMPLATE_GENERATION_LABEL = 'pod-template-generation';
