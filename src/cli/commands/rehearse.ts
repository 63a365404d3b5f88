// `kubectl-stage rehearse --from OLD.yaml --to NEW.yaml`: the next release promoted in an in-process sandbox on
// virtual time, reported as text, JSON or Markdown (for a pull-request comment). Needs no cluster and no kubeconfig;
// writes nothing but standard output.
import { Command, Option } from 'commander';
import { parseFormatOf } from './output-format';
import { parseInteger } from './parse-integer';
import { checkPlanFlag } from './plan-flag';
import { parseFailureFlags } from './rehearse-failure-flag';
import { MAX_NODES } from './sandbox';
import type { RehearsalReport } from '../../rehearsal/rehearsal-report';
import { parseDuration } from '../../runtime/duration';
import { RuntimeError } from '../../runtime/runtime-error';
import { CliContext } from '../cli-context';
import { ExitCode } from '../exit-codes';
import { helpExamples } from '../help-examples';
import * as onUse from '../on-use';

/** Flags of `rehearse`, as commander parses them. */
interface RehearseFlags {
  readonly from: string;
  readonly to: string;
  readonly plan?: string;
  readonly soak: string;
  readonly timeout?: string;
  readonly fail: string[];
  readonly nodes: string;
  readonly autoRollback: boolean;
  readonly output?: string;
}

const FORMATS = ['text', 'json', 'markdown'] as const;

// The renderer of each -o format, loaded once a rehearsal has run.
function printerOf(format: typeof FORMATS[number]): (report: RehearsalReport) => string {
  switch (format) {
    case 'text':
      return onUse.rehearsalText().rehearsalText;
    case 'json':
      return onUse.rehearsalJson().rehearsalJson;
    case 'markdown':
      return onUse.rehearsalMarkdown().rehearsalMarkdown;
  }
}

/**
 * The exit code of a rehearsal, as `promote` would have ended (docs/runtime.md): 0 when every promotion completed,
 * 1 when one failed or was aborted without a rollback, else 2 when one was rolled back.
 */
export function exitCodeForRehearsal(report: RehearsalReport): number {
  if (report.succeeded) {
    return ExitCode.SUCCESS;
  }
  const outcomes = report.workloads.map((workload) => workload.outcome);
  return outcomes.includes('rolled-back') && outcomes.every((outcome) => outcome === 'complete' || outcome === 'rolled-back')
    ? ExitCode.ROLLED_BACK
    : ExitCode.GATE_FAILED;
}

/** Registers `rehearse`. */
export function registerRehearseCommand(program: Command, context: CliContext): void {
  program.command('rehearse')
    .description('Rehearse a release in an in-process sandbox on virtual time: load OLD, apply NEW staged, promote every changed '
      + 'StatefulSet and DaemonSet by its plan, and report each step (pods moved, simulated time, PodDisruptionBudget headroom); '
      + 'needs no cluster')
    .requiredOption('--from <path>', 'the current release: a YAML manifest file, or a directory of them as kubectl apply -f reads one '
      + '(cdk8s synth output)')
    .requiredOption('--to <path>', 'the next release: a YAML manifest file or a directory of them')
    .option('--plan <plan>', 'promote every changed workload by this plan instead of its own (sts: canary, linear:N, 10%,50%,100%; ds: 1,25%,100%)')
    .option('--soak <duration>', 'soak each step this long after its pods pass the gate', '0')
    .option('--timeout <duration>', 'how long a step (or the rollback) may take in simulated time before it fails (default 10m)')
    .addOption(new Option('--fail <pod-or-node:mode>', 'make the new release\'s pod (kafka-2) or the pods on a node (node-1) fail: '
      + 'ImagePull, CrashLoop, NeverReady or FlappingReadiness (repeatable)')
      .argParser((value: string, previous: string[]) => [...previous, value]).default([]))
    .option('--nodes <n>', 'simulated nodes (node-1..node-N)', '3')
    .option('--no-auto-rollback', 'leave a failed step where it stopped instead of restoring the previous revision')
    .option('-o, --output <format>', 'text, json (the report) or markdown (for a pull-request comment)')
    .addHelpText('after', helpExamples(context.name, [
      ['Rehearse the next release: what cdk8s synthesized on the main branch, then on this one', 'rehearse --from base-dist/ --to dist/'],
      ['Rehearse the rollback path: the canary cannot pull its image', 'rehearse --from base.yaml --to pr.yaml --fail kafka-2:ImagePull'],
      ['The report as a pull-request comment', 'rehearse --from base.yaml --to pr.yaml --soak 2m -o markdown > report.md'],
    ]))
    .action(context.action(async (flags: RehearseFlags) => {
      // Every flag and both files are checked before the sandbox starts.
      const format = parseFormatOf(flags.output, FORMATS);
      const plan = checkPlanFlag(flags.plan);
      const soakMs = parseDuration(flags.soak, '--soak');
      const timeoutMs = flags.timeout === undefined ? undefined : parseDuration(flags.timeout, '--timeout');
      if (timeoutMs === 0) {
        // Unlike promote's, a rehearsal's wait is on virtual time: "never" would only end at the engine's own bound.
        throw new RuntimeError('bad-input', `invalid --timeout "${flags.timeout}": a rehearsed step needs a time limit above 0, for example 10m`);
      }
      const failures = parseFailureFlags(flags.fail);
      const nodes = parseInteger(flags.nodes, '--nodes', 1, MAX_NODES);
      // Read and parsed here so a bad file is named by its flag; the engine parses the text again, it is cheap.
      const { readManifestFile } = onUse.manifestFile();
      const from = readManifestFile(flags.from, '--from', 'keep');
      const to = readManifestFile(flags.to, '--to', 'keep');
      const report = await onUse.rehearse().rehearse({
        from: from.text,
        to: to.text,
        fromSource: flags.from,
        toSource: flags.to,
        plan,
        soakMs,
        timeoutMs,
        autoRollback: flags.autoRollback,
        failures,
        nodes,
      });
      context.io.stdout(printerOf(format)(report));
      return exitCodeForRehearsal(report);
    }));
}
