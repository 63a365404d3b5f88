// The one definition of a staged StatefulSet update's partition sequence, its string form and its pin.
// Imports nothing from cdk8s: the runtime (not jsii, no cdk8s loaded) uses this file as it is.
import { ValidationError } from './validation-error';

/** One listed step of a plan, before it is resolved against a replica count. */
type PlanStep =
  | { readonly kind: 'canary' }
  | { readonly kind: 'percent'; readonly percent: number }
  | { readonly kind: 'partition'; readonly partition: number };

/** How a plan produces its steps. */
type PlanShape =
  | { readonly kind: 'staged' }
  | { readonly kind: 'linear'; readonly step: number }
  | { readonly kind: 'exponential'; readonly factor: number }
  | { readonly kind: 'steps'; readonly steps: readonly PlanStep[] };

/**
 * The sequence of partitions a staged StatefulSet update walks through.
 *
 * A StatefulSet's RollingUpdate `partition` keeps every pod with an ordinal below it on the current revision;
 * pods at or above it move to the update revision. A plan resolves, for a replica count, into logical partitions:
 * the first is `replicas` (the update is staged, no pod moved), they strictly decrease, and the last is `0` (every
 * pod updated). The same plan drives the synthesized manifest (through the `staged-rollouts.io/plan` annotation)
 * and the runtime's `kubectl-stage promote`.
 *
 * The string form (`PartitionPlan.parse` / `toString`) is one of:
 * - `staged`: stage only;
 * - `linear:STEP` and `exponential:FACTOR`;
 * - a comma-separated list, optionally starting with `canary`, of percentages (`canary,10%,50%,100%`) or of
 *   partitions (`100,99,90,50,0`).
 *
 * @example
 * const plan = PartitionPlan.canary();
 * plan.resolve(3); // [3, 2, 0]: stage, update kafka-2, then the rest
 * PartitionPlan.parse('canary,10%,50%,100%').resolve(100); // [100, 99, 90, 50, 0]
 */
export class PartitionPlan {
  /**
   * The physical partition written while an update is staged.
   *
   * Upstream creates a pod at the update revision whenever its ordinal is >= partition, so a partition equal to
   * `replicas` leaks the update to every pod a scale-up adds. Pinning at 32767 (as OpenKruise does) keeps a
   * staged update staged across any scale-up, with no controller needed to re-pin it.
   */
  public static readonly STAGED_PARTITION = 32767;

  /** Stage the update only: no pod is updated until someone promotes it. */
  public static staged(): PartitionPlan {
    return new PartitionPlan({ kind: 'staged' });
  }

  /** Stage, update the highest ordinal alone, then the rest: `[3, 2, 0]` for 3 replicas. */
  public static canary(): PartitionPlan {
    return new PartitionPlan({ kind: 'steps', steps: [{ kind: 'canary' }] });
  }

  /**
   * Update `step` more pods at each phase: `linear(1)` resolves to `[3, 2, 1, 0]` for 3 replicas.
   *
   * @param step pods updated per phase, an integer >= 1
   */
  public static linear(step: number): PartitionPlan {
    const plan = new PartitionPlan({ kind: 'linear', step });
    if (!Number.isInteger(step) || step < 1) {
      throw plan.error(`step must be an integer >= 1, got ${step}`);
    }
    return plan;
  }

  /**
   * The number of updated pods multiplies by `factor` at each phase (1, 2, 4, ... for factor 2).
   *
   * @param factor growth factor, > 1
   */
  public static exponential(factor: number): PartitionPlan {
    const plan = new PartitionPlan({ kind: 'exponential', factor });
    if (!Number.isFinite(factor) || factor <= 1) {
      throw plan.error(`factor must be a number > 1, got ${factor}`);
    }
    return plan;
  }

  /**
   * Phases by share of replicas, e.g. `[1, 10, 50, 100]`. Each phase updates at least one more pod than the one
   * before (a share rounds up, then is raised to the previous phase plus one); phases that would add no pod because
   * the set is smaller than the number of phases are dropped.
   *
   * @param percents strictly increasing percentages in (0, 100]
   */
  public static percentages(percents: number[]): PartitionPlan {
    if (!Array.isArray(percents)) {
      throw new ValidationError('PartitionPlan.percentages', 'percents', percents, 'give a list of percentages such as [1, 10, 50, 100]');
    }
    return PartitionPlan.fromSteps(percents.map((percent) => ({ kind: 'percent', percent })));
  }

