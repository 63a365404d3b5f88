// The Prometheus text exposition format (version 0.0.4), as a metrics endpoint serves it: `# HELP` and `# TYPE` lines,
// other comments, and one sample per line, `name{label="value",...} value [timestamp]`. Strict: a line that is none of
// these is an error naming the line, so a gate never decides on a page it misread (an HTML error page, a truncation).

/** One sample of a metrics page. */
export interface MetricSample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  /** The value; NaN and ±Inf as the format writes them. */
  readonly value: number;
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*/;
const SPECIAL_VALUES: Record<string, number> = { 'NaN': NaN, '+Inf': Infinity, '-Inf': -Infinity, 'Inf': Infinity };
const FLOAT = /^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/;
const TIMESTAMP = /^-?\d+$/;

/**
 * Parses a metrics page in the text exposition format.
 *
 * @throws Error `line N: ...` naming the first line that is not valid
 */
export function parsePrometheusText(text: string): MetricSample[] {
  const samples: MetricSample[] = [];
  text.split('\n').forEach((raw, index) => {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    const fail = (problem: string): never => {
      throw new Error(`line ${index + 1}: ${problem}: ${JSON.stringify(line.length > 80 ? `${line.slice(0, 80)}...` : line)}`);
    };
    if (line.trim() === '') {
      return;
    }
    if (line.startsWith('#')) {
      const words = line.slice(1).trim().split(/\s+/);
      if (words[0] === 'TYPE' && !['counter', 'gauge', 'histogram', 'summary', 'untyped'].includes(words[2] ?? '')) {
        fail('a TYPE line needs a metric name and one of counter, gauge, histogram, summary, untyped');
      }
      if ((words[0] === 'TYPE' || words[0] === 'HELP') && !METRIC_NAME.test(words[1] ?? '')) {
        fail(`a ${words[0]} line needs a metric name`);
      }
      return;
    }
    const name = METRIC_NAME.exec(line)?.[0];
    if (!name) {
      return fail('expected a metric name');
    }
    let rest = line.slice(name.length);
    const labels: Record<string, string> = {};
    if (rest.startsWith('{')) {
      rest = rest.slice(1);
      for (;;) {
        rest = rest.trimStart();
        if (rest.startsWith('}')) {
          rest = rest.slice(1);
          break;
        }
        const label = LABEL_NAME.exec(rest)?.[0];
        if (!label) {
          return fail('expected a label name or "}"');
        }
        rest = rest.slice(label.length).trimStart();
        rest = rest.startsWith('=') ? rest.slice(1).trimStart() : '';
        if (!rest.startsWith('"')) {
          return fail(`expected ="value" after label ${label}`);
        }
        const { value, length } = quotedValue(rest.slice(1)) ?? fail(`label ${label} has an unterminated or badly escaped value`);
        if (label in labels) {
          fail(`label ${label} is given twice`);
        }
        labels[label] = value;
        rest = rest.slice(1 + length).trimStart();
        if (rest.startsWith(',')) {
          rest = rest.slice(1);
        } else if (!rest.startsWith('}')) {
          return fail('expected "," or "}" after a label');
        }
      }
    }
    if (!/^[ \t]/.test(rest)) {
      return fail('expected a space and a value after the metric');
    }
    const fields = rest.trim().split(/[ \t]+/);
    if (fields.length > 2 || (fields.length === 2 && !TIMESTAMP.test(fields[1]))) {
      return fail('expected a value and at most a timestamp (integer milliseconds)');
    }
    const value = fields[0] in SPECIAL_VALUES ? SPECIAL_VALUES[fields[0]] : FLOAT.test(fields[0]) ? Number(fields[0]) : undefined;
    if (value === undefined) {
      return fail(`"${fields[0]}" is not a number (nor NaN, +Inf, -Inf)`);
    }
    samples.push({ name, labels, value });
  });
  return samples;
}

// A label value after its opening quote: its text and the characters it took, closing quote included; undefined when
// it does not end or uses an escape other than \\, \" and \n.
function quotedValue(text: string): { value: string; length: number } | undefined {
  let value = '';
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (char === '"') {
      return { value, length: i + 1 };
    }
    if (char === '\\') {
      const next = text[++i];
      if (next === '\\' || next === '"') {
        value += next;
      } else if (next === 'n') {
        value += '\n';
      } else {
        return undefined;
      }
    } else {
      value += char;
    }
  }
  return undefined;
}
