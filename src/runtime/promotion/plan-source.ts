import { RolloutKeys } from '../../keys';
import { PartitionPlan } from '../../partition-plan';
import { ValidationError } from '../../validation-error';
import { RuntimeError } from '../runtime-error';

/** Where the plan of a promotion came from. */
export type PlanSource = 'flag' | 'state' | 'annotation';

/** The plan a command works with, resolved against the workload's replicas. */
export interface ResolvedPlan {
  readonly plan: PartitionPlan;
  readonly source: PlanSource;
  /** The logical partitions, from `replicas` (staged) down to 0. */
  readonly partitions: readonly number[];
}

/** The places a plan's text can come from; a blank text counts as none. */
export interface PlanTexts {
  /** `--plan`, when given. @default not given */
  readonly flag?: string;
  /** The plan recorded in the state annotation of a promotion in progress. @default none */
  readonly statePlan?: string;
  /** The plan annotation the constructs (or the user) wrote. @default none */
  readonly annotation?: string;
}

/** A plan parsed from the text {@link choosePlan} picked. */
export interface ChosenPlan<T> {
  /** The parsed plan. */
  readonly plan: T;
  /** Where its text came from. */
  readonly source: PlanSource;
  /** The text, as written there. */
  readonly text: string;
  /** Where it came from in the words of a message: `--plan`, `annotation staged-rollouts.io/plan`, ... */
  readonly origin: string;
}

/**
 * Picks the plan's text in the one order every kind uses: `--plan` first, then the plan of the promotion in progress
 * (so a rerun resumes with it), then the plan annotation; blank texts do not count. Parses it with `parse`, which is
 * given the origin of the text so that its errors name where the bad text came from.
 *
 * @param parse the kind's parser; it throws a `bad-input` RuntimeError naming `origin` when the text is invalid
 * @param missing the message when no place holds a plan: what to pass or write instead
 * @throws RuntimeError (`bad-input`) with `missing` when there is no plan, or `parse`'s error
 */
export function choosePlan<T>(texts: PlanTexts, parse: (text: string, origin: string) => T, missing: string): ChosenPlan<T> {
  const candidates: [PlanSource, string | undefined, string][] = [
    ['flag', texts.flag, '--plan'],
    ['state', texts.statePlan, `the promotion state (${RolloutKeys.STATE_ANNOTATION})`],
    ['annotation', texts.annotation, `annotation ${RolloutKeys.PLAN_ANNOTATION}`],
  ];
  for (const [source, text, origin] of candidates) {
    if (text !== undefined && text.trim() !== '') {
      return { plan: parse(text, origin), source, text, origin };
    }
  }
  throw new RuntimeError('bad-input', missing);
}

/** Inputs to {@link resolvePartitionPlan}. */
export interface PlanInputs extends PlanTexts {
  /** The workload's replicas. */
  readonly replicas: number;
  /** `statefulset/kafka`, for messages. */
  readonly where: string;
}

/**
 * Picks the plan ({@link choosePlan}: `--plan`, then the plan of the promotion in progress, then the annotation the
 * constructs wrote), parses it and checks that it fits the replicas.
 *
 * @throws RuntimeError (`bad-input`) when there is no plan, it does not parse, or it does not fit
 */
export function resolvePartitionPlan(inputs: PlanInputs): ResolvedPlan {
  const { plan, source, text, origin } = choosePlan(inputs, parsePartitionPlan,
    `${inputs.where} has no partition plan: pass --plan (for example --plan canary or --plan 100,99,90,50,0), `
    + `or synthesize it with StatefulSetRollout.staged(plan), which writes annotation ${RolloutKeys.PLAN_ANNOTATION}`);
  const problems = plan.validateFor(inputs.replicas);
  if (problems.length > 0) {
    throw new RuntimeError('bad-input',
      `plan "${text}" from ${origin} does not fit ${inputs.where} with ${inputs.replicas} replicas: ${problems.join('; ')}`);
  }
  return { plan, source, partitions: plan.resolve(inputs.replicas) };
}

// PartitionPlan.parse with the text's origin in its error, as the node canary plan's parser does.
function parsePartitionPlan(text: string, origin: string): PartitionPlan {
  try {
    return PartitionPlan.parse(text);
  } catch (error) {
    // The plan and its origin are named here, so only what is wrong with it is taken from the ValidationError.
    const problem = error instanceof ValidationError ? error.fix : (error as Error).message;
    throw new RuntimeError('bad-input', `invalid plan "${text}" from ${origin}: ${problem}`);
  }
}
