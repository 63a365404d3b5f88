// The words every view of a rehearsal report shares (the terminal text, the pull-request Markdown): how a workload,
// a step's pods, a budget and an outcome are named, and the one-line verdict. One place, so both views say the same.
import { formatDuration } from '../../runtime/duration';
import { BudgetHeadroom, RehearsalFailure, RehearsalReport, RehearsedStep, RehearsedWorkload } from '../rehearsal-report';

// A list of pods or nodes longer than this is shortened to its first and last few and a count: a 100-replica step
// would otherwise fill a table cell with 100 names (the JSON report keeps them all).
const LISTED_NAMES = 6;
const HEAD_NAMES = 3;
const TAIL_NAMES = 2;

/** `statefulset/kafka`, as kubectl names an object, with the namespace when it is not `default`. */
export function workloadName(workload: Pick<RehearsedWorkload, 'kind' | 'namespace' | 'name'>): string {
  const name = `${workload.kind.toLowerCase()}/${workload.name}`;
  return workload.namespace === 'default' ? name : `${name} (namespace ${workload.namespace})`;
}

/** `kafka-2:ImagePull`, as `--fail` takes it. */
export function failureText(failure: RehearsalFailure): string {
  return `${failure.target}:${failure.mode}`;
}

/** The names of `names`, shortened when long: `web-99, web-98, web-97, ..., web-51, web-50 (50 pods)`. */
export function nameList(names: readonly string[], noun: 'pods' | 'nodes'): string {
  if (names.length <= LISTED_NAMES) {
    return names.join(', ');
  }
  return `${[...names.slice(0, HEAD_NAMES), '...', ...names.slice(-TAIL_NAMES)].join(', ')} (${names.length} ${noun})`;
}

/**
 * The pods a step moves (and, for a DaemonSet node canary, the nodes it covers); undefined when it moves none, as the
 * staged step 0 does.
 */
export function stepPods(step: RehearsedStep): string | undefined {
  if (step.pods.length === 0) {
    return undefined;
  }
  const nodes = step.nodes && step.nodes.length > 0 ? ` on ${nameList(step.nodes, 'nodes')}` : '';
  return `${nameList(step.pods, 'pods')}${nodes}`;
}

/** `zk: 2 healthy, 2 required`: the fewest healthy pods the budget saw during the step, and how many it requires. */
export function budgetText(budget: BudgetHeadroom): string {
  return `${budget.budget}: ${budget.minHealthy} healthy, ${budget.desiredHealthy} required`;
}

/** How a promotion ended, in words: `complete`, `rolled back`, `failed`, `aborted`. */
export function outcomeText(outcome: RehearsedWorkload['outcome']): string {
  return outcome === 'rolled-back' ? 'rolled back' : outcome;
}

/** `passed`, `not reached`, or `failed: <message>`. */
export function stepResultText(step: RehearsedStep): string {
  if (step.result === 'failed') {
    return step.message ? `failed: ${step.message}` : 'failed';
  }
  return step.result === 'not-reached' ? 'not reached' : 'passed';
}

/** `plan canary,50%,100% (from --plan)`. */
export function planText(workload: RehearsedWorkload): string {
  const source = { option: 'from --plan', annotation: 'from the workload\'s plan annotation', default: 'the default plan' }[workload.planSource];
  return `plan ${workload.plan} (${source})`;
}

/** `statefulset/kafka rolled back at step 1` (or `... complete in 6m0s`): one workload's end, for the verdict. */
export function workloadVerdict(workload: RehearsedWorkload): string {
  if (workload.outcome === 'complete') {
    return `${workloadName(workload)} complete in ${formatDuration(workload.durationMs)}`;
  }
  const failed = workload.steps.find((step) => step.result === 'failed');
  return `${workloadName(workload)} ${outcomeText(workload.outcome)}${failed ? ` at step ${failed.step}` : ''}`;
}

/**
 * The one-line verdict: nothing to promote, every promotion complete, or which did not complete and where.
 */
export function reportVerdict(report: RehearsalReport): string {
  const total = report.workloads.length;
  if (total === 0) {
    return 'nothing to promote: no StatefulSet or DaemonSet pod template changed';
  }
  const unfinished = report.workloads.filter((workload) => workload.outcome !== 'complete');
  if (report.succeeded && unfinished.length === 0) {
    return `every promotion completed (${total === 1 ? '1 workload' : `${total} workloads`})`;
  }
  if (unfinished.length === 0) {
    return `the rehearsal did not succeed: ${report.warnings[0] ?? 'see the workloads below'}`;
  }
  const verdicts = unfinished.map(workloadVerdict).join('; ');
  return total === 1 ? verdicts : `${unfinished.length} of ${total} promotions did not complete: ${verdicts}`;
}

/** `3 nodes, 10m4s of simulated time, failures injected: kafka-2:ImagePull`. */
export function reportSetting(report: RehearsalReport): string {
  const parts = [`${report.nodes} simulated ${report.nodes === 1 ? 'node' : 'nodes'}`, `${formatDuration(report.durationMs)} of simulated time`];
  parts.push(report.failures.length === 0 ? 'no failures injected' : `failures injected: ${report.failures.map(failureText).join(', ')}`);
  return parts.join(', ');
}
