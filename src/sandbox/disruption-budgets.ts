// PodDisruptionBudget facts the disruption controller and the Eviction API share: which budgets cover a pod and the
// DisruptionAllowed condition (k8s.io/component-helpers/apps/poddisruptionbudget/helpers.go and apimachinery's
// meta.SetStatusCondition).
import type { KubeObject } from './api';
import { rfc3339 } from './timestamps';
import { labelSelectorMatches, selectorRequirements } from '../internal/label-selector';

/** The condition type the disruption controller maintains (policy/v1 DisruptionAllowedCondition). */
export const DISRUPTION_ALLOWED = 'DisruptionAllowed';

/** Reasons of the DisruptionAllowed condition (policy/v1). */
export const DisruptionReason = {
  /** disruptionsAllowed > 0. */
  SUFFICIENT_PODS: 'SufficientPods',
  /** disruptionsAllowed is 0. */
  INSUFFICIENT_PODS: 'InsufficientPods',
  /** The controller could not compute the status (failSafe). */
  SYNC_FAILED: 'SyncFailed',
} as const;

/** A metav1.Condition as JSON. */
export interface StatusCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  observedGeneration?: number;
  lastTransitionTime: string;
  reason: string;
  message: string;
}

/**
 * The budgets in `budgets` (all of the pod's namespace) that cover `pod`, ordered by name. As the eviction handler's
 * getPodDisruptionBudgets, a budget whose selector is absent, empty or invalid covers nothing.
 */
export function budgetsCovering(pod: KubeObject, budgets: Iterable<KubeObject>): KubeObject[] {
  const covering: KubeObject[] = [];
  for (const budget of budgets) {
    if (budget.metadata.namespace !== pod.metadata.namespace) {
      continue;
    }
    const selector = budget.spec?.selector;
    try {
      if (selector && selectorRequirements(selector).length > 0 && labelSelectorMatches(selector, pod.metadata.labels)) {
        covering.push(budget);
      }
    } catch {
      // An invalid selector matches no pod.
    }
  }
  return covering.sort((a, b) => (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''));
}

/**
 * `conditions` with `wanted` set as meta.SetStatusCondition does: a new condition, or a changed status, takes `nowMs`
 * as its lastTransitionTime; reason, message and observedGeneration are updated in place.
 */
export function setStatusCondition(conditions: readonly StatusCondition[] | undefined,
  wanted: Omit<StatusCondition, 'lastTransitionTime'>, nowMs: number): StatusCondition[] {
  const result = (conditions ?? []).map((condition) => ({ ...condition }));
  const existing = result.find((condition) => condition.type === wanted.type);
  if (!existing) {
    result.push({ ...withoutUndefined(wanted), lastTransitionTime: rfc3339(nowMs) } as StatusCondition);
    return result;
  }
  if (existing.status !== wanted.status) {
    existing.status = wanted.status;
    existing.lastTransitionTime = rfc3339(nowMs);
  }
  existing.reason = wanted.reason;
  existing.message = wanted.message;
  if (wanted.observedGeneration !== undefined) {
    existing.observedGeneration = wanted.observedGeneration;
  } else {
    delete existing.observedGeneration;
  }
  return result;
}

/** The status with its DisruptionAllowed condition matching disruptionsAllowed (UpdateDisruptionAllowedCondition). */
export function withDisruptionAllowedCondition(status: Record<string, any>, nowMs: number): Record<string, any> {
  const allowed = (status.disruptionsAllowed ?? 0) > 0;
  return {
    ...status,
    conditions: setStatusCondition(status.conditions, {
      type: DISRUPTION_ALLOWED,
      status: allowed ? 'True' : 'False',
      reason: allowed ? DisruptionReason.SUFFICIENT_PODS : DisruptionReason.INSUFFICIENT_PODS,
      message: '',
      observedGeneration: status.observedGeneration || undefined,
    }, nowMs),
  };
}

/** Whether the DisruptionAllowed condition agrees with disruptionsAllowed for the budget's generation (ConditionsAreUpToDate). */
export function disruptionConditionUpToDate(budget: KubeObject): boolean {
  const status = budget.status ?? {};
  const condition = (status.conditions ?? []).find((c: StatusCondition) => c.type === DISRUPTION_ALLOWED);
  if (!condition || (status.observedGeneration ?? 0) !== (budget.metadata.generation ?? 0)) {
    return false;
  }
  return (status.disruptionsAllowed ?? 0) > 0
    ? condition.status === 'True' && condition.reason === DisruptionReason.SUFFICIENT_PODS
    : condition.status === 'False' && condition.reason === DisruptionReason.INSUFFICIENT_PODS;
}

function withoutUndefined<T extends object>(record: T): T {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined)) as T;
}
