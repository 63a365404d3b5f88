// `kubectl-stage history sts/NAME|ds/NAME [--revision N]`: the revisions with change-cause, images and where they run;
// `--revision N` prints the revision's pod template exactly as `kubectl rollout history --revision N` does.
import { Command } from 'commander';
import { parseOutputFormat } from './output-format';
import { parseInteger } from './parse-integer';
import { NAME_ARGUMENT, WORKLOAD_ARGUMENT, workloadText } from './workload-argument';
import { parseWorkloadRef } from '../../runtime/kube/workload-ref';
import { CliContext } from '../cli-context';
import { ExitCode } from '../exit-codes';
import { helpExamples } from '../help-examples';
import * as onUse from '../on-use';
import { jsonLine } from '../render/json-output';

/** Registers `history`. */
export function registerHistoryCommand(program: Command, context: CliContext): void {
  program.command('history')
    .description('List the revisions of a StatefulSet or DaemonSet with change-cause, images and the ordinals or nodes running each')
    .argument('<workload>', WORKLOAD_ARGUMENT)
    .argument('[name]', NAME_ARGUMENT)
    .option('--revision <n>', 'show the pod template of this revision, as kubectl rollout history --revision does', '0')
    .option('-o, --output <format>', 'text or json')
    .addHelpText('after', helpExamples(context.name, [
      ['List the revisions, their change-causes and images, and the ordinals running each', 'history sts/kafka'],
      ['Print the pod template of revision 2, as kubectl rollout history --revision 2 does', 'history sts kafka --revision 2'],
    ]))
    .action(context.action(async (workload: string, nameArgument: string | undefined, options: { revision: string; output?: string },
      command: Command) => {
      const format = parseOutputFormat(options.output);
      // kubectl refuses a negative revision before it reads anything (rollout_history.go, Validate).
      const wanted = parseInteger(options.revision, '--revision', 0);
      const refText = workloadText(workload, nameArgument);
      const { cluster, namespace } = await context.connectWithRetries(command);
      const ref = parseWorkloadRef(refText, namespace, ['StatefulSet', 'DaemonSet']);
      const { readRolloutSnapshot } = onUse.rolloutSnapshot();
      const { NO_ROLLOUT_HISTORY, revisionRows, revisionTemplate, selectHistoryRevision } = onUse.revisionHistory();
      const { kubectlObjectName, renderHistory } = onUse.historyText();
      const { describePodTemplate } = onUse.podTemplateDescription();
      const snapshot = await readRolloutSnapshot(cluster, ref);
      const name = kubectlObjectName(ref);
      if (snapshot.revisions.length === 0) {
        context.io.stdout(format === 'json' ? '[]\n' : `${name} \n${NO_ROLLOUT_HISTORY}\n`);
        return ExitCode.SUCCESS;
      }
      const selected = selectHistoryRevision(ref.kind, snapshot.revisions, wanted);
      if (selected) {
        const template = revisionTemplate(selected);
        context.io.stdout(format === 'json' ? jsonLine(template)
          : `${name}${wanted > 0 ? ` with revision #${wanted}` : ' '}\n${describePodTemplate(template)}\n`);
        return ExitCode.SUCCESS;
      }
      const rows = revisionRows(ref.kind, snapshot.workload, snapshot.revisions, snapshot.pods);
      context.io.stdout(format === 'json' ? jsonLine(rows) : renderHistory(ref, rows));
      return ExitCode.SUCCESS;
    }));
}

