// Turns one promotion's events and the disruption seen meanwhile into the rehearsed steps: which pods each step moved,
// when it started and how long it took on the virtual clock, the most pods unavailable at once and the tightest
// PodDisruptionBudget headroom during it, and how it ended.
import { BudgetHeadroom, RehearsedStep } from './rehearsal-report';
import { PromotionEvent, PromotionOutcome } from '../runtime/promotion/promotion-contract';

/** What the cluster showed at one moment: unavailable pods of the workload, and its budgets' health. */
export interface DisruptionSample {
  /** Pods of the workload that were not Ready (missing, starting, failing or terminating). */
  readonly unavailable: number;
  /** Each PodDisruptionBudget selecting the workload's pods, by name. */
  readonly budgets: ReadonlyMap<string, { readonly currentHealthy: number; readonly desiredHealthy: number }>;
}

// A step while it is recorded.
interface StepRecord {
  pods: string[];
  nodes?: readonly string[];
  startAt: number;
  endAt?: number;
  maxUnavailable: number;
  budgets: Map<string, BudgetHeadroom>;
  result?: 'passed' | 'failed';
  message?: string;
}

/** What the recorder made of a promotion. */
export interface RecordedPromotion {
  /** The plan, as the promotion announced it. */
  readonly plan: string;
  /** The steps, in order. */
  readonly steps: RehearsedStep[];
  /** Simulated time from the start to the end, in ms. */
  readonly durationMs: number;
  /** The most pods unavailable at once, over the whole promotion. */
  readonly maxUnavailable: number;
}

/** Records one promotion of a StatefulSet (`name` names its pods by ordinal) or a DaemonSet. */
export class StepRecorder {
  private readonly steps = new Map<number, StepRecord>();
  private plan = '';
  private partitions: readonly number[] = [];
  private startAt: number;
  private current: StepRecord | undefined;
  private lastSample: DisruptionSample = { unavailable: 0, budgets: new Map() };
  private maxUnavailable = 0;

  /**
   * @param kind the workload's kind
   * @param name the workload's name (a StatefulSet's pods are `name-ordinal`)
   * @param startAt when the promotion starts, in ms since the epoch (virtual)
   */
  public constructor(private readonly kind: 'StatefulSet' | 'DaemonSet', private readonly name: string, startAt: number) {
    this.startAt = startAt;
  }

  /** Takes in one event of the promotion. */
  public onEvent(event: PromotionEvent): void {
    switch (event.type) {
      case 'started':
        this.plan = event.plan;
        this.partitions = event.partitions;
        this.startAt = event.at;
        return;
      case 'step-started':
        this.open(event.step, event.at, this.newOrdinals(event.step, event.ordinals).map((ordinal) => `${this.name}-${ordinal}`));
        return;
      case 'canary-step-started':
        this.open(event.step, event.at, [], this.newNodes(event.step, event.nodes));
        return;
      case 'pods-deleted':
        // A rollback deletes pods too, under the number of the step that failed: those move back, not forward.
        if (this.current !== undefined && this.current === this.steps.get(event.step)) {
          this.current.pods.push(...event.pods.map(({ pod }) => pod));
        }
        return;
      case 'pod-restarting':
        if (this.current !== undefined && this.current === this.steps.get(event.step)) {
          this.current.pods.push(event.pod);
        }
        return;
      case 'failed':
        this.close(this.steps.get(event.step), event.at, 'failed', stepProblem(withoutUids(event.message), event.step));
        return;
      case 'finished':
        this.end(event.at, event.phase === 'complete', event.message);
        return;
      default:
    }
  }

  /** Takes in what the cluster shows now; counts toward the open step and the whole promotion. */
  public sample(sample: DisruptionSample): void {
    this.lastSample = sample;
    this.maxUnavailable = Math.max(this.maxUnavailable, sample.unavailable);
    if (this.current) {
      absorb(this.current, sample);
    }
  }

  /** The steps, the plan and the times, once the promotion ended at `endAt` with `outcome`. */
  public result(outcome: PromotionOutcome, endAt: number): RecordedPromotion {
    this.end(endAt, outcome.phase === 'complete', outcome.message);
    const count = Math.max(this.partitions.length, ...[...this.steps.keys()].map((step) => step + 1));
    const steps: RehearsedStep[] = [];
    for (let step = 0; step < count; step++) {
      const record = this.steps.get(step);
      steps.push(record ? this.rehearsed(step, record) : {
        step, pods: this.plannedPods(step), startMs: endAt - this.startAt, durationMs: 0, maxUnavailable: 0, budgets: [], result: 'not-reached',
      });
    }
    return { plan: this.plan, steps, durationMs: endAt - this.startAt, maxUnavailable: this.maxUnavailable };
  }

