// The text of `kubectl-stage rehearse`: the verdict and the setting, then per workload its plan, template changes and
// a kubectl-style table of its steps, then the other changes and the warnings.
import { alignTabs } from './tab-writer';
import { RehearsalReport, RehearsedStep, RehearsedWorkload } from '../../rehearsal/rehearsal-report';
import {
  budgetText, outcomeText, planText, reportSetting, reportVerdict, stepPods, stepResultText, workloadName,
} from '../../rehearsal/render/report-phrases';
import { formatDuration } from '../../runtime/duration';

/** The report as terminal text (ends with a newline). Deterministic: the same report gives the same bytes. */
export function rehearsalText(report: RehearsalReport): string {
  const lines = [`rehearsal: ${reportVerdict(report)}`, `  ${reportSetting(report)}`];
  for (const workload of report.workloads) {
    lines.push('', ...workloadLines(workload));
  }
  if (report.otherChanges.length > 0) {
    lines.push('', 'other changes:', ...report.otherChanges.map((change) => `  ${change}`));
  }
  if (report.warnings.length > 0) {
    lines.push('', ...report.warnings.map((warning) => `warning: ${warning}`));
  }
  return `${lines.join('\n')}\n`;
}

function workloadLines(workload: RehearsedWorkload): string[] {
  const ending = workload.outcome === 'complete' ? 'complete' : outcomeText(workload.outcome);
  const lines = [
    `${workloadName(workload)}: ${ending} after ${formatDuration(workload.durationMs)} of simulated time`,
    `  ${planText(workload)}; at most ${workload.maxUnavailable} unavailable at once`,
  ];
  for (const change of workload.changes) {
    lines.push(`  ${oneLine(`${change.path}: ${change.from ?? '<none>'} -> ${change.to ?? '<removed>'}`)}`);
  }
  const table = ['STEP\tPODS\tSTART\tDURATION\tMAX-UNAVAILABLE\tPDB\tRESULT', ...workload.steps.map(stepRow)];
  lines.push(...alignTabs(table.join('\n')).split('\n').map((line) => `  ${line}`));
  lines.push(`  ${workload.message}`);
  return lines;
}

function stepRow(step: RehearsedStep): string {
  const reached = step.result !== 'not-reached';
  const budgets = step.budgets.length === 0 ? '<none>'
    : step.budgets.map((budget) => `${budgetText(budget)}${budget.violated ? ' (VIOLATED)' : ''}`).join(', ');
  return [
    String(step.step),
    stepPods(step) ?? '<none>',
    reached ? formatDuration(step.startMs) : '-',
    reached ? formatDuration(step.durationMs) : '-',
    reached ? String(step.maxUnavailable) : '-',
    reached ? budgets : '-',
    stepResultText(step),
  ].map(oneLine).join('\t');
}

// A tab or a line break in a value from the manifests or the cluster would break the table's columns or rows.
function oneLine(value: string): string {
  return value.replace(/[\t\r\n]+/g, ' ');
}
