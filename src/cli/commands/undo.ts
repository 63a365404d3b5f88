// `kubectl-stage undo sts/NAME|ds/NAME [--to-revision N] [--through-plan]`: kubectl's rollback, its messages, and the
// way out of the forced-rollback trap (#67250): the stuck pods are named, then deleted, only those.
import { Command } from 'commander';
import { parseInteger } from './parse-integer';
import { checkPlanFlag } from './plan-flag';
import { exitCodeForOutcome } from './promote';
import { parseTimeout } from '../../runtime/duration';
import { promoteStatefulSet } from '../../runtime/promotion-engine';
import { RuntimeError } from '../../runtime/runtime-error';
import { undoWorkload, UndoEvent } from '../../runtime/undo-workload';
import { parseWorkloadRef, shortRef } from '../../runtime/workload-ref';
import { CliContext } from '../cli-context';
import { ExitCode } from '../exit-codes';
import { newPromoter } from '../promoter-identity';
import { kubectlObjectName } from '../render/history-text';
import { promotionEventLine } from '../render/promotion-text';

interface UndoOptions {
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
    .argument('<workload>', 'sts/NAME or ds/NAME')
    .option('--to-revision <n>', 'the revision to roll back to; 0 is the previous one', '0')
    .option('--through-plan', 'StatefulSets: restore the template staged, then promote it down the plan instead of all at once')
    .option('--plan <plan>', 'with --through-plan: the plan to walk (default: the plan annotation)')
    .option('--timeout <duration>', 'with --through-plan: how long each step may wait for its pods')
    .option('--no-escape-trap', 'do not delete pods stuck on the abandoned revision (kubernetes/kubernetes#67250)')
    .action(context.action(async (workload: string, options: UndoOptions, command: Command) => {
      const toRevision = parseInteger(options.toRevision, '--to-revision');
      const timeoutMs = parseTimeout(options.timeout, '--timeout');
      const plan = checkPlanFlag(options.plan);
      if (!options.throughPlan && (options.plan !== undefined || options.timeout !== undefined)) {
        throw new RuntimeError('bad-input', '--plan and --timeout apply only with --through-plan');
      }
      const { cluster, namespace } = await context.connectWithRetries(command);
      const ref = parseWorkloadRef(workload, namespace, ['StatefulSet', 'DaemonSet']);
      const name = kubectlObjectName(ref);
      const print = (event: UndoEvent) => {
        if (event.type === 'decided') {
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
      context.io.stdout(`promoting ${shortRef(ref)} back to the template of revision ${outcome.decision.revision.revision}, step by step\n`);
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
        onEvent: (event) => {
          const line = promotionEventLine(event, ref);
          if (line !== undefined) {
            context.io.stdout(`${line}\n`);
          }
        },
      });
      return exitCodeForOutcome(promotion);
    }));
}
