import {
  DAEMONSET_TEMPLATE_GENERATION_ANNOTATION, POD_INDEX_LABEL, POD_REVISION_LABEL, POD_TEMPLATE_GENERATION_LABEL, STATEFULSET_POD_NAME_LABEL,
} from './internal/well-known-labels';

/**
 * Every label and annotation key the project writes or reads (and the one environment variable the controller's
 * Deployment and the CLI share), defined once so the constructs and the
 * runtime cannot drift apart. jsii cannot export top-level constants, hence a class of static members.
 * Keys Kubernetes itself defines take their values from src/internal/well-known-labels.ts, which the sandbox shares.
 *
 * @example
 * import { RolloutKeys } from 'cdk8s-staged-rollouts';
 * const plan = workload.metadata.getAnnotation(RolloutKeys.PLAN_ANNOTATION);
 */
export class RolloutKeys {
  /** Annotation holding a staged StatefulSet's partition plan in its string form. */
  public static readonly PLAN_ANNOTATION = 'staged-rollouts.io/plan';
  /**
   * Annotation holding the gates `kubectl-stage promote` runs when no `--gate` flag is given: a JSON array of gates in
   * the text `--gate` takes (`["kafka:min-isr","zookeeper"]`).
   */
  public static readonly GATES_ANNOTATION = 'staged-rollouts.io/gates';
  /** Annotation holding the soak of each step of a staged promotion, in the duration text `--soak` takes (`5m`). */
  public static readonly SOAK_ANNOTATION = 'staged-rollouts.io/soak';
  /** Annotation holding how long a step may wait for its pods, in the duration text `--timeout` takes (`10m`). */
  public static readonly STEP_TIMEOUT_ANNOTATION = 'staged-rollouts.io/step-timeout';
  /** Annotation saying whether a failed step restores the previous revision: `true` or `false`. */
  public static readonly AUTO_ROLLBACK_ANNOTATION = 'staged-rollouts.io/auto-rollback';
  /** Annotation holding the approval policy of a staged promotion: `each-step` or `none` (see `ApprovalPolicy`). */
  public static readonly APPROVAL_ANNOTATION = 'staged-rollouts.io/approval';
  /**
   * Annotation holding the order in which `kubectl-stage promote` restarts a staged StatefulSet's pods
   * (`zookeeper-leader-last`, `kraft-controller-last`; see `RestartOrder`).
   */
  public static readonly RESTART_ORDER_ANNOTATION = 'staged-rollouts.io/restart-order';
  /** Annotation holding the runtime's promotion state (JSON). */
  public static readonly STATE_ANNOTATION = 'staged-rollouts.io/state';
  /**
   * Annotation holding a workload's update strategy while a promotion has switched it to OnDelete (JSON): a DaemonSet's
   * during a node canary, a StatefulSet's during an ordered restart.
   */
  public static readonly ORIGINAL_STRATEGY_ANNOTATION = 'staged-rollouts.io/original-strategy';
  /** Upstream annotation describing why a workload changed (the replacement for `kubectl --record`). */
  public static readonly CHANGE_CAUSE_ANNOTATION = 'kubernetes.io/change-cause';
  /** Recommended label: the application's name. */
  public static readonly NAME_LABEL = 'app.kubernetes.io/name';
  /** Recommended label: a unique name identifying this instance of the application. */
  public static readonly INSTANCE_LABEL = 'app.kubernetes.io/instance';
  /** Recommended label: the component within the architecture. */
  public static readonly COMPONENT_LABEL = 'app.kubernetes.io/component';
  /** Recommended label: the higher-level application this is part of. */
  public static readonly PART_OF_LABEL = 'app.kubernetes.io/part-of';
  /** Recommended label: the tool managing the application. */
  public static readonly MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
  /** Recommended label: the application's version. */
  public static readonly VERSION_LABEL = 'app.kubernetes.io/version';
  /** Upstream pod label naming the controller revision a pod was created from (`controller-revision-hash`). */
  public static readonly CONTROLLER_REVISION_HASH_LABEL = POD_REVISION_LABEL;
  /** Upstream StatefulSet pod label carrying the pod's name. */
  public static readonly STATEFULSET_POD_NAME_LABEL = STATEFULSET_POD_NAME_LABEL;
  /** Upstream StatefulSet pod label carrying the pod's ordinal (Kubernetes 1.28+). */
  public static readonly POD_INDEX_LABEL = POD_INDEX_LABEL;
  /** Upstream DaemonSet annotation counting template changes; pods carry its value as `pod-template-generation`. */
  public static readonly DAEMONSET_TEMPLATE_GENERATION_ANNOTATION = DAEMONSET_TEMPLATE_GENERATION_ANNOTATION;
  /** Upstream DaemonSet pod label carrying the template generation a pod was created from. */
  public static readonly POD_TEMPLATE_GENERATION_LABEL = POD_TEMPLATE_GENERATION_LABEL;
  /**
   * Environment variable holding the chat webhook `kubectl-stage promote` and `kubectl-stage controller` notify when
   * no `--notify-webhook` is given; `StagedRolloutController` sets it from a Secret, since the URL is a credential.
   */
  public static readonly NOTIFY_WEBHOOK_ENV = 'KUBECTL_STAGE_NOTIFY_WEBHOOK';

  private constructor() {}
}
