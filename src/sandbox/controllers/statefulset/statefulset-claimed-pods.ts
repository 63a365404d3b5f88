// The pods each StatefulSet owns and still selects, kept up to date from the pod cache's events, so that a sync does
// not walk its set's owner index (and look up every pod's facts) again. A sync of a large set follows every change of
// one of its pods: on a 1,000-replica rollout, that walk was a fifth of the sandbox's time.
import { type LabelRequirement, matchesRequirements, selectorRequirements } from '../../../internal/label-selector';
import { ObjectMemo } from '../../../internal/object-memo';
import type { KubeObject } from '../../api';
import type { CacheEvent } from '../object-cache';
import { controllerRefOf, keyOf } from '../owner-references';
import { type PodFacts, podFacts, podMatchesSelector } from './statefulset-pod-facts';

/** The pods a set owns, as its controller claimed them for one sync. */
export interface ClaimedPods {
  /** The claimed pods. */
  readonly pods: readonly KubeObject[];
  /** `podFacts(pods[i])` at index i: the claim looked every pod's facts up already, and every step reads them. */
  readonly facts: readonly PodFacts[];
}

/** A set's selector compiled once, with the key its answers are remembered under in the pods' facts. */
export interface CompiledSelector {
  /** The selector's JSON: the same string object for as long as the set's selector object is the same. */
  readonly key: string;
  /** Whether a pod's labels match (false for a set without a selector, as upstream). */
  readonly matches: (pod: KubeObject) => boolean;
}

// The claim of one set: the arrays a sync reads, and where each pod sits in them.
interface Claim {
  readonly setName: string;
  readonly selector: CompiledSelector;
  readonly pods: KubeObject[];
  readonly facts: PodFacts[];
  readonly slots: Map<string, number>;
}

/**
 * The claims of every StatefulSet whose last sync claimed its pods, by the set's uid. A sync borrows its set's claim
 * (see {@link lend}); the pod events that arrive meanwhile (the sync's own writes) wait until it gives the claim back,
 * so the sync sees the pods as it claimed them and no claim is ever copied.
 */
export class ClaimedPodsCache {
  private readonly claims = new Map<string, Claim>();
  private lent = false;
  private readonly deferred: CacheEvent[] = [];

  /**
   * The pods the set with `uid` claimed, as later pod events left them, if they are known for `selector`; the caller
   * must {@link giveBack} the claim once it is done with it, and until then it stays as it is.
   */
  public lend(uid: string, selector: CompiledSelector): ClaimedPods | undefined {
    const claim = this.claims.get(uid);
    if (claim === undefined || claim.selector.key !== selector.key) {
      return undefined;
    }
    this.lent = true;
    return { pods: claim.pods, facts: claim.facts };
  }

  /** Remembers a full claim of the set, replacing what was known; the caller holds the arrays as if lent (see {@link lend}). */
  public remember(set: KubeObject, selector: CompiledSelector, pods: KubeObject[], facts: PodFacts[]): void {
    const slots = new Map<string, number>();
    pods.forEach((pod, slot) => slots.set(keyOf(pod), slot));
    this.claims.set(set.metadata.uid ?? '', { setName: set.metadata.name ?? '', selector, pods, facts, slots });
    this.lent = true;
  }

  /** Ends a loan (a no-op without one): the pod events that arrived during it take effect, in order. */
  public giveBack(): void {
    this.lent = false;
    for (const event of this.deferred.splice(0)) {
      this.onPodEvent(event);
    }
  }

  /** Forgets the claim of the set with `uid` (the set changed in a way a claim depends on, or is gone). */
  public forget(uid: string | undefined): void {
    if (uid !== undefined) {
      this.claims.delete(uid);
    }
  }

  /**
   * Follows a pod change: the pod leaves the claim of a set that no longer controls it, and takes its place in the
   * claim of the set that does. A pod its controller would now release (not a member by name, or no longer selected)
   * drops that claim instead: the next sync claims afresh and releases it, as upstream's claim does.
   */
  public onPodEvent(event: CacheEvent): void {
    if (this.lent) {
      this.deferred.push(event);
      return;
    }
    const pod = event.object;
    const key = keyOf(pod);
    const uid = event.type === 'DELETED' ? undefined : controllerRefOf(pod)?.uid;
    const previousUid = event.previous ? controllerRefOf(event.previous)?.uid : controllerRefOf(pod)?.uid;
    if (previousUid !== undefined && previousUid !== uid) {
      this.remove(previousUid, key);
    }
    const claim = uid === undefined ? undefined : this.claims.get(uid);
    if (claim === undefined) {
      return;
    }
    const facts = podFacts(pod);
    if (!claimMatches(pod, facts, claim.setName, claim.selector)) {
      this.claims.delete(uid!);
      return;
    }
    const slot = claim.slots.get(key);
    if (slot === undefined) {
      claim.slots.set(key, claim.pods.length);
      claim.pods.push(pod);
      claim.facts.push(facts);
    } else {
      claim.pods[slot] = pod;
      claim.facts[slot] = facts;
    }
  }

  private remove(uid: string, key: string): void {
    const claim = this.claims.get(uid);
    const slot = claim?.slots.get(key);
    if (claim === undefined || slot === undefined) {
      return;
    }
    // The last pod takes the removed one's slot: the order of a claim means nothing.
    const last = claim.pods.length - 1;
    if (slot !== last) {
      claim.pods[slot] = claim.pods[last];
      claim.facts[slot] = claim.facts[last];
      claim.slots.set(keyOf(claim.pods[slot]), slot);
    }
    claim.pods.pop();
    claim.facts.pop();
    claim.slots.delete(key);
  }
}

/**
 * The match of upstream's `ClaimPods` for a StatefulSet: the pod is a member by name (`isMemberOf`) and the set's
 * selector selects it. `facts` must be `podFacts(pod)`.
 */
export function claimMatches(pod: KubeObject, facts: PodFacts, setName: string | undefined, selector: CompiledSelector): boolean {
  return facts.parent === setName && podMatchesSelector(pod, facts, selector.key, selector.matches);
}

/** Compiles the set's selector (JSON and requirements computed once per selector object). */
export function compileSelector(set: KubeObject): CompiledSelector {
  return compiledSelectors.get(set.spec?.selector);
}

// A status write shares the spec with the object before it, so the selector object (and with it its compiled form and
// the very key string) stays the same from sync to sync: the per-pod comparison with the key remembered in the pod's
// facts is an identity check rather than a comparison of characters.
const compiledSelectors = new ObjectMemo<any, CompiledSelector>((selector) => {
  if (selector === null || typeof selector !== 'object') {
    return { key: JSON.stringify(selector ?? null), matches: () => false };
  }
  const requirements: LabelRequirement[] = selectorRequirements(selector);
  return { key: JSON.stringify(selector), matches: (pod) => matchesRequirements(requirements, pod.metadata.labels) };
});