  /**
   * The partitions themselves, e.g. `[100, 99, 90, 50, 0]` for 100 replicas. `replicas` is added in front and `0`
   * at the end when missing, so the plan always starts staged and ends complete.
   *
   * @param partitions strictly decreasing integers >= 0
   */
  public static explicit(partitions: number[]): PartitionPlan {
    if (!Array.isArray(partitions)) {
      throw new ValidationError('PartitionPlan.explicit', 'partitions', partitions, 'give a list of partitions such as [100, 90, 50, 0]');
    }
    return PartitionPlan.fromSteps(partitions.map((partition) => ({ kind: 'partition', partition })));
  }

  /**
   * Reads the string form that `toString()` prints (and the runtime's `--plan` flag takes).
   *
   * @param text `staged`, `canary`, `linear:N`, `exponential:F`, `[canary,]P%,...` or `N,N,...`
   */
  public static parse(text: string): PartitionPlan {
    if (typeof text !== 'string') {
      throw new ValidationError('PartitionPlan.parse', 'text', text, 'give the plan\'s text form, e.g. "canary" or "canary,10%,50%,100%"');
    }
    const trimmed = text.trim();
    const parametric = /^(linear|exponential):(.*)$/.exec(trimmed);
    if (parametric) {
      const value = Number(parametric[2]);
      if (parametric[2].trim() === '' || Number.isNaN(value)) {
        throw new ValidationError('PartitionPlan.parse', 'text', text, `${parametric[1]} needs a number after the colon, e.g. "${parametric[1]}:2"`);
      }
      return parametric[1] === 'linear' ? PartitionPlan.linear(value) : PartitionPlan.exponential(value);
    }
    if (trimmed === 'staged') {
      return PartitionPlan.staged();
    }
    const tokens = trimmed === '' ? [] : trimmed.split(',').map((token) => token.trim());
    return PartitionPlan.fromSteps(tokens.map((token, index) => parseStep(text, token, index)));
  }

  /**
   * The physical partition to write for a logical one: a fully staged update is pinned at `STAGED_PARTITION`.
   *
   * @param logical a partition from `resolve(replicas)`
   * @param replicas the StatefulSet's replica count
   * @returns `logical`, or for a fully staged update `STAGED_PARTITION` (the replica count if that is larger)
   */
  public static toPhysicalPartition(logical: number, replicas: number): number {
    // A set larger than the pin is still held at its own size (a scale-up of it would leak; the constructs
    // refuse to stage such a set).
    return logical >= replicas ? Math.max(PartitionPlan.STAGED_PARTITION, replicas) : logical;
  }

  /**
   * The logical partition a physical one means: anything at or above `replicas` is "everything staged".
   *
   * @param physical `spec.updateStrategy.rollingUpdate.partition` as read from the cluster
   * @param replicas the StatefulSet's replica count
   */
  public static toLogicalPartition(physical: number, replicas: number): number {
    return Math.min(physical, replicas);
  }

  private static fromSteps(steps: PlanStep[]): PartitionPlan {
    const plan = new PartitionPlan({ kind: 'steps', steps });
    const problem = stepsProblem(steps);
    if (problem) {
      throw plan.error(problem);
    }
    return plan;
  }

  private constructor(private readonly shape: PlanShape) {}

  /**
   * The logical partitions for `replicas` pods: first `replicas`, strictly decreasing, last `0` (a `staged()` plan
   * is only `[replicas]`). O(number of phases).
   *
   * @param replicas the StatefulSet's replica count, an integer >= 0
   */
  public resolve(replicas: number): number[] {
    const rules = this.rulesBrokenFor(replicas);
    if (rules.length > 0) {
      throw new ValidationError('PartitionPlan.resolve', 'replicas', replicas, `plan "${this.toString()}": ${rules.join('; ')}`);
    }
    const partitions = [replicas];
    const push = (partition: number) => {
      if (partition < partitions[partitions.length - 1]) {
        partitions.push(partition);
      }
    };
    switch (this.shape.kind) {
      case 'staged':
        return partitions;
      case 'linear':
        for (let updated = this.shape.step; updated < replicas; updated += this.shape.step) {
          push(replicas - updated);
        }
        break;
      case 'exponential':
        for (let updated = 1; updated < replicas; updated = Math.max(updated + 1, Math.ceil(updated * this.shape.factor))) {
          push(replicas - updated);
        }
        break;
      case 'steps':
        for (const step of this.shape.steps) {
          push(resolveStep(step, replicas, replicas - partitions[partitions.length - 1]));
        }
        break;
    }
    push(0);
    return partitions;
  }

