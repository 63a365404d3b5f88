// The disruption controller's decisions (pkg/controller/disruption/disruption.go), as pure functions over a budget,
// the pods it selects and the scale of their controllers: the expected pod count, the desired and current healthy
// counts, the disrupted-pods map and the status to write.
import { scaledValueFromIntOrPercent } from '../../../internal/int-or-percent';
import type { KubeObject, OwnerReference } from '../../api';
import {
  DISRUPTION_ALLOWED, disruptionConditionUpToDate, DisruptionReason, setStatusCondition, withDisruptionAllowedCondition,
} from '../../disruption-budgets';
import { parseTimestamp } from '../../timestamps';
import { deepEqual } from '../../validation';
import { controllerRefOf } from '../owner-references';
import { isPodReady, isTerminating } from '../pod-status';

/**
 * How long a pod the Eviction API admitted may stay undeleted before the controller stops counting it as disrupted
 * (upstream's DeletionTimeout).
 */
export const DELETION_TIMEOUT_MS = 2 * 60 * 1000;

/** A pod's controller and its desired scale. */
export interface ControllerScale {
  /** The controller's uid. */
  readonly uid: string;
  /** Its spec.replicas. */
  readonly scale: number;
}

/**
 * Finds the controller a pod's controllerRef names and its scale (upstream's podControllerFinder chain): undefined
 * when it does not exist or is another object of that name; throws an Error whose message upstream would report when
 * the kind cannot be scaled.
 */
export type ControllerFinder = (ref: OwnerReference, namespace: string) => ControllerScale | undefined;

/** What getExpectedPodCount computes. */
export interface ExpectedPods {
  /** status.expectedPods. */
  readonly expectedCount: number;
  /** status.desiredHealthy. */
  readonly desiredHealthy: number;
  /** Selected pods without a controller (reported in an UnmanagedPods event). */
  readonly unmanagedPods: readonly string[];
}

/** The expected and desired healthy counts of a budget (getExpectedPodCount); throws as upstream fails the sync. */
export function expectedPodCount(budget: KubeObject, pods: readonly KubeObject[], findController: ControllerFinder): ExpectedPods {
  const { maxUnavailable, minAvailable } = budget.spec ?? {};
  if (maxUnavailable !== undefined && maxUnavailable !== null) {
    const { expectedCount, unmanagedPods } = expectedScale(pods, findController);
    const unavailable = intOrPercent('maxUnavailable', maxUnavailable, expectedCount);
    return { expectedCount, desiredHealthy: Math.max(0, expectedCount - unavailable), unmanagedPods };
  }
  if (minAvailable !== undefined && minAvailable !== null) {
    if (typeof minAvailable === 'number') {
      return { expectedCount: pods.length, desiredHealthy: minAvailable, unmanagedPods: [] };
    }
    const { expectedCount, unmanagedPods } = expectedScale(pods, findController);
    return { expectedCount, desiredHealthy: intOrPercent('minAvailable', minAvailable, expectedCount), unmanagedPods };
  }
  return { expectedCount: 0, desiredHealthy: 0, unmanagedPods: [] };
}

// getExpectedScale: the sum of the scales of the pods' distinct controllers.
function expectedScale(pods: readonly KubeObject[], findController: ControllerFinder): { expectedCount: number; unmanagedPods: string[] } {
  const scales = new Map<string, number>();
  const unmanagedPods: string[] = [];
  for (const pod of pods) {
    const ref = controllerRefOf(pod);
    if (!ref) {
      unmanagedPods.push(pod.metadata.name!);
      continue;
    }
    if (scales.has(ref.uid)) {
      continue;
    }
    const found = findController(ref, pod.metadata.namespace!);
    if (!found) {
      throw new Error(`found no controllers for pod "${pod.metadata.name}"`);
    }
    scales.set(found.uid, found.scale);
  }
  let expectedCount = 0;
  for (const scale of scales.values()) {
    expectedCount += scale;
  }
  return { expectedCount, unmanagedPods };
}

// intstr.GetScaledValueFromIntOrPercent rounding up; its error for a string that is no percentage.
function intOrPercent(field: string, value: number | string, total: number): number {
  if (typeof value === 'string' && !/^\d+%$/.test(value)) {
    throw new Error('invalid value for IntOrString: invalid type: string is not a percentage');
  }
  return scaledValueFromIntOrPercent(field, value, total, true);
}

/** The disrupted-pods map kept for a sync (buildDisruptedPodMap), when to look again, and pods that overstayed. */
export interface DisruptedPods {
  /** Pod name to the RFC 3339 time the Eviction API admitted it. */
  readonly disruptedPods: Record<string, string>;
  /** When the earliest kept entry expires, if any. */
  readonly recheckAtMs?: number;
  /** Pods that were expected to be deleted but were not (a NotDeleted event each). */
  readonly notDeleted: readonly KubeObject[];
}

