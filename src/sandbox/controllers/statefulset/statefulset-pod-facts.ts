// What the StatefulSet sync asks of each pod (isCreated, isRunningAndReady, isTerminating, the
// revision label, the Ready transition), computed once per pod object. Every sync visits every pod of
// the set several times, and the cached pods are immutable snapshots (a change arrives as a new
// object), so the facts of an object never go stale; objects no longer referenced take theirs along.
import { ObjectMemo } from '../../../internal/object-memo';
import { POD_REVISION_LABEL, STATEFULSET_POD_NAME_LABEL } from '../../../internal/well-known-labels';
import type { KubeObject } from '../../api';
import { deepEqual } from '../../validation';
import { controllerRefOf } from '../owner-references';
import { isPodReady, podReadyCondition, readyLongEnough, transitionMs } from '../pod-status';
import { parentNameAndOrdinal } from './statefulset-identity';

/** The time-independent facts of one pod object. */
export interface PodFacts {
  /**
   * Whether the pod exists (`isCreated`): the API reports phase Pending from creation on; a pod the
   * sync only planned has neither a phase nor a uid.
   */
  readonly created: boolean;
  /** `status.phase`, or '' before anything reported one. */
  readonly phase: string;
  /** Phase Running with a True Ready condition (`isRunningAndReady`). */
  readonly runningAndReady: boolean;
  /** A True Ready condition, whatever the phase. */
  readonly ready: boolean;
  /** When the Ready condition last turned True, epoch ms; undefined when not Ready or unparsable. */
  readonly readySinceMs: number | undefined;
  /** Marked for deletion (`isTerminating`). */
  readonly terminating: boolean;
  /** The `controller-revision-hash` label, or ''. */
  readonly revision: string;
  /** The parent StatefulSet name encoded in the pod name, or ''. */
  readonly parent: string;
  /** The ordinal encoded in the pod name, or -1. */
  readonly ordinal: number;
  /** Whether the name is exactly `<parent>-<ordinal>` and the pod-name label repeats it (the set-independent half of `identityMatches`). */
  readonly canonicalName: boolean;
}

// The last selector a pod was matched against (by its JSON) and the answer: a set's selector rarely changes,
// and the claim step matches every pod of the set on every sync.
interface SelectorMatch {
  readonly selectorKey: string;
  readonly matches: boolean;
}

// The facts, plus the one selector answer remembered with them.
interface FactsRecord extends PodFacts {
  selectorMatch?: SelectorMatch;
}

const factsByPod = new ObjectMemo<KubeObject, FactsRecord>((pod) => {
  const phase: string = pod.status?.phase ?? '';
  const ready = isPodReady(pod);
  const name: string = pod.metadata.name ?? '';
  const { parent, ordinal } = parentNameAndOrdinal(name);
  return {
    created: phase !== '' || pod.metadata.uid !== undefined,
    phase,
    runningAndReady: phase === 'Running' && ready,
    ready,
    readySinceMs: ready ? transitionMs(podReadyCondition(pod).lastTransitionTime) : undefined,
    terminating: pod.metadata.deletionTimestamp !== undefined && pod.metadata.deletionTimestamp !== null,
    revision: pod.metadata.labels?.[POD_REVISION_LABEL] ?? '',
    parent,
    ordinal,
    canonicalName: ordinal >= 0 && name === `${parent}-${ordinal}` && pod.metadata.labels?.[STATEFULSET_POD_NAME_LABEL] === name,
  };
});

/** The facts of `pod`, computed on first use. */
export function podFacts(pod: KubeObject): PodFacts {
  return factsByPod.get(pod);
}

/** `podutil.IsPodAvailable` from the facts: Ready for more than minReadySeconds at `nowMs`. */
export function isAvailable(facts: PodFacts, minReadySeconds: number, nowMs: number): boolean {
  return facts.ready && readyLongEnough(facts.readySinceMs, minReadySeconds, nowMs);
}

/** Not available yet, or terminating (`isUnavailable`), from the facts. */
export function isUnavailableFacts(facts: PodFacts, minReadySeconds: number, nowMs: number): boolean {
  return !isAvailable(facts, minReadySeconds, nowMs) || facts.terminating;
}

/**
 * `identityMatches` from the facts: the pod has the name, namespace and pod-name label of a member of `set`.
 * `facts` must be `podFacts(pod)`.
 */
export function identityMatchesFacts(set: KubeObject, pod: KubeObject, facts: PodFacts): boolean {
  return facts.canonicalName && facts.parent === set.metadata.name && pod.metadata.namespace === set.metadata.namespace;
}

/**
 * Whether the pod's labels match a selector, remembered per pod object for the selector whose JSON is `selectorKey`
 * (`matches` computes the answer on a miss). `facts` must be `podFacts(pod)`.
 */
export function podMatchesSelector(pod: KubeObject, facts: PodFacts, selectorKey: string, matches: (pod: KubeObject) => boolean): boolean {
  const record: FactsRecord = facts;
  const remembered = record.selectorMatch;
  if (remembered !== undefined && remembered.selectorKey === selectorKey) {
    return remembered.matches;
  }
  const answer = matches(pod);
  record.selectorMatch = { selectorKey, matches: answer };
  return answer;
}

/**
 * Whether a pod change leaves everything a StatefulSet sync reads of the pod as it was: its facts, its labels (the
 * selector, the identity and revision labels) and its controller. A pod update cannot change its name, namespace or
 * volumes (the API forbids it, as upstream).
 */
export function sameSyncInputs(previous: KubeObject, current: KubeObject): boolean {
  const before = podFacts(previous);
  const after = podFacts(current);
  return before.created === after.created
    && before.phase === after.phase
    && before.ready === after.ready
    && before.readySinceMs === after.readySinceMs
    && before.terminating === after.terminating
    && deepEqual(previous.metadata.labels, current.metadata.labels)
    && controllerRefOf(previous)?.uid === controllerRefOf(current)?.uid;
}