  /**
   * Why this plan cannot drive a StatefulSet of `replicas` pods; empty when it can.
   *
   * @param replicas the StatefulSet's replica count
   */
  public validateFor(replicas: number): string[] {
    return this.rulesBrokenFor(replicas).map((rule) => this.message(rule));
  }

  /** The string form, which `PartitionPlan.parse` reads back. */
  public toString(): string {
    switch (this.shape.kind) {
      case 'staged':
        return 'staged';
      case 'linear':
        return `linear:${this.shape.step}`;
      case 'exponential':
        return `exponential:${this.shape.factor}`;
      case 'steps':
        return this.shape.steps.map(formatStep).join(',');
    }
  }

  // The rules this plan breaks for `replicas` pods, each as a phrase.
  private rulesBrokenFor(replicas: number): string[] {
    if (!Number.isInteger(replicas) || replicas < 0) {
      return [`replicas must be an integer >= 0, got ${replicas}`];
    }
    if (this.shape.kind !== 'steps') {
      return [];
    }
    return this.shape.steps
      .filter((step): step is Extract<PlanStep, { kind: 'partition' }> => step.kind === 'partition' && step.partition > replicas)
      .map((step) => `partition ${step.partition} is above the ${replicas} replicas (valid: 0 to ${replicas})`);
  }

  private message(rule: string): string {
    return `PartitionPlan "${this.toString()}": ${rule}`;
  }

  private error(rule: string): ValidationError {
    return new ValidationError('PartitionPlan', 'plan', this.toString(), rule);
  }
}

function parseStep(text: string, token: string, index: number): PlanStep {
  if (token === 'canary') {
    if (index !== 0) {
      throw new ValidationError('PartitionPlan.parse', 'text', text, '"canary" can only be the first step');
    }
    return { kind: 'canary' };
  }
  const percent = /^(\d+(?:\.\d+)?)%$/.exec(token);
  if (percent) {
    return { kind: 'percent', percent: Number(percent[1]) };
  }
  if (/^\d+$/.test(token)) {
    return { kind: 'partition', partition: Number(token) };
  }
  throw new ValidationError('PartitionPlan.parse', 'text', text,
    `cannot read step "${token}" (valid: staged, canary, linear:N, exponential:F, a percentage such as 10%, or a partition such as 90)`);
}

function formatStep(step: PlanStep): string {
  switch (step.kind) {
    case 'canary':
      return 'canary';
    case 'percent':
      return `${step.percent}%`;
    case 'partition':
      return `${step.partition}`;
  }
}

// The first rule a list of steps breaks, or undefined. Checked once, when the plan is made.
function stepsProblem(steps: readonly PlanStep[]): string | undefined {
  if (steps.length === 0) {
    return 'a plan needs at least one step';
  }
  const body = steps[0].kind === 'canary' ? steps.slice(1) : steps;
  if (body.some((step) => step.kind === 'canary')) {
    return '"canary" can only be the first step';
  }
  if (body.some((step) => step.kind === 'percent') && body.some((step) => step.kind === 'partition')) {
    return 'a plan lists either percentages or partitions, not both';
  }
  for (let i = 0; i < body.length; i++) {
    const step = body[i];
    const previous = body[i - 1];
    if (step.kind === 'percent') {
      if (!(step.percent > 0 && step.percent <= 100)) {
        return `percentage ${step.percent}% is outside (0, 100]`;
      }
      if (previous?.kind === 'percent' && step.percent <= previous.percent) {
        return `percentages must strictly increase (${step.percent}% follows ${previous.percent}%)`;
      }
    }
    if (step.kind === 'partition') {
      if (!Number.isInteger(step.partition) || step.partition < 0) {
        return `partition ${step.partition} is negative or not an integer (valid: integers >= 0)`;
      }
      if (previous?.kind === 'partition' && step.partition >= previous.partition) {
        return `partitions must strictly decrease (${step.partition} follows ${previous.partition})`;
      }
    }
  }
  return undefined;
}

// The partition a step asks for, given how many pods the steps before it have updated.
function resolveStep(step: PlanStep, replicas: number, updatedBefore: number): number {
  switch (step.kind) {
    case 'canary':
      return Math.max(0, replicas - 1);
    case 'percent':
      return replicas - Math.min(replicas, Math.max(updatedBefore + 1, Math.ceil((step.percent * replicas) / 100)));
    case 'partition':
      return step.partition;
  }
}
