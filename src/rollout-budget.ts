import { PercentOrCount } from './percent-or-count';
import { ValidationError } from './validation-error';

/** Budget options of a workload kind that can surge (Deployment, DaemonSet). */
export interface SurgeBudgetOptions {
  /**
   * Pods that may exist above the desired count during the update.
   * @default - the kind's upstream default: 25% for a Deployment, 0 for a DaemonSet
   */
  readonly maxSurge?: PercentOrCount;
  /**
   * Pods that may be unavailable during the update.
   * @default - the kind's upstream default: 25% for a Deployment, 1 for a DaemonSet
   */
  readonly maxUnavailable?: PercentOrCount;
}

/** Budget options of a StatefulSet, which never surges. */
export interface StatefulSetBudgetOptions {
  /**
   * Pods that may be unavailable during the update (honoured only where the MaxUnavailableStatefulSet feature
   * gate is on; see `StatefulSetRollout`).
   * @default PercentOrCount.count(1)
   */
  readonly maxUnavailable?: PercentOrCount;
}

/** A budget resolved into pod counts for one workload size. */
export interface ResolvedBudget {
  /** Pods that may exist above the desired count. */
  readonly maxSurge: number;
  /** Pods that may be unavailable. */
  readonly maxUnavailable: number;
}

/** How one upstream controller turns its budget into pod counts. */
interface BudgetRules {
  /** The factory that builds the kind's budget, named in errors. */
  readonly factory: string;
  /** The noun `describe` counts the workload's size in, singular. */
  readonly unit: string;
  readonly resolve: (maxSurge: PercentOrCount, maxUnavailable: PercentOrCount, total: number) => ResolvedBudget;
}

// pkg/controller/deployment/util/deployment_util.go, ResolveFenceposts: surge rounds up, unavailable rounds
// down, and if both come to 0 the controller allows 1 unavailable so the rollout can progress.
const DEPLOYMENT_RULES: BudgetRules = {
  factory: 'RolloutBudget.deployment',
  unit: 'pod',
  resolve: (maxSurge, maxUnavailable, total) => {
    const surge = maxSurge._scale('maxSurge', total, true);
    const unavailable = maxUnavailable._scale('maxUnavailable', total, false);
    return { maxSurge: surge, maxUnavailable: surge === 0 && unavailable === 0 ? 1 : unavailable };
  },
};

// pkg/controller/daemon/util/daemonset_util.go, SurgeCount and UnavailableCount: both round up against
// desiredNumberScheduled. updatedDesiredNodeCounts (pkg/controller/daemon/update.go) falls back to 1 unavailable
// when both come to 0 on scheduled nodes, but rounding up cannot produce that from a budget that is not 0 and 0,
// which the constructor already rejects, so the fallback has no case to handle here.
const DAEMONSET_RULES: BudgetRules = {
  factory: 'RolloutBudget.daemonSet',
  unit: 'node',
  resolve: (maxSurge, maxUnavailable, total) => ({
    maxSurge: maxSurge._scale('maxSurge', total, true),
    maxUnavailable: maxUnavailable._scale('maxUnavailable', total, true),
  }),
};

// pkg/controller/statefulset/stateful_set_control.go, getStatefulSetMaxUnavailable: rounds down, then at
// least 1 because a small percentage of a small set would otherwise block the update.
const STATEFULSET_RULES: BudgetRules = {
  factory: 'RolloutBudget.statefulSet',
  unit: 'pod',
  resolve: (_maxSurge, maxUnavailable, total) => ({
    maxSurge: 0,
    maxUnavailable: Math.max(1, maxUnavailable._scale('maxUnavailable', total, false)),
  }),
};

/**
 * A rolling update's budget (maxSurge, maxUnavailable), resolved into pod counts the way the upstream
 * controller of each workload kind rounds percentages, and described in words.
 *
 * @example
 * RolloutBudget.daemonSet({ maxUnavailable: PercentOrCount.percent(25) }).describe(4);
 * // '4 nodes, maxUnavailable 25% -> 1 pod at a time, 4 waves'
 */
export class RolloutBudget {
  /**
   * A Deployment's budget: maxSurge rounds up, maxUnavailable rounds down.
   * @param options the budget
   */
  public static deployment(options: SurgeBudgetOptions = {}): RolloutBudget {
    return new RolloutBudget(DEPLOYMENT_RULES,
      options.maxSurge ?? PercentOrCount.percent(25),
      options.maxUnavailable ?? PercentOrCount.percent(25),
    );
  }

