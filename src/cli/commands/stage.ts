// `kubectl-stage stage sts/NAME|ds/NAME`: stage the next template change (partition pin, or OnDelete for a DaemonSet).
import { Command } from 'commander';
import { parseOutputFormat } from './output-format';
import { NAME_ARGUMENT, WORKLOAD_ARGUMENT, workloadText } from './workload-argument';
import { ClusterError } from '../../runtime/cluster/cluster';
import { describeRef, parseWorkloadRef } from '../../runtime/kube/workload-ref';
import { RuntimeError } from '../../runtime/runtime-error';
import { CliContext } from '../cli-context';
import { ExitCode } from '../exit-codes';
import { helpExamples } from '../help-examples';
import * as onUse from '../on-use';
import { jsonLine } from '../render/json-output';

// A concurrent writer changed the StatefulSet between our read and our patch: read again and decide again.
const CONFLICT_RETRIES = 5;

/** Registers `stage`. */
export function registerStageCommand(program: Command, context: CliContext): void {
  program.command('stage')
    .description('Stage the next template change: pin a StatefulSet\'s partition (safe under scale-up), or switch a DaemonSet to OnDelete')
    .argument('<workload>', WORKLOAD_ARGUMENT)
    .argument('[name]', NAME_ARGUMENT)
    .option('-o, --output <format>', 'text or json')
    .addHelpText('after', helpExamples(context.name, [
      ['Pin the partition: the next template change rolls no pod until promoted', 'stage sts/kafka'],
      ['Switch a DaemonSet to OnDelete, so a node canary can roll its next template change', 'stage ds node-exporter'],
    ]))
    .action(context.action(async (workload: string, nameArgument: string | undefined, options: { output?: string }, command: Command) => {
      const format = parseOutputFormat(options.output);
      const refText = workloadText(workload, nameArgument);
      const { cluster, namespace } = await context.connectWithRetries(command);
      const ref = parseWorkloadRef(refText, namespace, ['StatefulSet', 'DaemonSet']);
      const { readWorkload } = onUse.rolloutSnapshot();
      const { decideStageOf } = onUse.rolloutStage();
      const { kubectlObjectName } = onUse.historyText();
      for (let attempt = 0; ; attempt++) {
        const decision = decideStageOf(ref.kind, await readWorkload(cluster, ref));
        if (decision.action === 'patch') {
          try {
            await cluster.patch(ref.kind, ref.namespace, ref.name, decision.patch, decision.patchType);
          } catch (error) {
            if (ClusterError.is(error, 409) && attempt < CONFLICT_RETRIES) {
              continue;
            }
            if (ClusterError.is(error, 409)) {
              throw new RuntimeError('api', `${describeRef(ref)} kept changing while staging it (${CONFLICT_RETRIES + 1} conflicts): ${error.message}`);
            }
            throw error;
          }
        }
        context.io.stdout(format === 'json' ? jsonLine({ workload: describeRef(ref), action: decision.action, message: decision.message })
          : `${kubectlObjectName(ref)} ${decision.message}\n`);
        return ExitCode.SUCCESS;
      }
    }));
}
