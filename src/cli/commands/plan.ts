// `kubectl-stage plan sts/NAME [--plan P]`: the partitions of the plan and the ordinals each step moves; reads only.
import { Command } from 'commander';
import { parseOutputFormat } from './output-format';
import { checkPlanFlag } from './plan-flag';
import { NAME_ARGUMENT, workloadText } from './workload-argument';
import { RolloutKeys } from '../../keys';
import type { KubeStatefulSet } from '../../runtime/kube/kube-types';
import { describeRef, parseWorkloadRef } from '../../runtime/kube/workload-ref';
import { CliContext } from '../cli-context';
import { ExitCode } from '../exit-codes';
import { helpExamples } from '../help-examples';
import * as onUse from '../on-use';
import { jsonLine } from '../render/json-output';

const SOURCES = { flag: '--plan', state: 'the promotion in progress', annotation: `annotation ${RolloutKeys.PLAN_ANNOTATION}` };

/** Registers `plan`. */
export function registerPlanCommand(program: Command, context: CliContext): void {
  program.command('plan')
    .description('Show the partitions of a StatefulSet\'s plan and which ordinals each step moves (changes nothing)')
    .argument('<workload>', 'sts/NAME, or sts and the name as two arguments (sts kafka)')
    .argument('[name]', NAME_ARGUMENT)
    .option('--plan <plan>', 'the plan (canary, linear:N, exponential:F, 100,99,90,50,0, canary,10%,50%,100%); default: the promotion in progress, then the plan annotation')
    .option('-o, --output <format>', 'text or json')
    .addHelpText('after', helpExamples(context.name, [
      ['Show which ordinals each step of the canary plan moves', 'plan sts/kafka --plan canary'],
      ['The plan of the promotion in progress, or the one the constructs wrote, as JSON', 'plan sts kafka -o json'],
    ]))
    .action(context.action(async (workload: string, nameArgument: string | undefined, options: { plan?: string; output?: string },
      command: Command) => {
      const format = parseOutputFormat(options.output);
      const planFlag = checkPlanFlag(options.plan);
      const refText = workloadText(workload, nameArgument);
      const { cluster, namespace } = await context.connectWithRetries(command);
      const ref = parseWorkloadRef(refText, namespace, ['StatefulSet']);
      const { readWorkload } = onUse.rolloutSnapshot();
      const { statefulSetReplicas } = onUse.statefulsetFacts();
      const { resolvePartitionPlan } = onUse.planSource();
      const { decodePromotionState } = onUse.promotionState();
      const { previewPlan, previewRestartOrder } = onUse.planPreview();
      const { alignTabs } = onUse.tabWriter();
      const sts = await readWorkload(cluster, ref) as KubeStatefulSet;
      const where = describeRef(ref);
      const replicas = statefulSetReplicas(sts);
      const state = decodePromotionState(sts.metadata.annotations?.[RolloutKeys.STATE_ANNOTATION], where);
      const resolved = resolvePartitionPlan({
        flag: planFlag, statePlan: state?.plan, annotation: sts.metadata.annotations?.[RolloutKeys.PLAN_ANNOTATION], replicas, where,
      });
      const steps = previewPlan(sts, resolved);
      const order = previewRestartOrder(sts);
      if (format === 'json') {
        context.io.stdout(jsonLine({ workload: where, plan: resolved.plan.toString(), source: resolved.source, replicas, order, steps }));
        return ExitCode.SUCCESS;
      }
      const name = ref.name;
      const table = ['STEP\tPARTITION\tUPDATED\tMOVES'];
      for (const step of steps) {
        const partition = step.physicalPartition === step.partition ? `${step.partition}` : `${step.partition} (pinned ${step.physicalPartition})`;
        const moves = step.step === 0 ? 'staged: no pod moves'
          : step.moves.map((ordinal) => `${name}-${ordinal}`).join(' ') || (step.restarts > 0 ? `${step.restarts} in order` : '-');
        table.push(`${step.step}\t${partition}\t${step.updatedPods}/${replicas}\t${moves}`);
      }
      context.io.stdout(`${where}: plan ${resolved.plan.toString()} (from ${SOURCES[resolved.source]}), ${replicas} replicas\n`
        + `${alignTabs(table.join('\n'))}\n`
        + (order === undefined ? '' : `pods restart ${order}\n`));
      return ExitCode.SUCCESS;
    }));
}