/** Keeps the entries of pods that still exist, are not terminating and were admitted less than DELETION_TIMEOUT_MS ago. */
export function buildDisruptedPodMap(budget: KubeObject, pods: readonly KubeObject[], nowMs: number): DisruptedPods {
  const previous: Record<string, string> | undefined = budget.status?.disruptedPods;
  const disruptedPods: Record<string, string> = {};
  const notDeleted: KubeObject[] = [];
  let recheckAtMs: number | undefined;
  if (!previous) {
    return { disruptedPods, notDeleted };
  }
  for (const pod of pods) {
    const admitted = previous[pod.metadata.name!];
    if (isTerminating(pod) || admitted === undefined) {
      continue;
    }
    const expectedDeletion = (parseTimestamp(admitted) ?? 0) + DELETION_TIMEOUT_MS;
    if (expectedDeletion < nowMs) {
      notDeleted.push(pod);
    } else {
      recheckAtMs = recheckAtMs === undefined ? expectedDeletion : Math.min(recheckAtMs, expectedDeletion);
      disruptedPods[pod.metadata.name!] = admitted;
    }
  }
  return { disruptedPods, recheckAtMs, notDeleted };
}

/** Ready pods that are neither terminating nor recently admitted for eviction (countHealthyPods). */
export function countHealthyPods(pods: readonly KubeObject[], disruptedPods: Readonly<Record<string, string>>, nowMs: number): number {
  let healthy = 0;
  for (const pod of pods) {
    if (isTerminating(pod)) {
      continue;
    }
    const admitted = disruptedPods[pod.metadata.name!];
    if (admitted !== undefined && (parseTimestamp(admitted) ?? 0) + DELETION_TIMEOUT_MS > nowMs) {
      continue;
    }
    if (isPodReady(pod)) {
      healthy++;
    }
  }
  return healthy;
}

/** The counts a sync computed. */
export interface BudgetCounts {
  readonly currentHealthy: number;
  readonly desiredHealthy: number;
  readonly expectedCount: number;
  readonly disruptedPods: Readonly<Record<string, string>>;
}

/**
 * The status updatePdbStatus writes, or undefined when the stored one is already up to date. Disruptions are allowed
 * only when pods are expected, so a budget whose first pods appear before its first sync stays safe.
 */
export function nextBudgetStatus(budget: KubeObject, counts: BudgetCounts, nowMs: number): Record<string, any> | undefined {
  const { currentHealthy, desiredHealthy, expectedCount } = counts;
  const disruptionsAllowed = expectedCount <= 0 || currentHealthy - desiredHealthy <= 0 ? 0 : currentHealthy - desiredHealthy;
  const status = budget.status ?? {};
  const generation = budget.metadata.generation ?? 0;
  if ((status.currentHealthy ?? 0) === currentHealthy
    && (status.desiredHealthy ?? 0) === desiredHealthy
    && (status.expectedPods ?? 0) === expectedCount
    && (status.disruptionsAllowed ?? 0) === disruptionsAllowed
    && semanticallyEqualMaps(status.disruptedPods, counts.disruptedPods)
    && (status.observedGeneration ?? 0) === generation
    && disruptionConditionUpToDate(budget)) {
    return undefined;
  }
  return withDisruptionAllowedCondition({
    ...(generation ? { observedGeneration: generation } : {}),
    ...(Object.keys(counts.disruptedPods).length > 0 ? { disruptedPods: { ...counts.disruptedPods } } : {}),
    disruptionsAllowed,
    currentHealthy,
    desiredHealthy,
    expectedPods: expectedCount,
    ...(status.conditions ? { conditions: status.conditions } : {}),
  }, nowMs);
}

/** The status failSafe writes when a sync fails: no disruption allowed, the condition saying why. */
export function failSafeStatus(budget: KubeObject, message: string, nowMs: number): Record<string, any> {
  const status = budget.status ?? {};
  return {
    ...status,
    disruptionsAllowed: 0,
    conditions: setStatusCondition(status.conditions, {
      type: DISRUPTION_ALLOWED,
      status: 'False',
      reason: DisruptionReason.SYNC_FAILED,
      message,
      observedGeneration: status.observedGeneration || undefined,
    }, nowMs),
  };
}

// apiequality.Semantic.DeepEqual (apimachinery's forked reflect.DeepEqual) holds a nil map equal to an empty one.
function semanticallyEqualMaps(a: Record<string, string> | undefined, b: Readonly<Record<string, string>>): boolean {
  return deepEqual(a ?? {}, b);
}
