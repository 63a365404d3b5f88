// `kubectl-stage stage sts/NAME`: pin the partition so the next template change is staged, not rolled.
import { Command } from 'commander';
import { ClusterError } from '../../runtime/cluster';
import { KubeStatefulSet } from '../../runtime/kube-types';
import { RuntimeError } from '../../runtime/runtime-error';
import { decideStage } from '../../runtime/stage';
import { describeRef, parseWorkloadRef } from '../../runtime/workload-ref';
import { readWorkload } from '../../runtime/rollout-snapshot';
import { CliContext } from '../cli-context';
import { ExitCode } from '../exit-codes';
import { kubectlObjectName } from '../render/history-text';

// A concurrent writer changed the StatefulSet between our read and our patch: read again and decide again.
const CONFLICT_RETRIES = 5;

/** Registers `stage`. */
export function registerStageCommand(program: Command, context: CliContext): void {
  program.command('stage')
    .description('Pin a StatefulSet\'s partition so the next template change is staged, not rolled (safe under scale-up)')
    .argument('<workload>', 'sts/NAME')
    .action(context.action(async (workload: string, _options: unknown, command: Command) => {
      const { cluster, namespace } = await context.connect(command);
      const ref = parseWorkloadRef(workload, namespace, ['StatefulSet']);
      for (let attempt = 0; ; attempt++) {
        const decision = decideStage(await readWorkload(cluster, ref) as KubeStatefulSet);
        if (decision.action === 'patch') {
          try {
            await cluster.patch(ref.kind, ref.namespace, ref.name, decision.patch, 'merge');
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
        context.io.stdout(`${kubectlObjectName(ref)} ${decision.message}\n`);
        return ExitCode.SUCCESS;
      }
    }));
}
