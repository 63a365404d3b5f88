import { Duration } from 'cdk8s';
import { k8s, PodManagementPolicy } from 'cdk8s-plus-28';
import { encodeGatesAnnotation } from './gate-grammar';
import { RolloutKeys } from './keys';
import { PartitionPlan } from './partition-plan';
import { PercentOrCount } from './percent-or-count';
import { PROMOTION_POLICY_PROPS, promotionPolicyAnnotations } from './promotion-policy';
import { PromotionPolicyOptions } from './promotion-policy-options';
import { wholeSeconds } from './prop-validation';
import { RestartOrder } from './restart-order';
import { RolloutBudget } from './rollout-budget';
import { RolloutGate } from './rollout-gate';
import { ValidationError } from './validation-error';

/** The largest value of an int32 field such as `partition` or `revisionHistoryLimit`. */
const INT32_MAX = 2147483647;

/** What happens to a StatefulSet's PersistentVolumeClaims. */
export enum PvcRetention {
  /** Keep the claims (and their data). */
  RETAIN = 'Retain',
  /** Delete the claims. */
  DELETE = 'Delete',
}

/**
 * Who owns a staged StatefulSet's partition once the StatefulSet exists: the manifest, or the promoter.
 *
 * A GitOps tool (Argo CD, Flux) or `kubectl apply` re-applies the synthesized manifest on every sync; a manifest that
 * carries the partition resets it in the middle of a promotion. See docs/gitops.md.
 */
export enum PartitionOwner {
  /**
   * The manifest pins the partition at `PartitionPlan.STAGED_PARTITION`: every apply of it stages the StatefulSet
   * again, the first creation included, and resets a promotion in progress unless the GitOps tool is told to leave the
   * field alone (Argo CD's `ignoreDifferences` with `RespectIgnoreDifferences=true`).
   */
  MANIFEST = 'manifest',
  /**
   * The promoter owns the partition: the manifest leaves it out (`updateStrategy: {type: RollingUpdate}`), so an
   * apply of it, client-side or server-side, never moves it. `kubectl-stage stage` pins it once the StatefulSet exists
   * (the API server's default is 0) and `kubectl-stage promote` walks it, both as field manager `kubectl-stage`.
   */
  PROMOTER = 'promoter',
}

/** Whether a StatefulSet's PersistentVolumeClaims outlive it or its scale-down. */
export interface PersistentVolumeClaimRetentionPolicy {
  /**
   * What happens to the claims when the StatefulSet is deleted.
   * @default PvcRetention.RETAIN
   */
  readonly whenDeleted?: PvcRetention;
  /**
   * What happens to the claims of pods removed by a scale-down.
   * @default PvcRetention.RETAIN
   */
  readonly whenScaled?: PvcRetention;
}

/**
 * Options every StatefulSet rollout accepts. The promotion policy (soak, stepTimeout, autoRollback, approval) applies to a
 * staged rollout only.
 */
export interface StatefulSetRolloutOptions extends PromotionPolicyOptions {
  /**
   * Whether pods start and stop one at a time in ordinal order, or all at once.
   * @default - not written; the construct applies its own default
   */
  readonly podManagementPolicy?: PodManagementPolicy;
  /**
   * How long a new pod must be ready, without any container crashing, before it counts as available.
   * @default - not written; the construct applies its own default
   */
  readonly minReady?: Duration;
  /**
   * How many old ControllerRevisions the StatefulSet keeps for `kubectl rollout undo`.
   * @default - not written; the construct applies its own default
   */
  readonly revisionHistoryLimit?: number;
  /**
   * Whether PersistentVolumeClaims are deleted with the StatefulSet or on scale-down.
   * @default - not written; the construct applies its own default
   */
  readonly persistentVolumeClaimRetentionPolicy?: PersistentVolumeClaimRetentionPolicy;
  /**
   * Gates every step of a staged promotion must pass (`kubectl-stage promote` runs them when given no `--gate` flag),
   * written to the `staged-rollouts.io/gates` annotation. Only a staged rollout is promoted, so only it takes gates.
   * @default - none
   */
  readonly gates?: RolloutGate[];
  /**
   * Who owns the partition of a staged rollout once the StatefulSet exists. `PartitionOwner.PROMOTER` leaves it out of
   * the manifest, for GitOps tools that re-apply the manifest mid-promotion. Only a staged rollout has a promoter.
   * @default PartitionOwner.MANIFEST
   */
  readonly partitionOwner?: PartitionOwner;
  /**
   * The pod a staged promotion restarts last (the ZooKeeper leader, the active KRaft controller), written to the
   * `staged-rollouts.io/restart-order` annotation. The promoter then switches the StatefulSet to `OnDelete` for the
   * promotion and restarts one pod at a time in that order, within the plan's steps. Only a staged rollout has a
   * promoter.
   * @default - the StatefulSet controller's order: highest ordinal first
   */
  readonly order?: RestartOrder;
}

