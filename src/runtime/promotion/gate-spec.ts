import { RuntimeError } from '../runtime-error';

/** A comparison a Prometheus result must satisfy, e.g. `>= 3`. */
export interface PromCondition {
  readonly operator: '>=' | '<=' | '==' | '!=' | '>' | '<';
  readonly threshold: number;
}

/** An HTTP gate: a GET to `url` passes on any 2xx answer. */
export interface HttpGateSpec {
  readonly type: 'http';
  /** The gate as the user wrote it, for messages and the state annotation. */
  readonly text: string;
  readonly url: string;
}

/** A Prometheus gate: an instant query whose every sample must satisfy `condition`. */
export interface PromGateSpec {
  readonly type: 'prom';
  readonly text: string;
  readonly query: string;
  readonly condition: PromCondition;
}

/** A command gate: runs `command` in a shell and passes on exit status 0. */
export interface ExecGateSpec {
  readonly type: 'exec';
  readonly text: string;
  readonly command: string;
}

/** One extra gate of `promote --gate`. */
export type GateSpec = HttpGateSpec | PromGateSpec | ExecGateSpec;

const OPERATORS: readonly PromCondition['operator'][] = ['>=', '<=', '==', '!=', '>', '<'];
const NUMBER = /^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/;

/**
 * Parses one `--gate` value: `http=URL`, `prom=QUERY` or `exec=COMMAND`.
 *
 * A Prometheus gate carries its success condition at the end of the query (`prom=sum(up{job="kafka"})>=3`), or takes it
 * from `--prom-condition` (then the whole text is the query). It also needs `--prometheus URL`.
 *
 * @throws RuntimeError (`bad-input`) naming the gate and what would be valid
 */
export function parseGate(text: string, options: { readonly promCondition?: string; readonly prometheusUrl?: string } = {}): GateSpec {
  const equals = text.indexOf('=');
  const type = equals > 0 ? text.slice(0, equals) : '';
  const body = equals > 0 ? text.slice(equals + 1).trim() : '';
  const invalid = (problem: string): never => {
    throw new RuntimeError('bad-input', `invalid gate "${text}": ${problem}`);
  };
  if (!['http', 'prom', 'exec'].includes(type)) {
    return invalid('expected http=URL, prom=QUERY (with a condition such as >=3) or exec=COMMAND');
  }
  if (body.length === 0) {
    return invalid(`the ${type} gate needs a value after "${type}="`);
  }
  if (type === 'http') {
    let url: URL;
    try {
      url = new URL(body);
    } catch {
      return invalid(`"${body}" is not an absolute URL (for example http://kafka-exporter:9308/healthz)`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      return invalid(`the URL must use http or https, not ${url.protocol.replace(':', '')}`);
    }
    return { type: 'http', text, url: body };
  }
  if (type === 'exec') {
    return { type: 'exec', text, command: body };
  }
  if (!options.prometheusUrl) {
    return invalid('a prom gate needs --prometheus URL (the Prometheus server to query)');
  }
  if (options.promCondition !== undefined) {
    return { type: 'prom', text, query: body, condition: parsePromCondition(options.promCondition) };
  }
  const split = splitPromQuery(body);
  if (!split) {
    return invalid('the query has no success condition; end it with one (for example sum(up{job="kafka"})>=3) or pass --prom-condition ">=3"');
  }
  return { type: 'prom', text, ...split };
}

/**
 * Parses a success condition such as `>=3`, `< 0.01` or `==1`.
 *
 * @throws RuntimeError (`bad-input`) naming the condition and the accepted operators
 */
export function parsePromCondition(text: string): PromCondition {
  const trimmed = text.trim();
  const operator = OPERATORS.find((candidate) => trimmed.startsWith(candidate));
  const threshold = operator ? trimmed.slice(operator.length).trim() : '';
  if (!operator || !NUMBER.test(threshold)) {
    throw new RuntimeError('bad-input',
      `invalid Prometheus condition "${text}": expected an operator (${OPERATORS.join(', ')}) followed by a number, for example >=3`);
  }
  return { operator, threshold: Number(threshold) };
}

/**
 * Splits `QUERY OP NUMBER` at the last comparison outside brackets and quotes whose right-hand side is a number, so
 * `sum(up{job="kafka"})>=3` becomes the query `sum(up{job="kafka"})` and the condition `>= 3`. Undefined when the
 * text ends in no such comparison.
 */
export function splitPromQuery(text: string): { query: string; condition: PromCondition } | undefined {
  let depth = 0;
  let quote: string | undefined;
  let last: { index: number; operator: PromCondition['operator'] } | undefined;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (quote) {
      if (char === '\\') {
        i++;
      } else if (char === quote) {
        quote = undefined;
      }
      continue;
    }
    if (char === '"' || char === '\'' || char === '`') {
      quote = char;
    } else if ('({['.includes(char)) {
      depth++;
    } else if (')}]'.includes(char)) {
      depth--;
    } else if (depth === 0) {
      const operator = OPERATORS.find((candidate) => text.startsWith(candidate, i));
      if (operator) {
        last = { index: i, operator };
        i += operator.length - 1;
      }
    }
  }
  if (!last) {
    return undefined;
  }
  const query = text.slice(0, last.index).trim();
  const threshold = text.slice(last.index + last.operator.length).trim();
  if (query.length === 0 || !NUMBER.test(threshold)) {
    return undefined;
  }
  return { query, condition: { operator: last.operator, threshold: Number(threshold) } };
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