  // The ordinals a StatefulSet step moves: the event lists every ordinal at or above the partition, earlier steps' too.
  private newOrdinals(step: number, ordinals: readonly number[]): number[] {
    const earlier = new Set([...this.steps].filter(([index]) => index < step).flatMap(([, record]) => record.pods));
    return ordinals.filter((ordinal) => !earlier.has(`${this.name}-${ordinal}`));
  }

  // The nodes a DaemonSet step moves: the event lists every node the plan covers by then, earlier steps' too.
  private newNodes(step: number, nodes: readonly string[]): string[] {
    const earlier = new Set([...this.steps].filter(([index]) => index < step).flatMap(([, record]) => record.nodes ?? []));
    return nodes.filter((node) => !earlier.has(node));
  }

  // The pods a StatefulSet step not reached would have moved: the ordinals from the step's logical partition up to the
  // previous step's. A DaemonSet step's nodes are chosen only when it starts.
  private plannedPods(step: number): string[] {
    if (this.kind !== 'StatefulSet' || step === 0 || step >= this.partitions.length) {
      return [];
    }
    const pods: string[] = [];
    for (let ordinal = this.partitions[step - 1] - 1; ordinal >= this.partitions[step]; ordinal--) {
      pods.push(`${this.name}-${ordinal}`);
    }
    return pods;
  }

  private open(step: number, at: number, pods: string[], nodes?: readonly string[]): void {
    this.close(this.current, at, 'passed');
    const record: StepRecord = { pods, ...(nodes ? { nodes } : {}), startAt: at, maxUnavailable: 0, budgets: new Map() };
    absorb(record, this.lastSample);
    this.steps.set(step, record);
    this.current = record;
  }

  // The promotion is over: the step still open passed when it completed, else it failed with the final message.
  private end(at: number, complete: boolean, message: string): void {
    this.close(this.current, at, complete ? 'passed' : 'failed', complete ? undefined : withoutUids(message));
  }

  private close(record: StepRecord | undefined, at: number, result: 'passed' | 'failed', message?: string): void {
    if (!record || record.result) {
      return;
    }
    record.endAt = at;
    record.result = result;
    record.message = message;
    if (record === this.current) {
      this.current = undefined;
    }
  }

  private rehearsed(step: number, record: StepRecord): RehearsedStep {
    return {
      step,
      pods: record.pods,
      ...(record.nodes ? { nodes: record.nodes } : {}),
      startMs: record.startAt - this.startAt,
      durationMs: (record.endAt ?? record.startAt) - record.startAt,
      maxUnavailable: record.maxUnavailable,
      budgets: [...record.budgets.values()].sort((a, b) => (a.budget < b.budget ? -1 : 1)),
      result: record.result ?? 'passed',
      ...(record.message !== undefined ? { message: record.message } : {}),
    };
  }
}

// Folds a sample into a step: the most unavailable pods, and per budget the fewest healthy pods seen.
function absorb(record: StepRecord, sample: DisruptionSample): void {
  record.maxUnavailable = Math.max(record.maxUnavailable, sample.unavailable);
  for (const [budget, { currentHealthy, desiredHealthy }] of sample.budgets) {
    const seen = record.budgets.get(budget);
    const violated = (seen?.violated ?? false) || currentHealthy < desiredHealthy;
    if (!seen || currentHealthy < seen.minHealthy) {
      record.budgets.set(budget, { budget, minHealthy: currentHealthy, desiredHealthy, violated });
    } else if (violated !== seen.violated) {
      record.budgets.set(budget, { ...seen, violated });
    }
  }
}

/**
 * A message without the object uids the kubelet quotes (`pod=kafka-2_default(<uid>)`, as upstream writes it): a uid
 * counts every object created before, so an unrelated object added to a release would change the report.
 */
export function withoutUids(message: string): string {
  return message.replace(/\([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\)/g, '');
}

/**
 * What failed, without the step the report's row already names: the runtime's `step 1 failed: pod kafka-2: ...`
 * becomes `pod kafka-2: ...`, `step 1 timed out after 5m0s ...` becomes `timed out after 5m0s ...`.
 */
export function stepProblem(message: string, step: number): string {
  return message.replace(new RegExp(`^step ${step} (failed: )?`), '');
}
