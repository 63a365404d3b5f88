import { RolloutKeys } from '../keys';
import { PartitionPlan } from '../partition-plan';
import { RuntimeError } from './runtime-error';

/** Where the plan of a promotion came from. */
export type PlanSource = 'flag' | 'state' | 'annotation';

/** The plan a command works with, resolved against the workload's replicas. */
export interface ResolvedPlan {
  readonly plan: PartitionPlan;
  readonly source: PlanSource;
  /** The logical partitions, from `replicas` (staged) down to 0. */
  readonly partitions: readonly number[];
}

/** Inputs to {@link resolvePartitionPlan}. */
export interface PlanInputs {
  /** `--plan`, when given. */
  readonly flag?: string;
  /** The plan recorded in the state annotation of a promotion in progress. */
  readonly statePlan?: string;
  /** The plan annotation the constructs wrote. */
  readonly annotation?: string;
  /** The workload's replicas. */
  readonly replicas: number;
  /** `statefulset/kafka`, for messages. */
  readonly where: string;
}

/**
 * Picks the plan: `--plan` first, then the plan of the promotion in progress (so a rerun resumes with it), then the
 * annotation the constructs wrote. Parses it and checks that it fits the replicas.
 *
 * @throws RuntimeError (`bad-input`) when there is no plan, it does not parse, or it does not fit
 */
export function resolvePartitionPlan(inputs: PlanInputs): ResolvedPlan {
  const candidates: [PlanSource, string | undefined, string][] = [
    ['flag', inputs.flag, '--plan'],
    ['state', inputs.statePlan, `the promotion state (${RolloutKeys.STATE_ANNOTATION})`],
    ['annotation', inputs.annotation, `annotation ${RolloutKeys.PLAN_ANNOTATION}`],
  ];
  const chosen = candidates.find(([, text]) => text !== undefined && text.trim() !== '');
  if (!chosen) {
    throw new RuntimeError('bad-input',
      `${inputs.where} has no partition plan: pass --plan (for example --plan canary or --plan 100,99,90,50,0), `
      + `or synthesize it with StatefulSetRollout.staged(plan), which writes annotation ${RolloutKeys.PLAN_ANNOTATION}`);
  }
  const [source, text, origin] = chosen as [PlanSource, string, string];
  let plan: PartitionPlan;
  try {
    plan = PartitionPlan.parse(text);
  } catch (error) {
    throw new RuntimeError('bad-input', `invalid plan "${text}" from ${origin}: ${(error as Error).message}`);
  }
  const problems = plan.validateFor(inputs.replicas);
  if (problems.length > 0) {
    throw new RuntimeError('bad-input',
      `plan "${text}" from ${origin} does not fit ${inputs.where} with ${inputs.replicas} replicas: ${problems.join('; ')}`);
  }
  return { plan, source, partitions: plan.resolve(inputs.replicas) };
}