  /**
   * A DaemonSet's budget: both round up against the number of nodes that should run the pod.
   * @param options the budget
   */
  public static daemonSet(options: SurgeBudgetOptions = {}): RolloutBudget {
    const budget = new RolloutBudget(DAEMONSET_RULES,
      options.maxSurge ?? PercentOrCount.count(0),
      options.maxUnavailable ?? PercentOrCount.count(1),
    );
    // Upstream API validation caps both DaemonSet budgets at 100%, unlike a Deployment's maxSurge.
    budget.maxSurge._requireAtMostHundredPercent(DAEMONSET_RULES.factory, 'maxSurge');
    return budget;
  }

  /**
   * A StatefulSet's budget: maxUnavailable rounds down, then is at least 1.
   * @param options the budget
   */
  public static statefulSet(options: StatefulSetBudgetOptions = {}): RolloutBudget {
    const maxUnavailable = options.maxUnavailable ?? PercentOrCount.count(1);
    if (maxUnavailable.isZero) {
      throw new ValidationError(STATEFULSET_RULES.factory, 'maxUnavailable', maxUnavailable.toString(),
        'use at least 1 (or 1%): a StatefulSet cannot surge, so 0 would block the update');
    }
    return new RolloutBudget(STATEFULSET_RULES, PercentOrCount.count(0), maxUnavailable);
  }

  /** The configured maxSurge (0 for a StatefulSet). */
  public readonly maxSurge: PercentOrCount;
  /** The configured maxUnavailable. */
  public readonly maxUnavailable: PercentOrCount;
  private readonly rules: BudgetRules;

  private constructor(rules: BudgetRules, maxSurge: PercentOrCount, maxUnavailable: PercentOrCount) {
    if (maxSurge.isZero && maxUnavailable.isZero) {
      throw new ValidationError(rules.factory, 'maxUnavailable', maxUnavailable.toString(),
        'maxSurge is 0 too, so no pod could ever be replaced; set maxUnavailable or maxSurge above 0');
    }
    maxUnavailable._requireAtMostHundredPercent(rules.factory, 'maxUnavailable');
    this.rules = rules;
    this.maxSurge = maxSurge;
    this.maxUnavailable = maxUnavailable;
  }

  /**
   * The budget in pods for a workload of `total` pods (a DaemonSet's `desiredNumberScheduled`).
   * @param total the workload's desired pod count, a non-negative integer
   */
  public resolve(total: number): ResolvedBudget {
    if (!Number.isInteger(total) || total < 0) {
      throw new ValidationError('RolloutBudget.resolve', 'total', total, 'use a whole number of pods of 0 or more');
    }
    return this.rules.resolve(this.maxSurge, this.maxUnavailable, total);
  }

  /**
   * Pods the update replaces at once while every pod becomes available in time: the surge plus the
   * unavailable budget.
   * @param total the workload's desired pod count
   */
  public podsAtATime(total: number): number {
    const resolved = this.resolve(total);
    return resolved.maxSurge + resolved.maxUnavailable;
  }

  /**
   * The number of waves a rolling update of `total` pods takes when every pod becomes available in time.
   * @param total the workload's desired pod count
   */
  public waves(total: number): number {
    return total === 0 ? 0 : Math.ceil(total / this.podsAtATime(total));
  }

  /**
   * The rolling update in words, e.g. `"4 nodes, maxUnavailable 25% -> 1 pod at a time, 4 waves"`.
   * @param total the workload's desired pod count
   * @param unit the singular noun the total counts: "node" for a DaemonSet and "pod" otherwise when omitted
   */
  public describe(total: number, unit?: string): string {
    const resolved = this.resolve(total);
    const atATime = resolved.maxSurge + resolved.maxUnavailable;
    const settings = [
      ...(this.maxSurge.isZero ? [] : [`maxSurge ${this.maxSurge}`]),
      ...(this.maxUnavailable.isZero ? [] : [`maxUnavailable ${this.maxUnavailable}`]),
    ];
    const split = resolved.maxSurge > 0 && resolved.maxUnavailable > 0
      ? ` (${resolved.maxSurge} surge + ${resolved.maxUnavailable} unavailable)`
      : '';
    return `${countOf(total, unit ?? this.rules.unit)}, ${settings.join(', ')} -> `
      + `${countOf(atATime, 'pod')} at a time${split}, ${countOf(this.waves(total), 'wave')}`;
  }
}

/** `"1 pod"`, `"4 pods"`. */
function countOf(n: number, singular: string): string {
  return `${n} ${singular}${n === 1 ? '' : 's'}`;
}
