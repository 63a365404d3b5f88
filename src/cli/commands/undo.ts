// `kubectl-stage undo sts/NAME|ds/NAME [--to-revision N] [--through-plan]`: kubectl's rollback, its messages, and the
// way out of the forced-rollback trap (#67250): the stuck pods are named, then deleted, only those.
import { Command } from 'commander';
import { parseOutputFormat } from './output-format';
import { parseInteger } from './parse-integer';
import { checkPlanFlag } from './plan-flag';
import { exitCodeForOutcome } from './promote';
import { NAME_ARGUMENT, WORKLOAD_ARGUMENT, workloadText } from './workload-argument';
import { parseTimeout } from '../../runtime/duration';
import { describeRef, parseWorkloadRef, shortRef, WorkloadRef } from '../../runtime/kube/workload-ref';
import type { UndoEvent } from '../../runtime/rollout/undo-workload';
import { RuntimeError } from '../../runtime/runtime-error';
import { CliContext } from '../cli-context';
import { ExitCode } from '../exit-codes';
import { helpExamples } from '../help-examples';
import * as onUse from '../on-use';
import { jsonLine } from '../render/json-output';

interface UndoOptions {
  readonly output?: string;
  readonly toRevision: string;
  readonly throughPlan?: boolean;
  readonly plan?: string;
  readonly escapeTrap: boolean;
  readonly timeout?: string;
}

/** Registers `undo`. */
export function registerUndoCommand(program: Command, context: CliContext): void {
  program.command('undo')
    .description('Roll a StatefulSet or DaemonSet back to a previous revision (kubectl rollout undo semantics), escaping the forced-rollback trap')
    .argument('<workload>', WORKLOAD_ARGUMENT)
    .argument('[name]', NAME_ARGUMENT)
    .option('--to-revision <n>', 'the revision to roll back to; 0 is the previous one', '0')
    .option('--through-plan', 'StatefulSets: restore the template staged, then promote it down the plan instead of all at once')
    .option('--plan <plan>', 'with --through-plan: the plan to walk (default: the plan annotation)')
    .option('--timeout <duration>', 'with --through-plan: how long each step may wait for its pods')
    .option('--no-escape-trap', 'do not delete pods stuck on the abandoned revision (kubernetes/kubernetes#67250)')
    .option('-o, --output <format>', 'text, or json (one object per event: the decision, held pods, the trap, deleted pods, promotion events)')
    .addHelpText('after', helpExamples(context.name, [
      ['Restore the previous revision, as kubectl rollout undo does, and get out of the forced-rollback trap', 'undo sts/kafka'],
      ['Restore revision 3 staged, then promote it down the plan step by step', 'undo sts kafka --to-revision 3 --through-plan --timeout 10m'],
    ]))
    .action(context.action(async (workload: string, nameArgument: string | undefined, options: UndoOptions, command: Command) => {
      const format = parseOutputFormat(options.output);
      const refText = workloadText(workload, nameArgument);
      const toRevision = parseInteger(options.toRevision, '--to-revision');
      const timeoutMs = parseTimeout(options.timeout, '--timeout');
      const plan = checkPlanFlag(options.plan);
      if (!options.throughPlan && (options.plan !== undefined || options.timeout !== undefined)) {
        throw new RuntimeError('bad-input', '--plan and --timeout apply only with --through-plan');
      }
      const { cluster, namespace } = await context.connectWithRetries(command);
      const ref = parseWorkloadRef(refText, namespace, ['StatefulSet', 'DaemonSet']);
      const { undoWorkload } = onUse.undoWorkload();
      const { kubectlObjectName } = onUse.historyText();
      const name = kubectlObjectName(ref);
      const print = (event: UndoEvent) => {
        if (format === 'json') {
          context.io.stdout(undoEventJson(event, ref));
        } else if (event.type === 'decided') {
          context.io.stdout(`${name} ${event.decision.message}\n`);
        } else if (event.type === 'held') {
          context.io.stdout(`${event.held.message}\n`);
        } else if (event.type === 'trap') {
          context.io.stdout(`${event.trap.message}\n`);
        } else {
          context.io.stdout(`pod/${event.pod} deleted\n`);
        }
      };
      const outcome = await undoWorkload({
        cluster,
        clock: context.clock,
        ref,
        toRevision,
        mode: options.throughPlan ? 'through-plan' : 'all-at-once',
        escapeTrap: options.escapeTrap,
        plan,
        onEvent: print,
        signal: context.io.signal,
      });
      if (!options.throughPlan || outcome.decision.action === 'skip') {
        return ExitCode.SUCCESS;
      }
      if (format === 'text') {
        context.io.stdout(`promoting ${shortRef(ref)} back to the template of revision ${outcome.decision.revision.revision}, step by step\n`);
      }
      const { newPromoter } = onUse.promoterIdentity();
      const { promoteStatefulSet } = onUse.partitionPromotion();
      const { promotionEventPrinter } = onUse.promotionText();
      const promoter = newPromoter();
      const promotion = await promoteStatefulSet({
        cluster,
        clock: context.clock,
        workload: ref,
        plan,
        timeoutMs,
        holder: promoter.holder,
        holderGone: promoter.gone,
        signal: context.io.signal,
        onEvent: promotionEventPrinter(format, ref, (text) => context.io.stdout(text)),
      });
      return exitCodeForOutcome(promotion);
    }));
}

// An undo event as a line of JSON: what the text line says, with the objects it names.
function undoEventJson(event: UndoEvent, ref: WorkloadRef): string {
  const workload = describeRef(ref);
  switch (event.type) {
    case 'decided':
      return jsonLine({ type: event.type, workload, action: event.decision.action, message: event.decision.message });
    case 'held':
      return jsonLine({ type: event.type, workload, ...event.held });
    case 'trap':
      return jsonLine({ type: event.type, workload, message: event.trap.message, podsToDelete: event.trap.podsToDelete });
    case 'pod-deleted':
      return jsonLine({ type: event.type, workload, pod: event.pod });
  }
}