/** Options of a StatefulSet `RollingUpdate`. */
export interface StatefulSetRollingUpdateOptions extends StatefulSetRolloutOptions {
  /**
   * Pods with an ordinal below the partition stay on the current revision. A partition above the replica count
   * updates no pod.
   * @default 0
   */
  readonly partition?: number;
  /**
   * Pods that may be unavailable during the update. Honoured only where the MaxUnavailableStatefulSet feature
   * gate is on: off by default in Kubernetes 1.24-1.34 (alpha), 1.35.4+ and 1.36; on by default in 1.35.0-1.35.3
   * and from 1.37 (see docs/rollout-model.md). Elsewhere the StatefulSet updates one pod at a time.
   * @default - not written; upstream updates one pod at a time
   */
  readonly maxUnavailable?: PercentOrCount;
}

/** The parts of a StatefulSet's `spec` a rollout decides, in Kubernetes JSON shape. */
export interface StatefulSetRolloutSpec {
  /** `spec.updateStrategy`. */
  readonly updateStrategy: k8s.StatefulSetUpdateStrategy;
  /**
   * `spec.podManagementPolicy`.
   * @default - not set by the rollout
   */
  readonly podManagementPolicy?: string;
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
  /**
   * `spec.persistentVolumeClaimRetentionPolicy`.
   * @default - not set by the rollout
   */
  readonly persistentVolumeClaimRetentionPolicy?: k8s.StatefulSetPersistentVolumeClaimRetentionPolicy;
}

/** How a StatefulSet replaces pods; private to this file so the factories stay the only way in. */
type StatefulSetStrategy =
  | { readonly type: 'RollingUpdate'; readonly partition?: number; readonly budget?: RolloutBudget }
  | { readonly type: 'OnDelete' }
  | { readonly type: 'Staged'; readonly plan: PartitionPlan };

/**
 * How a StatefulSet rolls out a new pod template: a plain rolling update, `OnDelete`, or a staged update that
 * waits at a pinned partition and is promoted phase by phase along a `PartitionPlan`.
 *
 * @example
 * StatefulSetRollout.staged(PartitionPlan.canary(), { minReady: Duration.seconds(30) });
 * StatefulSetRollout.rollingUpdate({ partition: 2 });
 */
export class StatefulSetRollout {
  /**
   * Upstream's `RollingUpdate`: highest ordinal first, one pod at a time (or `maxUnavailable` at a time),
   * sparing ordinals below `partition`.
   * @param options the rolling update's options
   */
  public static rollingUpdate(options: StatefulSetRollingUpdateOptions = {}): StatefulSetRollout {
    if (options.partition !== undefined && (!Number.isInteger(options.partition) || options.partition < 0 || options.partition > INT32_MAX)) {
      throw new ValidationError('StatefulSetRollout.rollingUpdate', 'partition', options.partition, 'use a non-negative integer (0 updates every pod)');
    }
    const budget = options.maxUnavailable === undefined
      ? undefined
      : RolloutBudget.statefulSet({ maxUnavailable: options.maxUnavailable });
    return new StatefulSetRollout({ type: 'RollingUpdate', partition: options.partition, budget }, options);
  }

