import { SoakBaseline } from './infant-mortality';
import { RolloutKeys } from '../../keys';
import { WorkloadKind } from '../kube/workload-ref';
import { RuntimeError } from '../runtime-error';

/** The version of the state annotation this runtime writes and reads. */
export const PROMOTION_STATE_VERSION = 1;

/**
 * Where a promotion stands.
 *
 * - `progressing`: the current step's partition (or pod deletions) is written; waiting for its pods.
 * - `soaking`: the step's pods passed the gate; watching them for infant mortality until the soak ends.
 * - `awaiting-approval`: the step passed; `--approve-each` waits for `kubectl-stage resume`.
 * - `complete`: the target step passed.
 * - `failed`: a step failed (gate, infant mortality, timeout) and no rollback was requested.
 * - `rolling-back` / `rolled-back`: the previous revision is being / has been restored.
 * - `aborted`: `kubectl-stage abort` ended the promotion; pods stay where they are.
 */
export type PromotionPhase =
  | 'progressing' | 'soaking' | 'awaiting-approval' | 'complete' | 'failed' | 'rolling-back' | 'rolled-back' | 'aborted';

const PHASES: readonly PromotionPhase[] = [
  'progressing', 'soaking', 'awaiting-approval', 'complete', 'failed', 'rolling-back', 'rolled-back', 'aborted',
];

/** Phases after which the promoter has nothing left to do. */
export const TERMINAL_PHASES: readonly PromotionPhase[] = ['complete', 'failed', 'rolled-back', 'aborted'];

/** The result of one gate evaluation, kept in the state so `status` can show why a step passed or failed. */
export interface GateRecord {
  /** The step the gate ran for. */
  readonly step: number;
  /** `built-in`, `soak`, `http=...`, `prom=...`, `exec=...`. */
  readonly gate: string;
  readonly passed: boolean;
  readonly message: string;
  /** RFC 3339 time of the evaluation. */
  readonly at: string;
}

/**
 * The promotion state stored as JSON in the workload's state annotation. The workload itself (partition, template,
 * pods) stays the source of truth for what has moved; the state adds what the cluster cannot tell: the plan, the
 * target, the revision being promoted and the one to return to, the soak and the gate results.
 */
export interface PromotionState {
  readonly version: number;
  readonly kind: WorkloadKind;
  /** The plan in its string form (a partition plan for StatefulSets, a node canary plan for DaemonSets). */
  readonly plan: string;
  /** The index of the last plan step written to the cluster (0 = staged). */
  readonly step: number;
  /** The index of the step the promotion stops at. */
  readonly targetStep: number;
  readonly phase: PromotionPhase;
  /** Set by `kubectl-stage pause`; a promoter does not start another step while it is set. */
  readonly paused: boolean;
  /** Set by `kubectl-stage abort` while a promoter holds the lock; the promoter ends the promotion. */
  readonly abortRequested: boolean;
  /** The revision being promoted (`status.updateRevision`, or the DaemonSet's revision hash). */
  readonly updateRevision: string;
  /** The revision pods ran before the promotion, restored by a rollback. */
  readonly previousRevision?: string;
  /** RFC 3339 times. */
  readonly startedAt: string;
  readonly stepStartedAt: string;
  readonly soakStartedAt?: string;
  /** The pods the current soak watches. */
  readonly soakBaseline?: SoakBaseline;
  /** Gate results, most recent last, at most {@link MAX_GATE_RECORDS}. */
  readonly gates: readonly GateRecord[];
  /** Why the promotion failed, was rolled back or aborted. */
  readonly message?: string;
  /** The identity of the promoter that last wrote the state. */
  readonly holder?: string;
}

/** How many gate results the state keeps. */
export const MAX_GATE_RECORDS = 20;

/** Serializes the state for the annotation. */
export function encodePromotionState(state: PromotionState): string {
  return JSON.stringify({ ...state, gates: state.gates.slice(-MAX_GATE_RECORDS) });
}

