// The promotion policy a staged workload declares (the jsii API: an enum and a struct); promotion-policy.ts validates
// it, writes it as annotations and reads them back.
import { Duration } from 'cdk8s';

/** Whether a promotion waits for a person before each step after the first. */
export enum ApprovalPolicy {
  /** Each step after the first waits for `kubectl-stage resume` (what `promote --approve-each` does). */
  EACH_STEP = 'each-step',
  /** Steps follow each other as soon as the previous one passed its gates and soak. */
  NONE = 'none',
}

/** How a staged workload is promoted (by `kubectl-stage controller`, and by `kubectl-stage promote` where no flag says otherwise). */
export interface PromotionPolicyOptions {
  /**
   * How long each step's pods are watched for infant mortality after they pass the gate, written to the
   * `staged-rollouts.io/soak` annotation (what `promote --soak` sets).
   * @default - no soak
   */
  readonly soak?: Duration;
  /**
   * How long a step (or the rollback) may wait for its pods, written to the `staged-rollouts.io/step-timeout` annotation
   * (what `promote --timeout` sets).
   * @default - no limit
   */
  readonly stepTimeout?: Duration;
  /**
   * Whether a failed step restores the previous revision, written to the `staged-rollouts.io/auto-rollback` annotation.
   * @default false
   */
  readonly autoRollback?: boolean;
  /**
   * Whether each step after the first waits for `kubectl-stage resume`, written to the `staged-rollouts.io/approval`
   * annotation.
   * @default ApprovalPolicy.NONE
   */
  readonly approval?: ApprovalPolicy;
}
