import { parsePrometheusText } from '../../../src/runtime/promotion/prometheus-text';

describe('parsePrometheusText', () => {
  test('reads samples with labels, escapes, special values and timestamps; skips HELP, TYPE, comments and blank lines', () => {
    const page = [
      '# HELP kafka_server_replicamanager_underreplicatedpartitions Attribute exposed for management',
      '# TYPE kafka_server_replicamanager_underreplicatedpartitions untyped',
      'kafka_server_replicamanager_underreplicatedpartitions 2.0',
      '',
      '# a free comment',
      'kafka_cluster_partition_underreplicated{topic="orders",partition="3",} 1.0',
      'msg{text="a \\"quoted\\" \\\\ back\\nslash"} NaN 1700000000000',
      'up{ a = "x" } +Inf',
      'down -Inf\r',
      'sci 1e-3',
    ].join('\n');
    expect(parsePrometheusText(page)).toEqual([
      { name: 'kafka_server_replicamanager_underreplicatedpartitions', labels: {}, value: 2 },
      { name: 'kafka_cluster_partition_underreplicated', labels: { topic: 'orders', partition: '3' }, value: 1 },
      { name: 'msg', labels: { text: 'a "quoted" \\ back\nslash' }, value: NaN },
      { name: 'up', labels: { a: 'x' }, value: Infinity },
      { name: 'down', labels: {}, value: -Infinity },
      { name: 'sci', labels: {}, value: 0.001 },
    ]);
  });

  test('an empty page has no samples', () => {
    expect(parsePrometheusText('')).toEqual([]);
  });

  test.each([
    ['<html>Bad Gateway</html>', 'line 1: expected a metric name: "<html>Bad Gateway</html>"'],
    ['up', 'line 1: expected a space and a value after the metric: "up"'],
    ['up 1\nup{a="b"', 'line 2: expected "," or "}" after a label'],
    ['up{a="b} 1', 'line 1: label a has an unterminated or badly escaped value'],
    ['up{a="b\\x"} 1', 'line 1: label a has an unterminated or badly escaped value'],
    ['up{a="1",a="2"} 1', 'line 1: label a is given twice'],
    ['up{a="1" b="2"} 1', 'line 1: expected "," or "}" after a label'],
    ['up{1a="x"} 1', 'line 1: expected a label name or "}"'],
    ['up{a} 1', 'line 1: expected ="value" after label a'],
    ['up one', 'line 1: "one" is not a number (nor NaN, +Inf, -Inf)'],
    ['up 1 2 3', 'line 1: expected a value and at most a timestamp (integer milliseconds)'],
    ['up 1 1.5', 'line 1: expected a value and at most a timestamp (integer milliseconds)'],
    ['# TYPE up gauges', 'line 1: a TYPE line needs a metric name and one of counter, gauge, histogram, summary, untyped'],
    ['# HELP', 'line 1: a HELP line needs a metric name'],
  ])('refuses %j naming the line', (page, message) => {
    expect(() => parsePrometheusText(page)).toThrow(message);
  });
});
