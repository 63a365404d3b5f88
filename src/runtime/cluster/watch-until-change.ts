// One round of "wait for the next change": watch what a read just returned, from the resourceVersions it returned, and
// stop at the first change. `status --watch` and undo's wait for the controller read everything again after a round,
// so a dropped or expired watch costs one extra read and no change between the read and the watch is missed.
import { RuntimeClock } from '../clock';
import { Cluster, ClusterKind, ListSelector } from './cluster';

/** What a read returned, to watch from its resourceVersion. */
export interface WatchedCollection {
  /** The kind read. */
  readonly kind: ClusterKind;
  /** The selector of the read. @default every object of the kind in the namespace */
  readonly selector?: ListSelector;
  /** The resourceVersion of the list (or of the one object read): only later changes count. */
  readonly resourceVersion: string;
}

/** Options of {@link watchUntilChange}. */
export interface WatchUntilChangeOptions {
  /** The clock of `until`. */
  readonly clock: RuntimeClock;
  /** The namespace of every collection. */
  readonly namespace: string;
  /** Ends the round early. @default never */
  readonly signal?: AbortSignal;
  /**
   * When the round ends as `due` (ms since the epoch): a deadline, or a moment no event marks (a Ready pod turning
   * Available through minReadySeconds). @default no such moment
   */
  readonly until?: number;
}

/**
 * How a round ended: `changed` at an event that is not a bookmark; `due` at `until`; `aborted` by the signal; `ended`
 * when a watch stream ended or failed without a change (dropped, 410 Gone, an error), after which the caller pauses
 * before reading again so that a failing API server is not hammered.
 */
export type WatchRoundEnd = 'changed' | 'due' | 'aborted' | 'ended';

/**
 * Watches `collections` until the first change in any of them, `until`, or the signal, whichever comes first. Any
 * watch ending ends the round, so one dropped stream cannot hide changes the caller would otherwise miss.
 */
export async function watchUntilChange(
  cluster: Pick<Cluster, 'watch'>, collections: readonly WatchedCollection[], options: WatchUntilChangeOptions,
): Promise<WatchRoundEnd> {
  if (options.signal?.aborted) {
    return 'aborted';
  }
  const round = new AbortController();
  let end: WatchRoundEnd | undefined;
  // The first reason wins: a watch that ends because the round was aborted does not turn a change into `ended`.
  const finish = (reason: WatchRoundEnd) => {
    end ??= reason;
    round.abort();
  };
  const onAbort = () => finish('aborted');
  options.signal?.addEventListener('abort', onAbort, { once: true });
  const { clock, until } = options;
  if (until !== undefined) {
    void clock.sleep(Math.max(0, until - clock.now()), round.signal).then(() => finish('due'));
  }
  try {
    // Through a promise, so that a watch that throws at once ends the round like one that fails later.
    await Promise.all(collections.map((collection) => Promise.resolve().then(() => cluster.watch(
      collection.kind, options.namespace, { ...collection.selector, resourceVersion: collection.resourceVersion },
      (event) => {
        if (event.type !== 'BOOKMARK') {
          finish('changed');
        }
      }, round.signal,
    )).catch(() => undefined).finally(() => finish('ended'))));
  } finally {
    round.abort();
    options.signal?.removeEventListener('abort', onAbort);
  }
  return end ?? 'ended';
}
