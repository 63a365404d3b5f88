import { Duration } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { encodeGatesAnnotation, isDataGate, isGateProblem, parseGateText } from './gate-grammar';
import { RolloutKeys } from './keys';
import { parseNodeCanaryPlanText } from './node-canary-plan';
import { PercentOrCount } from './percent-or-count';
import { PROMOTION_POLICY_PROPS, promotionPolicyAnnotations } from './promotion-policy';
import { PromotionPolicyOptions } from './promotion-policy-options';
import { wholeSeconds } from './prop-validation';
import { RolloutBudget } from './rollout-budget';
import { RolloutGate } from './rollout-gate';
import { ValidationError } from './validation-error';

/** Options every DaemonSet rollout accepts. */
export interface DaemonSetRolloutOptions {
  /**
   * How long a new pod must be ready, without any container crashing, before it counts as available.
   * @default - not written; the construct applies its own default
   */
  readonly minReady?: Duration;
  /**
   * How many old ControllerRevisions the DaemonSet keeps for `kubectl rollout undo`.
   * @default - not written; the construct applies its own default
   */
  readonly revisionHistoryLimit?: number;
}

/** Options of a DaemonSet `RollingUpdate`. */
export interface DaemonSetRollingUpdateOptions extends DaemonSetRolloutOptions {
  /**
   * Nodes whose pod may be unavailable during the update (a percentage rounds up).
   * @default - not written; upstream uses 1
   */
  readonly maxUnavailable?: PercentOrCount;
  /**
   * Nodes that may run a new pod beside the old one during the update (a percentage rounds up). Not possible
   * for pods that bind a hostPort.
   * @default - not written; upstream uses 0
   */
  readonly maxSurge?: PercentOrCount;
}

/** Options of a DaemonSet node canary: the rollout's options, the promotion policy and the gates. */
export interface DaemonSetCanaryOptions extends DaemonSetRolloutOptions, PromotionPolicyOptions {
  /**
   * Gates every step of the canary must pass (`kubectl-stage promote` and the controller run them when given no
   * `--gate` flag), written to the `staged-rollouts.io/gates` annotation: `RolloutGate.http` or `RolloutGate.prometheus`
   * (the kafka and zookeeper gates read a StatefulSet's brokers or servers, not a DaemonSet's pods).
   * @default - none
   */
  readonly gates?: RolloutGate[];
}

/** The parts of a DaemonSet's `spec` a rollout decides, in Kubernetes JSON shape. */
export interface DaemonSetRolloutSpec {
  /** `spec.updateStrategy`. */
  readonly updateStrategy: k8s.DaemonSetUpdateStrategy;
  /**
   * `spec.minReadySeconds`.
   * @default - not set by the rollout
   */
  readonly minReadySeconds?: number;
  /**
   * `spec.revisionHistoryLimit`.
   * @default - not set by the rollout
   */
  readonly revisionHistoryLimit?: number;
}

/**
 * How a DaemonSet rolls out a new pod template: upstream's `RollingUpdate` (node by node, within a
 * maxUnavailable / maxSurge budget) or `OnDelete`.
 *
 * @example
 * DaemonSetRollout.rollingUpdate({ maxUnavailable: PercentOrCount.percent(25) });
 * DaemonSetRollout.onDelete({ revisionHistoryLimit: 5 });
 */
export class DaemonSetRollout {
  /**
   * Upstream's `RollingUpdate`.
   * @param options the rolling update's options
   */
  public static rollingUpdate(options: DaemonSetRollingUpdateOptions = {}): DaemonSetRollout {
    // Building the budget applies upstream's rules at once: not both 0, none above 100%.
    const budget = RolloutBudget.daemonSet({ maxSurge: options.maxSurge, maxUnavailable: options.maxUnavailable });
    return new DaemonSetRollout('RollingUpdate', options, budget);
  }

  /**
   * Upstream's `OnDelete`: a node's pod moves to the new template only when someone deletes it.
   * @param options the rollout's options
   */
  public static onDelete(options: DaemonSetRolloutOptions = {}): DaemonSetRollout {
    return new DaemonSetRollout('OnDelete', options);
  }

  /**
   * A node canary: the DaemonSet is `OnDelete` (so a GitOps re-apply never changes its strategy), and
   * `kubectl-stage controller` (or `kubectl-stage promote ds/NAME`) moves its nodes along `plan` as its template
   * changes, by the policy and gates given here. The plan, the policy and the gates are written to the
   * `staged-rollouts.io/plan`, `soak`, `step-timeout`, `auto-rollback`, `approval` and `gates` annotations.
   * @param plan a node canary plan: `canary`, `1,25%,100%`, or steps `nodes=<label selector>`
   * @param options the rollout's options, the promotion policy and the gates
   */
  public static canary(plan: string, options: DaemonSetCanaryOptions = {}): DaemonSetRollout {
    try {
      parseNodeCanaryPlanText(plan, 'DaemonSetRollout.canary');
    } catch (error) {
      throw new ValidationError('DaemonSetRollout.canary', 'plan', plan,
        `${(error as Error).message}; use a node canary plan: canary, 1,25%,100% or nodes=<label selector>`);
    }
    return new DaemonSetRollout('OnDelete', options, undefined, plan);
  }

