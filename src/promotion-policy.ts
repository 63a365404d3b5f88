// A staged workload's promotion policy (soak, step timeout, auto-rollback, approval), declared with the workload in the
// cdk8s app and written as annotations that `kubectl-stage controller` promotes by. One grammar: the durations are the
// ones `kubectl-stage promote --soak/--timeout` parse (duration-grammar.ts), and the annotations are read back here by
// the runtime, so the constructs, the flags and the controller cannot drift apart.
import { Duration } from 'cdk8s';
import { durationMsOfText, isDurationProblem } from './duration-grammar';
import { RolloutKeys } from './keys';
import { ApprovalPolicy, PromotionPolicyOptions } from './promotion-policy-options';
import { ValidationError } from './validation-error';

/** The props of {@link PromotionPolicyOptions}, for a rollout that has no promoter and refuses them. */
export const PROMOTION_POLICY_PROPS = ['soak', 'stepTimeout', 'autoRollback', 'approval'] as const;

/**
 * Validates a declared policy and returns the annotations it is written to (empty when nothing is declared).
 * @param factory the value type's factory, for the error (`StatefulSetRollout.staged`)
 * @throws ValidationError naming the prop, the value and what is valid
 */
export function promotionPolicyAnnotations(factory: string, options: PromotionPolicyOptions): Record<string, string> {
  const { soak, stepTimeout, autoRollback, approval } = options;
  if (approval !== undefined && !Object.values(ApprovalPolicy).includes(approval)) {
    throw new ValidationError(factory, 'approval', approval, 'use ApprovalPolicy.EACH_STEP or ApprovalPolicy.NONE');
  }
  const durationText = (prop: string, duration: Duration): string => {
    const ms = duration.toMilliseconds();
    const text = durationAnnotationText(ms);
    if (!Number.isInteger(ms) || ms < 0 || isDurationProblem(durationMsOfText(text))) {
      throw new ValidationError(factory, prop, duration.toHumanString(),
        'use a whole number of milliseconds from 0 up to the longest duration kubectl accepts (2562047h47m16s)');
    }
    return text;
  };
  return {
    ...soak === undefined ? {} : { [RolloutKeys.SOAK_ANNOTATION]: durationText('soak', soak) },
    ...stepTimeout === undefined ? {} : { [RolloutKeys.STEP_TIMEOUT_ANNOTATION]: durationText('stepTimeout', stepTimeout) },
    ...autoRollback === undefined ? {} : { [RolloutKeys.AUTO_ROLLBACK_ANNOTATION]: String(autoRollback) },
    ...approval === undefined ? {} : { [RolloutKeys.APPROVAL_ANNOTATION]: approval },
  };
}

/** The policy of a promotion as the runtime takes it (the values of `PromotionOptions`). */
export interface PromotionPolicyValues {
  /** Soak per step, in ms. */
  readonly soakMs: number;
  /** How long a step may wait for its pods, in ms; undefined for no limit. */
  readonly timeoutMs?: number;
  /** Restore the previous revision when a step fails. */
  readonly autoRollback: boolean;
  /** Wait for an approval before each step after the first. */
  readonly approveEach: boolean;
}

/** The policy, or every annotation that is wrong (each a sentence naming the key, the value and what is valid). */
export type PromotionPolicyReading =
  | { readonly policy: PromotionPolicyValues; readonly problems?: undefined }
  | { readonly problems: readonly string[]; readonly policy?: undefined };

/** The policy of a workload that declares none: no soak, no step timeout, no rollback, no approvals. */
export const DEFAULT_PROMOTION_POLICY: PromotionPolicyValues = { soakMs: 0, autoRollback: false, approveEach: false };

const BOOLEANS: Record<string, boolean> = { true: true, false: false };

/**
 * Reads the policy annotations of a workload (pure); a missing annotation takes the default of the matching
 * `kubectl-stage promote` flag.
 * @param annotations the workload's `metadata.annotations`
 */
export function readPromotionPolicy(annotations: Readonly<Record<string, string>> | undefined): PromotionPolicyReading {
  const problems: string[] = [];
  const duration = (key: string): number | undefined => {
    const text = annotations?.[key];
    if (text === undefined) {
      return undefined;
    }
    const ms = durationMsOfText(text);
    if (isDurationProblem(ms)) {
      problems.push(`annotation ${key} has "${text}": ${ms.problem}`);
      return undefined;
    }
    return ms;
  };
  const soakMs = duration(RolloutKeys.SOAK_ANNOTATION) ?? 0;
  const timeoutMs = duration(RolloutKeys.STEP_TIMEOUT_ANNOTATION);
  const rollbackText = annotations?.[RolloutKeys.AUTO_ROLLBACK_ANNOTATION];
  if (rollbackText !== undefined && !(rollbackText in BOOLEANS)) {
    problems.push(`annotation ${RolloutKeys.AUTO_ROLLBACK_ANNOTATION} has "${rollbackText}": use true or false`);
  }
  const approvalText = annotations?.[RolloutKeys.APPROVAL_ANNOTATION];
  const approvals: string[] = Object.values(ApprovalPolicy);
  if (approvalText !== undefined && !approvals.includes(approvalText)) {
    problems.push(`annotation ${RolloutKeys.APPROVAL_ANNOTATION} has "${approvalText}": use ${approvals.join(' or ')}`);
  }
  if (problems.length > 0) {
    return { problems };
  }
  return {
    policy: {
      soakMs,
      ...timeoutMs === undefined || timeoutMs === 0 ? {} : { timeoutMs },
      autoRollback: BOOLEANS[rollbackText ?? 'false'],
      approveEach: approvalText === ApprovalPolicy.EACH_STEP,
    },
  };
}

/**
 * A duration in the text the policy annotations hold: whole seconds as `90s`, otherwise milliseconds (`1500ms`), which
 * {@link readPromotionPolicy} and `--soak` both parse.
 */
export function durationAnnotationText(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}
