// `kubectl-stage status sts/NAME|ds/NAME [--watch] [-o json]`: where the rollout stands by revision. Once, or with
// --watch until it settles or the promotion it sees running ends: a live view on a terminal, one line per change
// otherwise, one JSON object per change with -o json.
import { Command } from 'commander';
import { OutputFormat, parseOutputFormat } from './output-format';
import { exitCodeForOutcome } from './promote';
import { NAME_ARGUMENT, WORKLOAD_ARGUMENT, workloadText } from './workload-argument';
import { parseTimeout } from '../../runtime/duration';
import { describeRef, parseWorkloadRef } from '../../runtime/kube/workload-ref';
import type { PromotionOutcome } from '../../runtime/promotion/promotion-contract';
import type { RolloutReport } from '../../runtime/rollout/rollout-report';
import { RuntimeError } from '../../runtime/runtime-error';
import { CliContext } from '../cli-context';
import { ExitCode } from '../exit-codes';
import { helpExamples } from '../help-examples';
import * as onUse from '../on-use';
import { jsonLine } from '../render/json-output';

interface StatusOptions {
  readonly watch?: boolean;
  readonly output?: string;
  readonly timeout?: string;
}

/** Registers `status`. */
export function registerStatusCommand(program: Command, context: CliContext): void {
  program.command('status')
    .description('Show where a rollout stands by revision: staged, step k of n, or complete, and the pods in the way')
    .argument('<workload>', WORKLOAD_ARGUMENT)
    .argument('[name]', NAME_ARGUMENT)
    .addHelpText('after', helpExamples(context.name, [
      ['Show where the rollout stands: the pods of each revision and the ones in the way', 'status sts/kafka'],
      ['Follow it until it settles (or the promotion running ends), giving up after 10 minutes', 'status sts kafka --watch --timeout 10m'],
      ['One JSON object per change', 'status ds/node-exporter --watch -o json'],
    ]))
    .option('-w, --watch', 'keep reporting until the rollout settles (staged, step complete, or complete), or, while a promotion runs, '
      + 'until it ends (exit code as promote\'s)')
    .option('--timeout <duration>', 'with --watch: give up after this long (exit code 3), e.g. 10m; 0 means never')
    .option('-o, --output <format>', 'text, or json (one object per line)')
    .action(context.action(async (workload: string, nameArgument: string | undefined, options: StatusOptions, command: Command) => {
      const format = parseOutputFormat(options.output);
      const refText = workloadText(workload, nameArgument);
      const timeoutMs = parseTimeout(options.timeout, '--timeout');
      const { cluster, namespace } = await context.connectWithRetries(command);
      const ref = parseWorkloadRef(refText, namespace, ['StatefulSet', 'DaemonSet']);
      const { readRolloutReport, watchRollout } = onUse.rolloutWatch();
      const print = reportPrinter(context, format);
      if (!options.watch) {
        print((await readRolloutReport(cluster, ref, context.clock)).report);
        return ExitCode.SUCCESS;
      }
      let last: RolloutReport | undefined;
      const onReport = (report: RolloutReport) => {
        last = report;
        print(report);
      };
      const end = await watchRollout({ cluster, clock: context.clock, ref, timeoutMs, signal: context.io.signal, onReport });
      if (end === 'timed-out') {
        throw new RuntimeError('timed-out', `timed out waiting for ${describeRef(ref)} to settle after ${options.timeout}`);
      }
      if (end === 'promotion-ended' && last?.promotion) {
        // The followed promotion ended: exit as its promoter did (a timed-out step is reported as a failed one).
        const { phase, step } = last.promotion;
        return exitCodeForOutcome({ phase: phase as PromotionOutcome['phase'], message: last.message, step, apiRequests: 0 });
      }
      return end === 'interrupted' ? ExitCode.INTERRUPTED : ExitCode.SUCCESS;
    }));
}

// Prints each report that differs from the previous one: NDJSON, a redrawn view on a terminal, or the message line.
function reportPrinter(context: CliContext, format: OutputFormat): (report: RolloutReport) => void {
  const { io } = context;
  const { LiveView } = onUse.liveView();
  const { renderReport } = onUse.reportText();
  let last = '';
  const live = format === 'text' && io.isTTY ? new LiveView(io.stdout, io.columns) : undefined;
  let first = true;
  return (report) => {
    const text = format === 'json' ? jsonLine({ at: context.clock.now(), ...report }) : renderReport(report);
    const key = format === 'json' ? JSON.stringify(report) : text;
    if (key === last) {
      return;
    }
    last = key;
    if (format === 'json') {
      io.stdout(text);
    } else if (live) {
      live.draw(text);
    } else {
      io.stdout(first ? text : `${report.message}\n`);
    }
    first = false;
  };
}
