// What a promotion says to a chat webhook: the JSON of a Slack incoming webhook (`text`, the fallback every reader
// shows, and `blocks`), which Mattermost, Discord's /slack endpoint and Teams relays also read. One message per step
// failure, rollback (started, finished) and completion, and optionally per start; each names the workload, the change
// it rolls out, the step and the reason. Pure: the event and the workload in, the message out.
import { PromotionEvent } from './promotion-contract';
import { KubeWorkload } from '../kube/kube-types';
import { WorkloadRef } from '../kube/workload-ref';

/** A Block Kit text object in Slack's mrkdwn. */
export interface WebhookText {
  readonly type: 'mrkdwn';
  readonly text: string;
}

/** The blocks a message uses: a section (the headline and the reason) and a context line (the change). */
export type WebhookBlock =
  | { readonly type: 'section'; readonly text: WebhookText }
  | { readonly type: 'context'; readonly elements: readonly WebhookText[] };

/** The JSON body POSTed to the webhook. */
export interface WebhookMessage {
  /** The whole message in plain words: what readers without blocks show, and the notification's preview. */
  readonly text: string;
  readonly blocks: readonly WebhookBlock[];
}

/** What the promotion rolls out, when the caller knows it. */
export interface PromotionChange {
  /** The update revision (a ControllerRevision's name, or a DaemonSet's revision number). @default not said */
  readonly revision?: string;
  /** The pod template's images, `container=image`. @default not said */
  readonly images?: readonly string[];
}

/**
 * What a workload as read rolls out: its template's images, and its update revision: `revision` when the caller knows
 * it, else a StatefulSet's `status.updateRevision` once the controller has observed the current spec (before that it
 * still names the previous template's revision).
 */
export function changeOf(workload: KubeWorkload, revision?: string): PromotionChange {
  const status = workload.status as { readonly updateRevision?: string; readonly observedGeneration?: number } | undefined;
  const observed = status?.observedGeneration !== undefined && status.observedGeneration >= (workload.metadata.generation ?? 0);
  const images = (workload.spec.template.spec?.containers ?? []).map((container) => `${container.name}=${container.image ?? ''}`);
  return { revision: revision ?? (observed ? status?.updateRevision : undefined), images };
}

/** The workload a promotion's messages are about. */
export interface NotifiedWorkload {
  readonly ref: WorkloadRef;
  /** @default no change is named */
  readonly change?: PromotionChange;
}

/** What the listener of one promotion remembers between its events. */
export interface MessageContext extends NotifiedWorkload {
  /** The step the promotion stops at, from its `started` event. @default unknown */
  readonly targetStep?: number;
}

/** Which events become messages. */
export interface WebhookMessageOptions {
  /** Also a message when a promotion starts or resumes. @default false */
  readonly started?: boolean;
}

/** Slack's section text holds 3000 characters; a reason is cut well before, leaving room for the headline. */
const REASON_LIMIT = 1500;

/**
 * The message an event becomes, or undefined for the events nobody is told about (progress, waits, gates, and the
 * `finished` of a failure without rollback, which its `failed` event already said).
 */
export function webhookMessage(event: PromotionEvent, context: MessageContext, options: WebhookMessageOptions = {}): WebhookMessage | undefined {
  const workload = `${context.ref.kind} ${context.ref.namespace}/${context.ref.name}`;
  const step = (n: number) => (context.targetStep === undefined ? `step ${n}` : `step ${n}/${context.targetStep}`);
  switch (event.type) {
    case 'started':
      if (!options.started) {
        return undefined;
      }
      return compose(context, `${event.resumed ? 'Promotion resumed' : 'Promotion started'}: ${workload}`,
        `plan ${event.plan}, from step ${event.step} to step ${event.targetStep}`, ':arrow_forward:');
    case 'failed':
      // The engine's message starts "step N failed: " when a gate failed, which the headline already says.
      return compose(context, `${capitalize(step(event.step))} failed (${event.kind === 'timed-out' ? 'timed out' : 'gate failed'}): ${workload}`,
        event.message.replace(`step ${event.step} failed: `, ''), ':x:');
    case 'rolling-back':
      return compose(context, `Rolling back: ${workload}`, `restoring revision ${event.revision}`, ':rewind:');
    case 'finished':
      if (event.phase === 'complete') {
        return compose(context, `Promotion complete: ${workload}`, event.message, ':white_check_mark:');
      }
      if (event.phase === 'rolled-back') {
        return compose(context, `Rolled back: ${workload}`, event.message, ':leftwards_arrow_with_hook:');
      }
      return undefined;
    default:
      return undefined;
  }
}

/** `text` with URLs' user, password, query and fragment removed: gate URLs may carry tokens a channel must not see. */
export function withoutUrlSecrets(text: string): string {
  return text.replace(/\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>]+/gi, (found) => {
    try {
      const url = new URL(found);
      const hidden = url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '';
      url.username = '';
      url.password = '';
      url.search = '';
      url.hash = '';
      return hidden ? `${url.toString()}[redacted]` : found;
    } catch {
      return found;
    }
  });
}

function compose(context: MessageContext, headline: string, reason: string, emoji: string): WebhookMessage {
  const detail = cut(withoutUrlSecrets(reason));
  const change = changeText(context.change);
  const text = [`${headline}${detail ? `: ${detail}` : ''}`, change].filter(Boolean).join('\n');
  const blocks: WebhookBlock[] = [
    { type: 'section', text: { type: 'mrkdwn', text: `${emoji} *${escape(headline)}*${detail ? `\n${escape(detail)}` : ''}` } },
  ];
  if (change) {
    blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: escape(change) }] });
  }
  return { text: escape(text), blocks };
}

function changeText(change: PromotionChange | undefined): string {
  const parts = [
    change?.revision ? `revision ${change.revision}` : undefined,
    change?.images?.length ? `images ${change.images.join(', ')}` : undefined,
  ].filter(Boolean);
  return parts.length > 0 ? `change: ${parts.join('; ')}` : '';
}

// Slack reads `&`, `<` and `>` as markup (`<!channel>` notifies everyone), so text from the cluster is escaped.
function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function cut(text: string): string {
  return text.length > REASON_LIMIT ? `${text.slice(0, REASON_LIMIT - 1)}…` : text;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
