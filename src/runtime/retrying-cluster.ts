// Transient API failures (throttling, server errors, dropped connections) are retried here, once, for every caller:
// the engine, the lock and the commands then see only answers they must act on (404, 409, 410, 422 ...).
import { RuntimeClock } from './clock';
import {
  Cluster, ClusterDeleteOptions, ClusterError, ClusterKind, ClusterList, ClusterWatchEvent, ClusterWatchOptions, ListSelector, PatchType,
} from './cluster';

/** How a {@link RetryingCluster} backs off. */
export interface RetryPolicy {
  /** The first back-off, doubled after each failure. @default 200 */
  readonly initialDelayMs?: number;
  /** The longest single back-off. @default 5000 */
  readonly maxDelayMs?: number;
  /** The total time one call may spend backing off before its last error is thrown. @default 30000 */
  readonly budgetMs?: number;
}

/**
 * Whether an error is worth retrying unchanged: 429 Too Many Requests, any 5xx, or no answer at all (code 0). A 409
 * Conflict is not: the caller must re-read the object and decide again.
 */
export function isTransientClusterError(error: unknown): error is ClusterError {
  return ClusterError.is(error) && (error.code === 0 || error.code === 429 || error.code >= 500);
}

/**
 * The delay before retry number `attempt` (1-based): the server's `Retry-After` when it sent one, otherwise an
 * exponential back-off capped at `maxDelayMs`.
 */
export function retryDelayMs(error: ClusterError, attempt: number, policy: RetryPolicy = {}): number {
  const maxDelay = policy.maxDelayMs ?? 5000;
  if (error.retryAfterSeconds !== undefined) {
    return Math.min(maxDelay, error.retryAfterSeconds * 1000);
  }
  return Math.min(maxDelay, (policy.initialDelayMs ?? 200) * 2 ** (attempt - 1));
}

/** A {@link Cluster} that retries transient failures on the runtime clock, within a bounded budget per call. */
export class RetryingCluster implements Cluster {
  public constructor(private readonly inner: Cluster, private readonly clock: RuntimeClock, private readonly policy: RetryPolicy = {}) {}

  public get<T>(kind: ClusterKind, namespace: string | undefined, name: string): Promise<T | undefined> {
    return this.retry(() => this.inner.get<T>(kind, namespace, name));
  }

  public list<T>(kind: ClusterKind, namespace: string | undefined, selector?: ListSelector): Promise<ClusterList<T>> {
    return this.retry(() => this.inner.list<T>(kind, namespace, selector));
  }

  public create<T>(kind: ClusterKind, namespace: string, body: T): Promise<T> {
    return this.retry(() => this.inner.create<T>(kind, namespace, body));
  }

  public replace<T>(kind: ClusterKind, namespace: string, body: T): Promise<T> {
    return this.retry(() => this.inner.replace<T>(kind, namespace, body));
  }

  public patch<T>(kind: ClusterKind, namespace: string, name: string, patch: unknown, type: PatchType): Promise<T> {
    return this.retry(() => this.inner.patch<T>(kind, namespace, name, patch, type));
  }

  public delete(kind: ClusterKind, namespace: string, name: string, options?: ClusterDeleteOptions): Promise<void> {
    return this.retry(() => this.inner.delete(kind, namespace, name, options));
  }

  /** Opening a watch is retried like any request; once events flow, a failure is the caller's to resume. */
  public watch<T>(kind: ClusterKind, namespace: string | undefined, options: ClusterWatchOptions,
    onEvent: (event: ClusterWatchEvent<T>) => void, signal: AbortSignal): Promise<void> {
    let delivered = false;
    const track = (event: ClusterWatchEvent<T>) => {
      delivered = true;
      onEvent(event);
    };
    return this.retry(() => this.inner.watch<T>(kind, namespace, options, track, signal), signal, () => delivered);
  }

  // `streamed` says the call already delivered watch events, so repeating it would replay them.
  private async retry<T>(call: () => Promise<T>, signal?: AbortSignal, streamed: () => boolean = () => false): Promise<T> {
    const deadline = this.clock.now() + (this.policy.budgetMs ?? 30_000);
    for (let attempt = 1; ; attempt++) {
      try {
        return await call();
      } catch (error) {
        if (!isTransientClusterError(error) || streamed() || signal?.aborted) {
          throw error;
        }
        const delay = retryDelayMs(error, attempt, this.policy);
        if (this.clock.now() + delay > deadline) {
          throw error;
        }
        await this.clock.sleep(delay, signal);
      }
    }
  }
}
