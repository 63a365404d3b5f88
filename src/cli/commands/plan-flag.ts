// `--plan`: a blank value is refused instead of counting as "not given", which silently fell back to the annotation.
import { RuntimeError } from '../../runtime/runtime-error';

/**
 * Checks a `--plan` value before the cluster is contacted.
 *
 * @returns the value as given (undefined when the flag was not given)
 * @throws RuntimeError (`bad-input`) for an empty or blank value, with examples of plans
 */
export function checkPlanFlag(value: string | undefined): string | undefined {
  if (value !== undefined && value.trim() === '') {
    throw new RuntimeError('bad-input',
      `invalid --plan "${value}": the plan is empty; pass one (for example --plan canary or --plan 100,99,90,50,0), or leave --plan out to use the workload's`);
  }
  return value;
}
