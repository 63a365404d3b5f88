import { RolloutKeys } from '../../../src/keys';
import {
  formatCondition, gatesOfAnnotation, parseGate, parsePromCondition, satisfiesCondition, splitPromQuery,
} from '../../../src/runtime/promotion/gate-spec';
import { RuntimeError } from '../../../src/runtime/runtime-error';

const prometheusUrl = 'http://prometheus:9090';

describe('parseGate', () => {
  test('http gate', () => {
    expect(parseGate('http=http://kafka-exporter:9308/healthz'))
      .toEqual({ type: 'http', text: 'http=http://kafka-exporter:9308/healthz', url: 'http://kafka-exporter:9308/healthz' });
  });

  test('exec gate keeps the whole command', () => {
    expect(parseGate('exec=./check.sh --broker=1')).toEqual({ type: 'exec', text: 'exec=./check.sh --broker=1', command: './check.sh --broker=1' });
  });

  test('prom gate with the condition at the end of the query', () => {
    const gate = parseGate('prom=sum(up{job="kafka"})>=3', { prometheusUrl });
    expect(gate).toEqual({ type: 'prom', text: 'prom=sum(up{job="kafka"})>=3', query: 'sum(up{job="kafka"})', condition: { operator: '>=', threshold: 3 } });
  });

  test('prom gate with --prom-condition', () => {
    const gate = parseGate('prom=rate(errors[5m])', { prometheusUrl, promCondition: '< 0.01' });
    expect(gate).toMatchObject({ query: 'rate(errors[5m])', condition: { operator: '<', threshold: 0.01 } });
  });

  test.each([
    ['grpc=x', {}, 'invalid gate "grpc=x": expected http=URL, prom=QUERY (with a condition such as >=3), exec=COMMAND, '
      + 'kafka[:OPTIONS] (min-isr, port=PORT; comma-separated) or zookeeper[:port=PORT]'],
    ['http=', {}, 'invalid gate "http=": the http gate needs a value after "http="'],
    ['http=kafka:9308', {}, 'invalid gate "http=kafka:9308": the URL must use http or https, not kafka'],
    ['http=/healthz', {}, 'invalid gate "http=/healthz": "/healthz" is not an absolute URL (for example http://kafka-exporter:9308/healthz)'],
    ['prom=up>=1', {}, 'invalid gate "prom=up>=1": a prom gate needs --prometheus URL (the Prometheus server to query)'],
    ['prom=sum(up)', { prometheusUrl },
      'invalid gate "prom=sum(up)": the query has no success condition; end it with one (for example sum(up{job="kafka"})>=3) or pass --prom-condition ">=3"'],
  ])('rejects %j', (text, options, message) => {
    expect(() => parseGate(text, options)).toThrow(message);
  });
});

describe('data-aware gates', () => {
  test.each([
    ['kafka', { type: 'kafka', text: 'kafka', minIsr: false }],
    ['kafka:min-isr', { type: 'kafka', text: 'kafka:min-isr', minIsr: true }],
    ['kafka:port=9404,min-isr', { type: 'kafka', text: 'kafka:port=9404,min-isr', minIsr: true, port: 9404 }],
    ['zookeeper', { type: 'zookeeper', text: 'zookeeper' }],
    ['zookeeper:port=7000', { type: 'zookeeper', text: 'zookeeper:port=7000', port: 7000 }],
  ])('%s', (text, expected) => {
    expect(parseGate(text)).toEqual(expected);
  });

  test.each([
    ['kafka=min-isr', 'invalid gate "kafka=min-isr": expected http=URL, prom=QUERY (with a condition such as >=3), exec=COMMAND, '
      + 'kafka[:OPTIONS] (min-isr, port=PORT; comma-separated) or zookeeper[:port=PORT]'],
    ['kafka:', 'invalid gate "kafka:": unknown kafka option ""; the options are min-isr and port=PORT (for example kafka:min-isr,port=9404)'],
    ['kafka:min-isr=2', 'invalid gate "kafka:min-isr=2": unknown kafka option "min-isr=2"; the options are min-isr and port=PORT (for example kafka:min-isr,port=9404)'],
    ['kafka:min-isr,min-isr', 'invalid gate "kafka:min-isr,min-isr": the kafka option "min-isr" is given twice'],
    ['kafka:port=0', 'invalid gate "kafka:port=0": port "0" is not a port number (1-65535)'],
    ['kafka:port=metrics', 'invalid gate "kafka:port=metrics": port "metrics" is not a port number (1-65535)'],
    ['zookeeper:min-isr', 'invalid gate "zookeeper:min-isr": unknown zookeeper option "min-isr"; the options are port=PORT (for example zookeeper:port=7000)'],
    ['zookeeper:port=70000', 'invalid gate "zookeeper:port=70000": port "70000" is not a port number (1-65535)'],
  ])('rejects %j as bad input, in one line', (text, message) => {
    let caught: unknown;
    try {
      parseGate(text);
    } catch (error) {
      caught = error;
    }
    expect(RuntimeError.is(caught)).toBe(true);
    expect((caught as RuntimeError).kind).toBe('bad-input');
    expect((caught as RuntimeError).message).toBe(message);
    expect((caught as RuntimeError).message).not.toContain('\n');
  });
});

