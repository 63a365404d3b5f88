// The text of `kubectl-stage status`: the one-line message, the plan position, the pods grouped by revision (with
// the blocking ones and why), and what `kubectl rollout status` would have said.
import { alignTabs } from './tab-writer';
import { formatProblem } from '../../runtime/kube/pod-facts';
import { ReportedPod, RolloutReport } from '../../runtime/rollout/rollout-report';

/** The multi-line status view of a report (ends with a newline). */
export function renderReport(report: RolloutReport): string {
  const lines = [report.message];
  const promotion = report.promotion;
  if (report.position || promotion) {
    const parts: string[] = [];
    if (report.position) {
      parts.push(`plan ${report.position.plan}`, `step ${report.position.step} of ${report.position.steps}`);
    }
    if (report.partition !== undefined) {
      parts.push(`partition ${report.partition}`);
    }
    if (promotion) {
      parts.push(`promotion ${promotion.phase}${promotion.paused ? ' (paused)' : ''}${promotion.message ? `: ${promotion.message}` : ''}`);
    }
    lines.push(`  ${parts.join(', ')}`);
  }
  if (report.promotionError) {
    lines.push(`  warning: ${report.promotionError}`);
  }
  if (report.revisions.length > 0) {
    const table = ['REVISION\tROLE\tPODS'];
    for (const group of report.revisions) {
      table.push(`${group.revision}\t${group.role}\t${group.pods.map(describePod).join(', ')}`);
    }
    lines.push(...alignTabs(table.join('\n')).split('\n').map((line) => `  ${line}`));
  }
  for (const entry of report.blocking) {
    lines.push(`  waiting for ${entry.pod}${entry.node ? ` on ${entry.node}` : ''}: ${entry.reason}`);
  }
  const trap = report.forcedRollbackTrap;
  if (trap) {
    lines.push(`  stuck: ${trap.message}`);
    lines.push(`  to get out: kubectl delete pod ${trap.podsToDelete.map((stuck) => stuck.pod).join(' ')} -n ${report.namespace}`);
  }
  const kubectl = report.kubectl.error ? `error: ${report.kubectl.error}` : report.kubectl.message;
  lines.push(`  kubectl rollout status would say: ${kubectl}`);
  return `${lines.join('\n')}\n`;
}

function describePod(pod: ReportedPod): string {
  const where = pod.node && pod.ordinal === undefined ? `@${pod.node}` : '';
  const state = pod.terminating ? 'terminating'
    : pod.problems.length > 0 ? pod.problems.map(formatProblem).join('; ')
      : !pod.ready ? 'not Ready' : !pod.available ? 'Ready, not Available' : '';
  return `${pod.name}${where}${state ? ` (${state})` : ''}`;
}
