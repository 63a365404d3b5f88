// The grammar of a promotion gate, in the text `kubectl-stage promote --gate` takes and the `staged-rollouts.io/gates`
// annotation holds: one definition that the constructs (RolloutGate, validated at synth time) and the runtime
// (runtime/promotion/gate-spec.ts, which adds the CLI's context) both parse with, so the two cannot drift apart.
// Pure: it returns what is wrong instead of throwing, and each side wraps that in its own error type.

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

/**
 * The Kafka gate: no under-replicated and no offline partitions (and with `minIsr`, no partition under
 * `min.insync.replicas`), read from the brokers' JMX exporter metrics.
 */
export interface KafkaGateSpec {
  readonly type: 'kafka';
  readonly text: string;
  /** Whether every partition's ISR must also be at least `min.insync.replicas`. */
  readonly minIsr: boolean;
  /** The metrics port of the broker pods. @default the container port named `metrics` */
  readonly port?: number;
}

/** The ZooKeeper gate: exactly one leader, and every voting follower synced with it. */
export interface ZooKeeperGateSpec {
  readonly type: 'zookeeper';
  readonly text: string;
  /** The Prometheus metrics port of the servers. @default the container port named `metrics` */
  readonly port?: number;
}

/** One gate, as parsed. */
export type GateSpec = HttpGateSpec | PromGateSpec | ExecGateSpec | KafkaGateSpec | ZooKeeperGateSpec;

/** The gates that read the workload's own pods' metrics, before each step and after each soak. */
export type DataGateSpec = KafkaGateSpec | ZooKeeperGateSpec;

/** What is wrong with a gate's text, said for the person who wrote it. */
export interface GateProblem {
  readonly problem: string;
}

/** Every form a gate takes, for messages. */
export const GATE_FORMS = 'http=URL, prom=QUERY (with a condition such as >=3), exec=COMMAND, kafka[:OPTIONS] (min-isr, port=PORT; comma-separated) '
  + 'or zookeeper[:port=PORT]';

/** The comparison operators of a Prometheus condition, longest first so `>=` is not read as `>`. */
export const PROM_OPERATORS: readonly PromCondition['operator'][] = ['>=', '<=', '==', '!=', '>', '<'];
const NUMBER = /^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/;

/** Whether a gate reads the workload's pods' metrics (`kafka`, `zookeeper`). */
export function isDataGate(spec: GateSpec): spec is DataGateSpec {
  return spec.type === 'kafka' || spec.type === 'zookeeper';
}

/**
 * Parses one gate: `http=URL`, `prom=QUERY`, `exec=COMMAND`, `kafka[:OPTIONS]` or `zookeeper[:OPTIONS]`.
 *
 * A Prometheus gate carries its success condition at the end of the query (`prom=sum(up{job="kafka"})>=3`), unless
 * `promCondition` is given (the CLI's `--prom-condition`): then the whole text is the query.
 *
 * @returns the gate, or what is wrong with it
 */
export function parseGateText(text: string, promCondition?: PromCondition): GateSpec | GateProblem {
  const named = /^(kafka|zookeeper)(?::(.*))?$/s.exec(text);
  if (named) {
    return parseDataGate(text, named[1] as DataGateSpec['type'], named[2]);
  }
  const equals = text.indexOf('=');
  const type = equals > 0 ? text.slice(0, equals) : '';
  const body = equals > 0 ? text.slice(equals + 1).trim() : '';
  if (!['http', 'prom', 'exec'].includes(type)) {
    return { problem: `expected ${GATE_FORMS}` };
  }
  if (body.length === 0) {
    return { problem: `the ${type} gate needs a value after "${type}="` };
  }
  if (type === 'http') {
    let url: URL;
    try {
      url = new URL(body);
    } catch {
      return { problem: `"${body}" is not an absolute URL (for example http://kafka-exporter:9308/healthz)` };
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      return { problem: `the URL must use http or https, not ${url.protocol.replace(':', '')}` };
    }
    return { type: 'http', text, url: body };
  }
  if (type === 'exec') {
    return { type: 'exec', text, command: body };
  }
  if (promCondition !== undefined) {
    return { type: 'prom', text, query: body, condition: promCondition };
  }
  const split = splitPromQuery(body);
  if (!split) {
    return { problem: 'the query has no success condition; end it with one (for example sum(up{job="kafka"})>=3) or pass --prom-condition ">=3"' };
  }
  return { type: 'prom', text, ...split };
}

// `kafka`, `kafka:min-isr`, `kafka:min-isr,port=9404`, `zookeeper:port=7000`: each option once, in any order.
function parseDataGate(text: string, type: DataGateSpec['type'], optionText: string | undefined): GateSpec | GateProblem {
  const valid = type === 'kafka' ? 'min-isr and port=PORT (for example kafka:min-isr,port=9404)' : 'port=PORT (for example zookeeper:port=7000)';
  if (optionText === undefined) {
    return type === 'kafka' ? { type, text, minIsr: false } : { type, text };
  }
  let minIsr = false;
  let port: number | undefined;
  const seen = new Set<string>();
  for (const option of optionText.split(',')) {
    const [key, value] = option.includes('=') ? [option.slice(0, option.indexOf('=')), option.slice(option.indexOf('=') + 1)] : [option, undefined];
    if (seen.has(key)) {
      return { problem: `the ${type} option "${key}" is given twice` };
    }
    seen.add(key);
    if (type === 'kafka' && key === 'min-isr' && value === undefined) {
      minIsr = true;
    } else if (key === 'port' && value !== undefined) {
      if (!/^\d{1,5}$/.test(value) || Number(value) < 1 || Number(value) > 65535) {
        return { problem: `port "${value}" is not a port number (1-65535)` };
      }
      port = Number(value);
    } else {
      return { problem: `unknown ${type} option "${option}"; the options are ${valid}` };
    }
  }
  return type === 'kafka' ? { type, text, minIsr, ...port !== undefined && { port } } : { type, text, ...port !== undefined && { port } };
}

/** Parses a success condition such as `>=3`, `< 0.01` or `==1`; undefined when it is not one. */
export function parsePromConditionText(text: string): PromCondition | undefined {
  const trimmed = text.trim();
  const operator = PROM_OPERATORS.find((candidate) => trimmed.startsWith(candidate));
  const threshold = operator ? trimmed.slice(operator.length).trim() : '';
  return operator && NUMBER.test(threshold) ? { operator, threshold: Number(threshold) } : undefined;
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
      const operator = PROM_OPERATORS.find((candidate) => text.startsWith(candidate, i));
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

/**
 * The gates annotation's value: the gates' texts as a JSON array of strings (a gate's text may hold commas, quotes
 * and spaces, so no simpler separator is safe).
 */
export function encodeGatesAnnotation(texts: readonly string[]): string {
  return JSON.stringify(texts);
}

/** The gates' texts of a gates annotation, or what is wrong with it. */
export function decodeGatesAnnotation(value: string): string[] | GateProblem {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch (error) {
    return { problem: `is not valid JSON (${(error as Error).message}); expected a JSON array of gates such as ["kafka:min-isr"]` };
  }
  if (!Array.isArray(parsed) || !parsed.every((entry) => typeof entry === 'string')) {
    return { problem: 'is not a JSON array of strings; expected a JSON array of gates such as ["kafka:min-isr"]' };
  }
  return parsed;
}

/** Whether a parse answered with a problem. */
export function isGateProblem<T>(result: T | GateProblem): result is GateProblem {
  return typeof result === 'object' && result !== null && 'problem' in result && !('type' in result);
}
