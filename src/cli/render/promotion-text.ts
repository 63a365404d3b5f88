// One line per promotion event, for people and CI logs. `-o json` prints the events themselves instead.
import { jsonLine } from './json-output';
import { formatDuration } from '../../runtime/duration';
import { shortRef, WorkloadRef } from '../../runtime/kube/workload-ref';
import { PromotionEvent } from '../../runtime/promotion/promotion-contract';
import { orderedStepText } from '../../runtime/promotion/workload-events';

/**
 * Prints each event as it comes: a line for people, or with `-o json` the event itself (what `promote` and `undo`,
 * which promotes back through the plan, print alike).
 *
 * @param write where the text goes (the CLI's stdout)
 */
export function promotionEventPrinter(format: 'text' | 'json', ref: WorkloadRef, write: (text: string) => void): (event: PromotionEvent) => void {
  return (event) => {
    const line = format === 'json' ? promotionEventJson(event) : promotionEventLine(event, ref);
    if (line !== undefined) {
      write(format === 'json' ? line : `${line}\n`);
    }
  };
}

/**
 * The event as a line of JSON (with its newline, times as RFC 3339), or undefined for the engine's internal conflict
 * retries, which `-o json` does not report either.
 */
export function promotionEventJson(event: PromotionEvent): string | undefined {
  return event.type === 'conflict' ? undefined : jsonLine(event);
}

/**
 * The line for one event, without the newline, or undefined for events that are not news to a person (a conflict the
 * engine re-reads and retries on its own).
 *
 * @param ref the workload, for pod names and the commands suggested
 */
export function promotionEventLine(event: PromotionEvent, ref: WorkloadRef): string | undefined {
  const resume = `kubectl-stage resume ${shortRef(ref)}`;
  switch (event.type) {
    case 'started':
      // A DaemonSet canary's steps are node counts, a StatefulSet's are partitions.
      return `${event.resumed ? 'resuming' : 'promoting'} ${shortRef(ref)} with plan ${event.plan} `
        + `(${ref.kind === 'DaemonSet' ? 'nodes' : 'partitions'} ${event.partitions.join(', ')}): step ${event.step} -> ${event.targetStep}`;
    case 'step-started':
      if (event.restarts !== undefined) {
        return `step ${event.step}: ${orderedStepText(event.restarts)}`;
      }
      return `step ${event.step}: partition ${event.partition}`
        + (event.ordinals.length > 0 ? ` (${event.ordinals.map((ordinal) => `${ref.name}-${ordinal}`).join(', ')} on the new revision)` : ' (staged)');
    case 'canary-step-started':
      return `step ${event.step}: ${event.nodes.length} node(s) to the new revision (${event.nodes.join(', ')})`;
    case 'pods-deleted':
      return `step ${event.step}: deleted ${event.pods.map((pod) => `${pod.pod} on ${pod.node}`).join(', ')}`;
    case 'pod-restarting':
      return `step ${event.step}: restarting ${event.pod} (${event.reason})`;
    case 'waiting':
      // The controller's reason is a sentence of its own; blocking pods read as what is waited for.
      return event.waitingForController !== undefined
        ? `step ${event.step}: waiting: ${event.waitingForController}`
        : `step ${event.step}: waiting for ${event.blocking.map((pod) => `${pod.pod} (${pod.reason})`).join(', ')}`;
    case 'soak-started':
      return `step ${event.step}: gate passed; soaking for ${formatDuration(event.until - event.at)} (until ${new Date(event.until).toISOString()})`;
    case 'gate-result':
      return `step ${event.step}: gate ${event.gate} ${event.passed ? 'passed' : 'failed'}: ${event.message}`;
    case 'gate-waiting':
      return `step ${event.step}: gate ${event.gate} waiting: ${event.message}`;
    case 'awaiting-approval':
      return `step ${event.step} passed; waiting for approval: run "${resume}"`;
    case 'paused':
      return `paused after step ${event.step}; run "${resume}" to continue`;
    case 'failed':
      // The engine's message already says which step failed and how.
      return event.message;
    case 'rolling-back':
      return `rolling back to revision ${event.revision}`;
    case 'deleting-stuck-pods':
      return `deleting ${event.pods.join(', ')}: ${event.reason}`;
    case 'conflict':
      return undefined;
    case 'finished':
      return `${event.phase === 'complete' ? 'promotion complete' : event.phase}: ${event.message}`;
  }
}