  /**
   * Upstream's `OnDelete`: a pod moves to the new template only when someone deletes it.
   * @param options the rollout's options
   */
  public static onDelete(options: StatefulSetRolloutOptions = {}): StatefulSetRollout {
    return new StatefulSetRollout({ type: 'OnDelete' }, options);
  }

  /**
   * A staged update: the manifest pins the partition at `PartitionPlan.STAGED_PARTITION`, so no pod (not even
   * one added by a scale-up) moves until `kubectl-stage promote` walks the plan. The plan is written to the
   * `staged-rollouts.io/plan` annotation.
   * @param plan the partitions the promotion walks through
   * @param options the rollout's options
   */
  public static staged(plan: PartitionPlan, options: StatefulSetRolloutOptions = {}): StatefulSetRollout {
    return new StatefulSetRollout({ type: 'Staged', plan }, options);
  }

  /** The partition plan of a staged rollout. */
  public readonly plan?: PartitionPlan;
  /** The pod management policy, when set. */
  public readonly podManagementPolicy?: PodManagementPolicy;
  /** The pod a staged promotion restarts last, when set. */
  public readonly order?: RestartOrder;
  private readonly strategy: StatefulSetStrategy;
  private readonly options: StatefulSetRolloutOptions;
  private readonly policyAnnotations: Record<string, string>;

  private constructor(strategy: StatefulSetStrategy, options: StatefulSetRolloutOptions) {
    const limit = options.revisionHistoryLimit;
    if (limit !== undefined && (!Number.isInteger(limit) || limit < 0 || limit > INT32_MAX)) {
      throw new ValidationError('StatefulSetRollout', 'revisionHistoryLimit', limit, 'use a non-negative integer');
    }
    if (options.minReady !== undefined) {
      wholeSeconds('StatefulSetRollout', 'minReady', options.minReady);
    }
    const policy = options.podManagementPolicy;
    if (policy !== undefined && !Object.values(PodManagementPolicy).includes(policy)) {
      throw new ValidationError('StatefulSetRollout', 'podManagementPolicy', policy, 'use PodManagementPolicy.ORDERED_READY or PodManagementPolicy.PARALLEL');
    }
    for (const field of ['whenDeleted', 'whenScaled'] as const) {
      const value = options.persistentVolumeClaimRetentionPolicy?.[field];
      if (value !== undefined && !Object.values(PvcRetention).includes(value)) {
        throw new ValidationError('StatefulSetRollout', `persistentVolumeClaimRetentionPolicy.${field}`, value, 'use PvcRetention.RETAIN or PvcRetention.DELETE');
      }
    }
    if ((options.gates ?? []).length > 0 && strategy.type !== 'Staged') {
      throw new ValidationError('StatefulSetRollout', 'gates', (options.gates ?? []).map((gate) => gate.text),
        'gates run when kubectl-stage promotes a staged rollout: use StatefulSetRollout.staged(plan, { gates })');
    }
    const owner = options.partitionOwner;
    if (owner !== undefined && !Object.values(PartitionOwner).includes(owner)) {
      throw new ValidationError('StatefulSetRollout', 'partitionOwner', owner, 'use PartitionOwner.MANIFEST or PartitionOwner.PROMOTER');
    }
    if (owner === PartitionOwner.PROMOTER && strategy.type !== 'Staged') {
      throw new ValidationError('StatefulSetRollout', 'partitionOwner', owner,
        'only a staged rollout has a promoter to own the partition: use StatefulSetRollout.staged(plan, { partitionOwner })');
    }
    const order = options.order;
    if (order !== undefined && !Object.values(RestartOrder).includes(order)) {
      throw new ValidationError('StatefulSetRollout', 'order', order, 'use RestartOrder.ZOOKEEPER_LEADER_LAST or RestartOrder.KRAFT_CONTROLLER_LAST');
    }
    if (order !== undefined && strategy.type !== 'Staged') {
      throw new ValidationError('StatefulSetRollout', 'order', order,
        'only a staged rollout is restarted by the promoter in an order: use StatefulSetRollout.staged(plan, { order })');
    }
    const policyProps = PROMOTION_POLICY_PROPS.filter((prop) => options[prop] !== undefined);
    if (policyProps.length > 0 && strategy.type !== 'Staged') {
      throw new ValidationError('StatefulSetRollout', policyProps[0], options[policyProps[0]],
        `the promotion policy applies when a staged rollout is promoted: use StatefulSetRollout.staged(plan, { ${policyProps[0]} })`);
    }
    this.policyAnnotations = promotionPolicyAnnotations('StatefulSetRollout', options);
    this.strategy = strategy;
    this.options = options;
    this.plan = strategy.type === 'Staged' ? strategy.plan : undefined;
    this.order = order;
    this.podManagementPolicy = options.podManagementPolicy;
  }

