import { formatCondition, parseGate, parsePromCondition, satisfiesCondition, splitPromQuery } from '../../../src/runtime/promotion/gate-spec';

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
    ['grpc=x', {}, 'invalid gate "grpc=x": expected http=URL, prom=QUERY (with a condition such as >=3) or exec=COMMAND'],
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