describe('gatesOfAnnotation', () => {
  test('parses every gate of the annotation as --gate would', () => {
    expect(gatesOfAnnotation('["kafka:min-isr","http=http://svc/healthz"]', 'statefulset/kafka'))
      .toEqual([parseGate('kafka:min-isr'), parseGate('http=http://svc/healthz')]);
    expect(gatesOfAnnotation(undefined, 'statefulset/kafka')).toEqual([]);
  });

  test.each([
    ['kafka', `annotation ${RolloutKeys.GATES_ANNOTATION} on statefulset/kafka is not valid JSON`],
    ['{"gate":"kafka"}', `annotation ${RolloutKeys.GATES_ANNOTATION} on statefulset/kafka is not a JSON array of strings`],
    ['["kafka:x"]', `annotation ${RolloutKeys.GATES_ANNOTATION} on statefulset/kafka: invalid gate "kafka:x": unknown kafka option "x"`],
    ['["prom=up>=1"]', `annotation ${RolloutKeys.GATES_ANNOTATION} on statefulset/kafka: invalid gate "prom=up>=1": a prom gate needs --prometheus URL`],
  ])('rejects %j naming the annotation and the workload', (value, message) => {
    expect(() => gatesOfAnnotation(value, 'statefulset/kafka')).toThrow(message);
  });
});

describe('splitPromQuery', () => {
  test('ignores comparisons inside brackets and quotes', () => {
    expect(splitPromQuery('count(x{a=~"b>=2"} > 1) == 0')).toEqual({ query: 'count(x{a=~"b>=2"} > 1)', condition: { operator: '==', threshold: 0 } });
  });

  test('undefined without a trailing numeric comparison', () => {
    expect(splitPromQuery('a > b')).toBeUndefined();
    expect(splitPromQuery('>= 3')).toBeUndefined();
    expect(splitPromQuery('sum(up)')).toBeUndefined();
  });
});

describe('conditions', () => {
  test('parsePromCondition names the accepted operators', () => {
    expect(parsePromCondition('!=2')).toEqual({ operator: '!=', threshold: 2 });
    expect(() => parsePromCondition('about 3'))
      .toThrow('invalid Prometheus condition "about 3": expected an operator (>=, <=, ==, !=, >, <) followed by a number, for example >=3');
  });

  test.each([
    ['>=', 3, 3, true], ['>=', 2, 3, false], ['<=', 3, 3, true], ['==', 1, 1, true],
    ['!=', 1, 2, true], ['!=', NaN, 2, false], ['>', 3, 3, false], ['<', 2, 3, true],
  ] as const)('%s: %d against %d is %s', (operator, value, threshold, expected) => {
    expect(satisfiesCondition(value, { operator, threshold })).toBe(expected);
  });

  test('formatCondition', () => {
    expect(formatCondition({ operator: '>=', threshold: 3 })).toBe('>= 3');
  });
});