  /**
   * The `spec` fields this rollout decides for a StatefulSet of `replicas`; fields the user did not set are
   * left out so the construct can apply its own defaults.
   * @internal
   */
  public _toSpec(replicas: number): StatefulSetRolloutSpec {
    const retention = this.options.persistentVolumeClaimRetentionPolicy;
    return {
      updateStrategy: this.updateStrategy(replicas),
      ...(this.options.podManagementPolicy === undefined ? {} : { podManagementPolicy: this.options.podManagementPolicy }),
      ...(this.options.minReady === undefined ? {} : { minReadySeconds: wholeSeconds('StatefulSetRollout', 'minReady', this.options.minReady) }),
      ...(this.options.revisionHistoryLimit === undefined ? {} : { revisionHistoryLimit: this.options.revisionHistoryLimit }),
      ...(retention === undefined ? {} : {
        persistentVolumeClaimRetentionPolicy: { whenDeleted: retention.whenDeleted, whenScaled: retention.whenScaled },
      }),
    };
  }

  /**
   * Problems with this rollout for a StatefulSet of `replicas` (empty when it fits).
   * @internal
   */
  public _validate(replicas: number): string[] {
    if (this.plan === undefined) {
      return [];
    }
    if (replicas > PartitionPlan.STAGED_PARTITION) {
      return [`a staged rollout pins the partition at ${PartitionPlan.STAGED_PARTITION}, which cannot hold ${replicas} replicas; `
        + `use at most ${PartitionPlan.STAGED_PARTITION} replicas or StatefulSetRollout.rollingUpdate()`];
    }
    return this.plan.validateFor(replicas);
  }

  /**
   * Annotations the workload must carry for this rollout: the plan, the gates, the restart order and the promotion policy
   * of a staged rollout.
   * @internal
   */
  public _annotations(): Record<string, string> {
    const gates = this.options.gates ?? [];
    return {
      ...this.plan === undefined ? {} : { [RolloutKeys.PLAN_ANNOTATION]: this.plan.toString() },
      ...gates.length === 0 ? {} : { [RolloutKeys.GATES_ANNOTATION]: encodeGatesAnnotation(gates.map((gate) => gate.text)) },
      ...this.options.order === undefined ? {} : { [RolloutKeys.RESTART_ORDER_ANNOTATION]: this.options.order },
      ...this.policyAnnotations,
    };
  }

  private updateStrategy(replicas: number): k8s.StatefulSetUpdateStrategy {
    switch (this.strategy.type) {
      case 'OnDelete':
        return { type: 'OnDelete' };
      case 'Staged':
        // The promoter's partition is not the manifest's to state: an apply that carried it would move it.
        return this.options.partitionOwner === PartitionOwner.PROMOTER
          ? { type: 'RollingUpdate' }
          : { type: 'RollingUpdate', rollingUpdate: { partition: PartitionPlan.toPhysicalPartition(replicas, replicas) } };
      case 'RollingUpdate': {
        const { partition, budget } = this.strategy;
        if (partition === undefined && budget === undefined) {
          return { type: 'RollingUpdate' };
        }
        return {
          type: 'RollingUpdate',
          rollingUpdate: {
            ...(partition === undefined ? {} : { partition }),
            ...(budget === undefined ? {} : { maxUnavailable: budget.maxUnavailable._toKube() }),
          },
        };
      }
    }
  }
}
