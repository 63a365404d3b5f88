// Pod state predicates shared by the controllers (k8s.io/kubernetes/pkg/api/v1/pod and the
// StatefulSet controller's helpers).
import type { KubeObject } from '../api';
import { parseTimestamp } from '../timestamps';

/** The pod's Ready condition, if it has one. */
export function podReadyCondition(pod: KubeObject): any | undefined {
  return (pod.status?.conditions ?? []).find((condition: any) => condition.type === 'Ready');
}

/** Whether the pod's Ready condition is True. */
export function isPodReady(pod: KubeObject): boolean {
  return podReadyCondition(pod)?.status === 'True';
}

/**
 * Whether the pod has been Ready for at least `minReadySeconds` at `nowMs` (`podutil.IsPodAvailable`;
 * the comparison is strict, on the condition's second-precision lastTransitionTime).
 */
export function isPodAvailable(pod: KubeObject, minReadySeconds: number, nowMs: number): boolean {
  const ready = podReadyCondition(pod);
  if (ready?.status !== 'True') {
    return false;
  }
  return !minReadySeconds || readyLongEnough(transitionMs(ready.lastTransitionTime), minReadySeconds, nowMs);
}

/**
 * Whether a pod Ready since `sinceMs` (undefined: unknown) has been Ready for more than `minReadySeconds` at `nowMs`:
 * the availability rule itself, shared by every form of the question.
 */
export function readyLongEnough(sinceMs: number | undefined, minReadySeconds: number, nowMs: number): boolean {
  return !minReadySeconds || (sinceMs !== undefined && sinceMs + minReadySeconds * 1000 < nowMs);
}

// Controllers ask every pod's availability on every sync; second-precision timestamps repeat a lot,
// so their parses are remembered (and forgotten wholesale past a bound).
const TRANSITIONS_LIMIT = 10_000;
const transitions = new Map<string, number | undefined>();

/** Epoch ms of a condition's `lastTransitionTime`, parsed once per distinct timestamp. */
export function transitionMs(timestamp: string | undefined): number | undefined {
  if (timestamp === undefined) {
    return undefined;
  }
  if (!transitions.has(timestamp)) {
    if (transitions.size >= TRANSITIONS_LIMIT) {
      transitions.clear();
    }
    transitions.set(timestamp, parseTimestamp(timestamp));
  }
  return transitions.get(timestamp);
}

/**
 * Milliseconds until the first of `pods` that is Ready but not yet available becomes available, or
 * undefined when none is waiting. Upstream controllers look again after minReadySeconds and real
 * latency carries them past the strict boundary; the virtual clock has no latency, so the sandbox
 * wakes up 1 ms past it instead.
 */
export function msUntilNextAvailable(pods: Iterable<KubeObject>, minReadySeconds: number, nowMs: number): number | undefined {
  if (!minReadySeconds) {
    return undefined;
  }
  let soonest: number | undefined;
  for (const pod of pods) {
    const ready = podReadyCondition(pod);
    if (ready?.status !== 'True') {
      continue;
    }
    const since = transitionMs(ready.lastTransitionTime);
    if (readyLongEnough(since, minReadySeconds, nowMs)) {
      continue;
    }
    const wait = (since ?? nowMs) + minReadySeconds * 1000 + 1 - nowMs;
    soonest = soonest === undefined ? wait : Math.min(soonest, wait);
  }
  return soonest;
}

/** Whether the pod is in phase Running with a True Ready condition. */
export function isRunningAndReady(pod: KubeObject): boolean {
  return pod.status?.phase === 'Running' && isPodReady(pod);
}

/** Whether the pod has been marked for deletion. */
export function isTerminating(pod: KubeObject): boolean {
  return pod.metadata.deletionTimestamp !== undefined && pod.metadata.deletionTimestamp !== null;
}

/** Whether the pod reached a terminal phase (Failed or Succeeded). */
export function isPodTerminal(pod: KubeObject): boolean {
  const phase = pod.status?.phase;
  return phase === 'Failed' || phase === 'Succeeded';
}

/** The pod's phase, or the empty string before anything reported one. */
export function podPhase(pod: KubeObject): string {
  return pod.status?.phase ?? '';
}
