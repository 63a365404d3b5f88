import { RuntimeError } from '../runtime-error';

/** How far `promote` goes: `--step` (one step), `--to 50%` / `--to 3` (until that many pods are updated) or `--all`. */
export type PromotionTargetSpec =
  | { readonly kind: 'all' }
  | { readonly kind: 'step' }
  | { readonly kind: 'to'; readonly value: string };

/**
 * Parses `--to`: a share of the pods (`50%`) or a number of pods (`3`) that must run the new revision.
 *
 * @returns the number of pods to update, at least 1 and at most `total`
 * @throws RuntimeError (`bad-input`) for anything else
 */
export function podsForTarget(value: string, total: number): number {
  const percent = /^(\d+(?:\.\d+)?)%$/.exec(value.trim());
  const count = /^\d+$/.exec(value.trim());
  if (percent) {
    const share = Number(percent[1]);
    if (share <= 0 || share > 100) {
      throw new RuntimeError('bad-input', `invalid --to "${value}": a percentage must be in (0%, 100%]`);
    }
    return Math.max(1, Math.ceil((share * total) / 100));
  }
  if (count) {
    const pods = Number(value);
    if (pods < 1 || pods > total) {
      throw new RuntimeError('bad-input', `invalid --to "${value}": expected between 1 and ${total} pods (the workload has ${total})`);
    }
    return pods;
  }
  throw new RuntimeError('bad-input', `invalid --to "${value}": expected a percentage such as 50% or a number of pods such as 3`);
}

/**
 * The plan step a promotion stops at.
 *
 * @param spec the user's choice
 * @param updatedBySteps for each plan step, how many pods run the new revision once it is done (non-decreasing)
 * @param currentStep the step already written to the cluster
 */
export function resolveTargetStep(spec: PromotionTargetSpec, updatedBySteps: readonly number[], currentStep: number): number {
  const last = updatedBySteps.length - 1;
  switch (spec.kind) {
    case 'all':
      return last;
    case 'step':
      return Math.min(currentStep + 1, last);
    case 'to': {
      const wanted = podsForTarget(spec.value, updatedBySteps[last]);
      const index = updatedBySteps.findIndex((updated) => updated >= wanted);
      return index < 0 ? last : index;
    }
  }
}
