// The rehearsal report as GitHub-flavoured Markdown, made to be posted as a pull-request comment: the verdict first,
// then per workload its template changes and a table of its steps, then the other changes and the warnings. Long
// parts fold into <details>. Every name and message comes from the manifests or the cluster, so it is escaped: a
// `|` would split a table cell, a `<` would open an HTML tag on GitHub.
import {
  budgetText, outcomeText, planText, reportSetting, reportVerdict, stepPods, stepResultText, workloadName,
} from './report-phrases';
import { formatDuration } from '../../runtime/duration';
import { RehearsalReport, RehearsedStep, RehearsedWorkload, TemplateChange } from '../rehearsal-report';

/** A list or table longer than this many rows folds into a <details> block. */
const FOLDED_ABOVE = 10;
/** A workload with more steps than this shows its first and last halves, and any failed step. */
const SHOWN_STEPS = 40;
/** A template value longer than this is cut in the comment (the JSON report keeps it whole). */
const VALUE_CHARS = 100;

/**
 * The report as Markdown for a pull-request comment (ends with a newline). Deterministic: the same report gives the
 * same bytes.
 */
export function rehearsalMarkdown(report: RehearsalReport): string {
  const icon = report.succeeded ? ':white_check_mark:' : ':x:';
  const parts = [
    `## ${icon} Rollout rehearsal: ${text(reportVerdict(report))}`,
    text(`${capitalize(reportSetting(report))}.`),
    ...report.workloads.map(workloadSection),
  ];
  if (report.otherChanges.length > 0) {
    parts.push(`### Other changes\n\n${folded(`${report.otherChanges.length} objects`, report.otherChanges.map((change) => `- ${code(change)}`))}`);
  }
  if (report.warnings.length > 0) {
    parts.push(`### :warning: Warnings\n\n${folded(`${report.warnings.length} warnings`, report.warnings.map((warning) => `- ${text(warning)}`))}`);
  }
  parts.push('<sub>Rehearsed by <code>kubectl-stage rehearse</code> in an in-process sandbox on virtual time: '
    + 'durations are simulated from the manifests\' probes, <code>minReadySeconds</code> and the soak.</sub>');
  return `${parts.join('\n\n')}\n`;
}

function workloadSection(workload: RehearsedWorkload): string {
  const icon = workload.outcome === 'complete' ? ':white_check_mark:' : ':x:';
  const ending = workload.outcome === 'complete'
    ? `complete in ${formatDuration(workload.durationMs)}`
    : `${outcomeText(workload.outcome)} after ${formatDuration(workload.durationMs)}`;
  const lines = [
    `### ${icon} ${text(workloadName(workload))}: ${ending}`,
    text(`${capitalize(planText(workload))}; at most ${workload.maxUnavailable} ${workload.maxUnavailable === 1 ? 'pod' : 'pods'} unavailable at once.`),
  ];
  if (workload.changes.length > 0) {
    lines.push(`**Template changes**\n\n${folded(`${workload.changes.length} changes`, workload.changes.map(changeLine))}`);
  }
  const rows = shownSteps(workload.steps).map((step) => typeof step === 'number'
    ? `| ... | ${step} steps left out: \`-o json\` has every one | | | | | |`
    : stepRow(step));
  lines.push(folded(`${workload.steps.length} steps`, [
    '| step | pods moved | start | duration | max unavailable | PDB headroom | result |',
    '|---:|---|---:|---:|---:|---|---|',
    ...rows,
  ], rows.length));
  lines.push(`> ${text(workload.message)}`);
  return lines.join('\n\n');
}

// A step that failed, and the first and last steps, stay; the middle of a very long plan (linear:1 over hundreds of
// replicas) becomes the count of steps left out, so the comment stays under GitHub's 65,536 characters.
function shownSteps(steps: readonly RehearsedStep[]): (RehearsedStep | number)[] {
  if (steps.length <= SHOWN_STEPS) {
    return [...steps];
  }
  const kept = new Set([...steps.slice(0, SHOWN_STEPS / 2), ...steps.slice(-SHOWN_STEPS / 2), ...steps.filter((step) => step.result === 'failed')]);
  const shown: (RehearsedStep | number)[] = [];
  for (const step of steps) {
    if (kept.has(step)) {
      shown.push(step);
    } else if (typeof shown[shown.length - 1] === 'number') {
      shown[shown.length - 1] = (shown[shown.length - 1] as number) + 1;
    } else {
      shown.push(1);
    }
  }
  return shown;
}

function changeLine(change: TemplateChange): string {
  const from = change.from === undefined ? '_(none)_' : code(cut(change.from));
  const to = change.to === undefined ? '_(removed)_' : code(cut(change.to));
  return `- ${code(change.path)}: ${from} → ${to}`;
}

function stepRow(step: RehearsedStep): string {
  const reached = step.result !== 'not-reached';
  const budgets = step.budgets.length === 0 ? 'no budget' : step.budgets
    .map((budget) => budget.violated ? `:warning: **${text(budgetText(budget))}: violated**` : text(budgetText(budget)))
    .join('<br>');
  const result = step.result === 'failed' ? `:x: ${text(stepResultText(step))}` : text(stepResultText(step));
  return `| ${[
    String(step.step),
    text(stepPods(step) ?? '-'),
    reached ? formatDuration(step.startMs) : '-',
    reached ? formatDuration(step.durationMs) : '-',
    reached ? String(step.maxUnavailable) : '-',
    reached ? budgets : '-',
    result,
  ].join(' | ')} |`;
}

// Rows above FOLDED_ABOVE fold into a <details> block titled `summary`; a blank line on each side lets GitHub render
// the Markdown inside it.
function folded(summary: string, lines: readonly string[], rows = lines.length): string {
  const body = lines.join('\n');
  return rows > FOLDED_ABOVE ? `<details><summary>${text(summary)}</summary>\n\n${body}\n\n</details>` : body;
}

// Text from the report, made inert: Markdown's punctuation and HTML's angle brackets are escaped, a line break (it
// would end a table row or a list item) becomes a space.
function text(value: string): string {
  return value.replace(/\r?\n/g, ' ').replace(/[\\`*_[\]<>|#~]/g, (char) => `\\${char}`);
}

// A code span that holds any value: its fence is one backtick longer than the longest run inside (CommonMark), with a
// space on each side when the value starts or ends with a backtick. Pipes still end a table cell inside a code span
// on GitHub, so code spans are only used outside tables.
function code(value: string): string {
  const flat = value.replace(/\r?\n/g, ' ');
  const longestRun = Math.max(0, ...(flat.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longestRun + 1);
  const pad = flat.startsWith('`') || flat.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${flat}${pad}${fence}`;
}

function cut(value: string): string {
  return value.length > VALUE_CHARS ? `${value.slice(0, VALUE_CHARS)}...` : value;
}

function capitalize(value: string): string {
  return value.charAt(0).toUpperCase() + value.slice(1);
}
