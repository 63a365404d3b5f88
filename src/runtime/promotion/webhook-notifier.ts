// Sends a promotion's messages (webhook-message.ts) to a chat webhook, one at a time in the order they happened, on
// the side: a promotion never waits for it and is never failed by it. A message is tried a bounded number of times,
// backing off on the runtime clock after an answer worth retrying (429, 5xx) or none (network error, timeout); one
// given up on is handed to `onGiveUp` (the controller counts and logs it, the CLI prints a line).
import { MessageContext, NotifiedWorkload, webhookMessage, WebhookMessage } from './webhook-message';
import { RuntimeClock } from '../clock';
import { PromotionEvent } from './promotion-contract';

/** The WHATWG `fetch`, as far as a webhook POST needs it (Node's global one in production). */
export type WebhookFetch = (url: string, init: {
  readonly method: 'POST';
  readonly headers: Record<string, string>;
  readonly body: string;
  readonly signal: AbortSignal;
}) => Promise<{ readonly status: number; readonly headers?: { get(name: string): string | null } }>;

/** A message that was not delivered. */
export interface WebhookFailure {
  readonly message: WebhookMessage;
  /** How many times it was sent. */
  readonly attempts: number;
  /** The last answer (`HTTP 503`) or error, naming the webhook's host only: the URL is a credential. */
  readonly error: string;
}

/** Options of a {@link WebhookNotifier}. */
export interface WebhookNotifierOptions {
  /** The webhook's URL (a credential: it appears in no message, log line or error). */
  readonly url: string;
  readonly fetch: WebhookFetch;
  /** The clock of the back-off between attempts. */
  readonly clock: RuntimeClock;
  /** Also say when a promotion starts or resumes. @default false */
  readonly notifyStarted?: boolean;
  /** How many times a message is sent at most. @default 3 */
  readonly attempts?: number;
  /** The wait before the second attempt, doubled before each next one (a longer Retry-After wins, up to 60s). @default 1000 */
  readonly backoffMs?: number;
  /**
   * How long one attempt may wait for an answer, in real milliseconds: the request is real I/O, which a virtual
   * clock cannot wait for. @default 10000
   */
  readonly requestTimeoutMs?: number;
  /** Told about each message given up on. @default none */
  readonly onGiveUp?: (failure: WebhookFailure) => void;
}

/** The longest Retry-After honoured, in ms: a webhook asking for more gets a later message dropped, not a stuck queue. */
const MAX_RETRY_AFTER_MS = 60_000;

/** Sends promotion messages to one webhook. */
export class WebhookNotifier {
  private queue: Promise<void> = Promise.resolve();

  public constructor(private readonly options: WebhookNotifierOptions) {}

  /**
   * The event listener of one promotion of `workload` (a rollback restarted after a conflict is said once).
   */
  public listener(workload: NotifiedWorkload): (event: PromotionEvent) => void {
    let context: MessageContext = workload;
    let rollingBack = false;
    return (event) => {
      if (event.type === 'started') {
        context = { ...context, targetStep: event.targetStep };
      }
      if (event.type === 'rolling-back') {
        if (rollingBack) {
          return;
        }
        rollingBack = true;
      }
      const message = webhookMessage(event, context, { started: this.options.notifyStarted });
      if (message) {
        this.send(message);
      }
    };
  }

  /** Queues `message` behind the ones before it; returns at once. */
  public send(message: WebhookMessage): void {
    this.queue = this.queue.then(() => this.deliver(message));
  }

  /** Resolves when every message queued so far was delivered or given up on. */
  public flush(): Promise<void> {
    return this.queue;
  }

  private async deliver(message: WebhookMessage): Promise<void> {
    const attempts = this.options.attempts ?? 3;
    let backoff = this.options.backoffMs ?? 1000;
    let error = '';
    for (let attempt = 1; attempt <= attempts; attempt++) {
      const answer = await this.post(message);
      if (answer.delivered) {
        return;
      }
      error = answer.error;
      if (!answer.retry || attempt === attempts) {
        this.options.onGiveUp?.({ message, attempts: attempt, error });
        return;
      }
      await this.options.clock.sleep(Math.max(backoff, answer.retryAfterMs ?? 0));
      backoff *= 2;
    }
  }

  private async post(message: WebhookMessage): Promise<{ delivered: boolean; retry?: boolean; retryAfterMs?: number; error: string }> {
    const host = hostOf(this.options.url);
    const timeoutMs = this.options.requestTimeoutMs ?? 10_000;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    timer.unref?.();
    try {
      const response = await this.options.fetch(this.options.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(message),
        signal: controller.signal,
      });
      if (response.status >= 200 && response.status < 300) {
        return { delivered: true, error: '' };
      }
      const retry = response.status === 429 || response.status >= 500;
      return { delivered: false, retry, retryAfterMs: retryAfterMs(response.headers?.get('retry-after')), error: `HTTP ${response.status} from ${host}` };
    } catch (error) {
      const reason = controller.signal.aborted ? `no answer within ${timeoutMs}ms` : (error as Error).message;
      return { delivered: false, retry: true, error: `${reason} (${host})` };
    } finally {
      clearTimeout(timer);
    }
  }
}

// Retry-After in seconds (the HTTP-date form is not used by chat webhooks), capped.
function retryAfterMs(value: string | null | undefined): number | undefined {
  const seconds = value === null || value === undefined ? NaN : Number(value);
  return Number.isFinite(seconds) && seconds >= 0 ? Math.min(seconds * 1000, MAX_RETRY_AFTER_MS) : undefined;
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'the webhook';
  }
}
