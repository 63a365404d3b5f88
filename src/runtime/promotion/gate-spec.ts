// The runtime's side of the gate grammar (src/gate-grammar.ts, shared with the constructs): the CLI's context
// (`--prometheus`, `--prom-condition`) and errors as RuntimeErrors, plus evaluating a Prometheus condition.
import {
  decodeGatesAnnotation, GateSpec, isGateProblem, parseGateText, parsePromConditionText, PromCondition, PROM_OPERATORS,
} from '../../gate-grammar';
import { RolloutKeys } from '../../keys';
import { RuntimeError } from '../runtime-error';

export { isDataGate, splitPromQuery } from '../../gate-grammar';
export type {
  DataGateSpec, ExecGateSpec, GateSpec, HttpGateSpec, KafkaGateSpec, PromCondition, PromGateSpec, ZooKeeperGateSpec,
} from '../../gate-grammar';

/** What a gate's text is read with besides itself. */
export interface GateParseOptions {
  /** `--prom-condition`: the success condition of prom gates whose query has none. @default none */
  readonly promCondition?: string;
  /** `--prometheus`: the Prometheus server prom gates (and kafka gates, when given) query. @default none */
  readonly prometheusUrl?: string;
}

/**
 * Parses one `--gate` value: `http=URL`, `prom=QUERY`, `exec=COMMAND`, `kafka[:OPTIONS]` (min-isr, port=PORT; comma-separated) or
 * `zookeeper[:port=PORT]`.
 *
 * A Prometheus gate carries its success condition at the end of the query (`prom=sum(up{job="kafka"})>=3`), or takes it
 * from `--prom-condition` (then the whole text is the query). It also needs `--prometheus URL`.
 *
 * @throws RuntimeError (`bad-input`) naming the gate and what would be valid
 */
export function parseGate(text: string, options: GateParseOptions = {}): GateSpec {
  const isProm = text.startsWith('prom=');
  if (isProm && text.slice('prom='.length).trim() !== '' && !options.prometheusUrl) {
    throw new RuntimeError('bad-input', `invalid gate "${text}": a prom gate needs --prometheus URL (the Prometheus server to query)`);
  }
  const condition = isProm && options.promCondition !== undefined ? parsePromCondition(options.promCondition) : undefined;
  const parsed = parseGateText(text, condition);
  if (isGateProblem(parsed)) {
    throw new RuntimeError('bad-input', `invalid gate "${text}": ${parsed.problem}`);
  }
  return parsed;
}

/**
 * The gates a workload declares in its `staged-rollouts.io/gates` annotation (what the constructs' `gates` prop
 * writes), parsed as `--gate` values; none without the annotation.
 *
 * @param where the workload, for messages (`statefulset/kafka`)
 * @throws RuntimeError (`bad-input`) naming the annotation, the workload and what is wrong
 */
export function gatesOfAnnotation(value: string | undefined, where: string, options: Pick<GateParseOptions, 'prometheusUrl'> = {}): GateSpec[] {
  if (value === undefined || value.trim() === '') {
    return [];
  }
  const texts = decodeGatesAnnotation(value);
  if (isGateProblem(texts)) {
    throw new RuntimeError('bad-input', `annotation ${RolloutKeys.GATES_ANNOTATION} on ${where} ${texts.problem}`);
  }
  return texts.map((text) => {
    try {
      return parseGate(text, options);
    } catch (error) {
      throw new RuntimeError('bad-input', `annotation ${RolloutKeys.GATES_ANNOTATION} on ${where}: ${(error as Error).message}`);
    }
  });
}

/**
 * Parses a success condition such as `>=3`, `< 0.01` or `==1`.
 *
 * @throws RuntimeError (`bad-input`) naming the condition and the accepted operators
 */
export function parsePromCondition(text: string): PromCondition {
  const condition = parsePromConditionText(text);
  if (!condition) {
    throw new RuntimeError('bad-input',
      `invalid Prometheus condition "${text}": expected an operator (${PROM_OPERATORS.join(', ')}) followed by a number, for example >=3`);
  }
  return condition;
}

/** Whether `value` satisfies the condition; NaN never does. */
export function satisfiesCondition(value: number, condition: PromCondition): boolean {
  switch (condition.operator) {
    case '>=': return value >= condition.threshold;
    case '<=': return value <= condition.threshold;
    case '==': return value === condition.threshold;
    case '!=': return !Number.isNaN(value) && value !== condition.threshold;
    case '>': return value > condition.threshold;
    case '<': return value < condition.threshold;
  }
}

/** `>= 3` */
export function formatCondition(condition: PromCondition): string {
  return `${condition.operator} ${condition.threshold}`;
}
