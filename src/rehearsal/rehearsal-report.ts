// What a rehearsal found: the data `rehearse()` returns and `kubectl-stage rehearse` renders (text, JSON or Markdown).
// Plain JSON-serializable data, ordered deterministically, so the same inputs give the same report byte for byte and a
// team can assert on it next to its snapshot tests.
import { PodFailureMode } from '../internal/pod-failure-conventions';

/** A failure injected into the rehearsal of the new release (`--fail web-1:CrashLoop`, `--fail node-2:ImagePull`). */
export interface RehearsalFailure {
  /** A pod name (`kafka-2`) or a node name (`node-1`): the updated pod with that name, or on that node, fails. */
  readonly target: string;
  /** How it fails. */
  readonly mode: PodFailureMode;
}

/** One field of a pod template that differs between the two releases. */
export interface TemplateChange {
  /** The field's path in the pod template: `spec.containers[kafka].image`, `spec.containers[kafka].env[HEAP]`. */
  readonly path: string;
  /** The value in the old release, rendered as text; undefined when the field is new. @default none */
  readonly from?: string;
  /** The value in the new release, rendered as text; undefined when the field is gone. @default none */
  readonly to?: string;
}

/** The PodDisruptionBudget headroom seen during a step (its tightest moment). */
export interface BudgetHeadroom {
  /** The PodDisruptionBudget's name. */
  readonly budget: string;
  /** The fewest healthy pods it saw during the step. */
  readonly minHealthy: number;
  /** How many healthy pods it requires (`status.desiredHealthy`). */
  readonly desiredHealthy: number;
  /** Whether the step took the healthy pods below the budget: a voluntary disruption would have been refused. */
  readonly violated: boolean;
}

/** One step of a workload's plan as rehearsed. */
export interface RehearsedStep {
  /** The step index (0 is the staged step). */
  readonly step: number;
  /** The pods this step moves to the new revision (StatefulSet: by ordinal; DaemonSet: the pods of its nodes). */
  readonly pods: readonly string[];
  /** The nodes this step covers (DaemonSet node canaries only). @default none */
  readonly nodes?: readonly string[];
  /** When the step started, in ms of simulated time since the promotion started. */
  readonly startMs: number;
  /** How long the step took in simulated time, soak included, in ms. */
  readonly durationMs: number;
  /** The most pods of the workload that were unavailable at once during the step. */
  readonly maxUnavailable: number;
  /** The headroom of each PodDisruptionBudget selecting the workload's pods. */
  readonly budgets: readonly BudgetHeadroom[];
  /** How the step ended: passed, failed (its message), or not reached. */
  readonly result: 'passed' | 'failed' | 'not-reached';
  /** What failed, when the step failed. @default none */
  readonly message?: string;
}

/** One workload that changed between the releases, and how its promotion went. */
export interface RehearsedWorkload {
  /** `StatefulSet` or `DaemonSet`. */
  readonly kind: 'StatefulSet' | 'DaemonSet';
  /** The namespace. */
  readonly namespace: string;
  /** The name. */
  readonly name: string;
  /** What changed in the pod template, field by field, sorted by path. */
  readonly changes: readonly TemplateChange[];
  /** The plan it was promoted by, as text (`canary,50%,100%`). */
  readonly plan: string;
  /** Where the plan came from: `--plan` (the rehearsal's option) or the workload's plan annotation. */
  readonly planSource: 'option' | 'annotation' | 'default';
  /** The steps, in order. */
  readonly steps: readonly RehearsedStep[];
  /** The promotion's end: complete, rolled-back, failed or aborted. */
  readonly outcome: 'complete' | 'rolled-back' | 'failed' | 'aborted';
  /** The promotion's final message. */
  readonly message: string;
  /** Simulated time from the start of the promotion to its end, in ms. */
  readonly durationMs: number;
  /** The most pods of the workload that were unavailable at once during the whole promotion. */
  readonly maxUnavailable: number;
}

/** What `rehearse()` returns and `kubectl-stage rehearse` prints. */
export interface RehearsalReport {
  /** The workloads whose pod template changed, in the order they were promoted (kind, namespace, name). */
  readonly workloads: readonly RehearsedWorkload[];
  /** Objects added, removed or changed other than a StatefulSet's or DaemonSet's template (`Service/default/kafka`). */
  readonly otherChanges: readonly string[];
  /** The failures injected. */
  readonly failures: readonly RehearsalFailure[];
  /** The simulated nodes. */
  readonly nodes: number;
  /** Simulated time of every promotion together, in ms. */
  readonly durationMs: number;
  /** Whether every workload's promotion completed. */
  readonly succeeded: boolean;
  /** Problems found that are not a promotion's outcome: a step over its PodDisruptionBudget, a workload never Ready. */
  readonly warnings: readonly string[];
}