/**
 * Reads the state annotation of a workload, validating every field.
 *
 * @param text the annotation value, or undefined when the workload has none
 * @param where the workload, for error messages (`statefulset/kafka`)
 * @returns the state, or undefined when there is no annotation
 * @throws RuntimeError (`bad-input`) when the annotation is not a valid state, naming the field
 */
export function decodePromotionState(text: string | undefined, where: string): PromotionState | undefined {
  if (text === undefined || text === '') {
    return undefined;
  }
  const fail = (problem: string): never => {
    throw new RuntimeError('bad-input',
      `annotation ${RolloutKeys.STATE_ANNOTATION} on ${where} ${problem}; remove it with `
      + `"kubectl annotate ${where} ${RolloutKeys.STATE_ANNOTATION}-" to start over`);
  };
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    return fail(`is not valid JSON (${(error as Error).message})`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return fail('is not a JSON object');
  }
  const value = raw as Record<string, unknown>;
  if (value.version !== PROMOTION_STATE_VERSION) {
    return fail(`has version ${JSON.stringify(value.version)}, but this kubectl-stage reads version ${PROMOTION_STATE_VERSION}`);
  }
  const field = <T>(name: string, check: (x: unknown) => boolean, expected: string, optional = false): T => {
    const x = value[name];
    if ((x === undefined && optional) || check(x)) {
      return x as T;
    }
    return fail(`has an invalid field "${name}": ${JSON.stringify(x)} (expected ${expected})`);
  };
  const isString = (x: unknown) => typeof x === 'string';
  const isTime = (x: unknown) => typeof x === 'string' && !Number.isNaN(Date.parse(x));
  const isIndex = (x: unknown) => Number.isInteger(x) && (x as number) >= 0;
  const isBoolean = (x: unknown) => typeof x === 'boolean';
  const state: PromotionState = {
    version: PROMOTION_STATE_VERSION,
    kind: field('kind', (x) => x === 'StatefulSet' || x === 'DaemonSet', '"StatefulSet" or "DaemonSet"'),
    plan: field('plan', isString, 'a plan string'),
    step: field('step', isIndex, 'a step index >= 0'),
    targetStep: field('targetStep', isIndex, 'a step index >= 0'),
    phase: field('phase', (x) => PHASES.includes(x as PromotionPhase), PHASES.join(', ')),
    paused: field('paused', isBoolean, 'true or false'),
    abortRequested: field('abortRequested', isBoolean, 'true or false'),
    updateRevision: field('updateRevision', isString, 'a revision name'),
    previousRevision: field('previousRevision', isString, 'a revision name', true),
    startedAt: field('startedAt', isTime, 'an RFC 3339 time'),
    stepStartedAt: field('stepStartedAt', isTime, 'an RFC 3339 time'),
    soakStartedAt: field('soakStartedAt', isTime, 'an RFC 3339 time', true),
    soakBaseline: field('soakBaseline', isBaseline, 'an object of {uid, restarts} by pod name', true),
    gates: field('gates', isGateList, 'a list of {step, gate, passed, message, at}'),
    message: field('message', isString, 'a string', true),
    holder: field('holder', isString, 'a string', true),
  };
  return state;
}

function isBaseline(x: unknown): boolean {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) {
    return false;
  }
  return Object.values(x).every((entry) => typeof entry === 'object' && entry !== null
    && typeof (entry as Record<string, unknown>).uid === 'string'
    && Number.isInteger((entry as Record<string, unknown>).restarts));
}

function isGateList(x: unknown): boolean {
  return Array.isArray(x) && x.every((entry) => typeof entry === 'object' && entry !== null
    && Number.isInteger(entry.step) && typeof entry.gate === 'string' && typeof entry.passed === 'boolean'
    && typeof entry.message === 'string' && typeof entry.at === 'string');
}