  /** `RollingUpdate` or `OnDelete`. */
  public readonly type: string;
  /** The node canary plan of `canary()`. */
  public readonly plan?: string;
  /** The configured maxUnavailable, when set. */
  public readonly maxUnavailable?: PercentOrCount;
  /** The configured maxSurge, when set. */
  public readonly maxSurge?: PercentOrCount;
  /** A rolling update's budget with upstream's defaults (maxUnavailable 1, maxSurge 0) where none was set. */
  public readonly budget?: RolloutBudget;
  private readonly options: DaemonSetRolloutOptions;

  private readonly policyAnnotations: Record<string, string>;
  private readonly gatesAnnotation: Record<string, string>;

  private constructor(type: string, options: DaemonSetRollingUpdateOptions & DaemonSetCanaryOptions, budget?: RolloutBudget, plan?: string) {
    const limit = options.revisionHistoryLimit;
    if (limit !== undefined && (!Number.isInteger(limit) || limit < 0 || limit > 2147483647)) {
      throw new ValidationError('DaemonSetRollout', 'revisionHistoryLimit', limit, 'use a non-negative integer');
    }
    if (options.minReady !== undefined) {
      wholeSeconds('DaemonSetRollout', 'minReady', options.minReady);
    }
    const policyProps = PROMOTION_POLICY_PROPS.filter((prop) => options[prop] !== undefined);
    if (policyProps.length > 0 && plan === undefined) {
      throw new ValidationError('DaemonSetRollout', policyProps[0], options[policyProps[0]],
        `the promotion policy applies when a node canary is promoted: use DaemonSetRollout.canary(plan, { ${policyProps[0]} })`);
    }
    this.policyAnnotations = promotionPolicyAnnotations('DaemonSetRollout.canary', options);
    const gates = (options.gates ?? []).map((gate) => gate.text);
    if (gates.length > 0 && plan === undefined) {
      throw new ValidationError('DaemonSetRollout', 'gates', gates,
        'gates run when kubectl-stage promotes a node canary: use DaemonSetRollout.canary(plan, { gates })');
    }
    const dataGate = gates.find((text) => {
      const spec = parseGateText(text);
      return !isGateProblem(spec) && isDataGate(spec);
    });
    if (dataGate !== undefined) {
      throw new ValidationError('DaemonSetRollout.canary', 'gates', gates,
        `the ${dataGate} gate reads a StatefulSet's brokers or servers, not a DaemonSet's pods: use RolloutGate.http or RolloutGate.prometheus`);
    }
    this.gatesAnnotation = gates.length === 0 ? {} : { [RolloutKeys.GATES_ANNOTATION]: encodeGatesAnnotation(gates) };
    this.type = type;
    this.plan = plan;
    this.options = options;
    this.maxUnavailable = options.maxUnavailable;
    this.maxSurge = options.maxSurge;
    this.budget = budget;
  }

  /**
   * The `spec` fields this rollout decides; fields the user did not set are left out so the construct can
   * apply its own defaults.
   * @internal
   */
  public _toSpec(): DaemonSetRolloutSpec {
    return {
      updateStrategy: this.updateStrategy(),
      ...(this.options.minReady === undefined ? {} : { minReadySeconds: wholeSeconds('DaemonSetRollout', 'minReady', this.options.minReady) }),
      ...(this.options.revisionHistoryLimit === undefined ? {} : { revisionHistoryLimit: this.options.revisionHistoryLimit }),
    };
  }

  /**
   * Annotations the DaemonSet must carry for this rollout: a node canary's plan, gates and promotion policy.
   * @internal
   */
  public _annotations(): Record<string, string> {
    return this.plan === undefined ? {} : { [RolloutKeys.PLAN_ANNOTATION]: this.plan, ...this.gatesAnnotation, ...this.policyAnnotations };
  }

  /**
   * Problems with this rollout for a DaemonSet whose pods do (or do not) bind a hostPort.
   * @internal
   */
  public _validate(usesHostPort: boolean): string[] {
    if (usesHostPort && this.maxSurge !== undefined && !this.maxSurge.isZero) {
      return [`DaemonSetRollout: maxSurge ${this.maxSurge} is not possible for pods that bind a hostPort: the new pod cannot bind the port while the old pod on the same node holds it; use maxSurge 0 and maxUnavailable instead`];
    }
    return [];
  }

  private updateStrategy(): k8s.DaemonSetUpdateStrategy {
    if (this.type === 'OnDelete' || (this.maxUnavailable === undefined && this.maxSurge === undefined)) {
      return { type: this.type };
    }
    return {
      type: this.type,
      rollingUpdate: {
        ...(this.maxUnavailable === undefined ? {} : { maxUnavailable: this.maxUnavailable._toKube() }),
        ...(this.maxSurge === undefined ? {} : { maxSurge: this.maxSurge._toKube() }),
      },
    };
  }
}
