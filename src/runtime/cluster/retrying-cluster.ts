// Transient API failures (throttling, server errors, dropped connections) are retried here, once, for every caller:
// the engine, the lock and the commands then see only answers they must act on (404, 409, 410, 422 ...).
import { RuntimeClock } from '../clock';
import { Cluster, ClusterError, ClusterKind, ClusterWatchEvent, ClusterWatchOptions } from './cluster';
import { ClusterDecorator, ClusterRequest } from './cluster-decorator';

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
export class RetryingCluster extends ClusterDecorator {
  public constructor(inner: Cluster, private readonly clock: RuntimeClock, private readonly policy: RetryPolicy = {}) {
    super(inner);
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

  protected around<T>(request: ClusterRequest, call: () => Promise<T>): Promise<T> {
    // A 5xx through the pod proxy is the pod's answer, or nothing listening on its port: not the API server's to
    // retry (a gate reading it polls again on its own schedule).
    return request.verb === 'proxy' ? this.retry(call, undefined, () => false, (error) => error.code === 0 || error.code === 429) : this.retry(call);
  }

  // `streamed` says the call already delivered watch events, so repeating it would replay them; `retried` narrows
  // which transient errors are retried.
  private async retry<T>(call: () => Promise<T>, signal?: AbortSignal, streamed: () => boolean = () => false,
    retried: (error: ClusterError) => boolean = () => true): Promise<T> {
    const deadline = this.clock.now() + (this.policy.budgetMs ?? 30_000);
    for (let attempt = 1; ; attempt++) {
      try {
        return await call();
      } catch (error) {
        if (!isTransientClusterError(error) || !retried(error) || streamed() || signal?.aborted) {
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
