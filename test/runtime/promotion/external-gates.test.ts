import { RuntimeClock } from '../../../src/runtime/clock';
import { CommandResult, execInShell, GateIo, promSampleValues, runGate } from '../../../src/runtime/promotion/external-gates';
import { GateSpec } from '../../../src/runtime/promotion/gate-spec';

/** A clock whose timers never fire unless aborted: no gate times out. */
const patientClock: RuntimeClock = {
  now: () => 0,
  sleep: (_ms, signal) => new Promise((resolve) => signal?.addEventListener('abort', () => resolve(), { once: true })),
};

/** A clock whose timers fire at once: every gate that has not answered yet times out. */
const impatientClock: RuntimeClock = { now: () => 0, sleep: () => Promise.resolve() };

interface FetchCall { readonly url: string }

function io(answer: { status: number; body?: string } | Error, exec?: CommandResult, clock = patientClock): GateIo & { calls: FetchCall[] } {
  const calls: FetchCall[] = [];
  return {
    calls,
    clock,
    fetch: async (url) => {
      calls.push({ url });
      if (answer instanceof Error) {
        throw answer;
      }
      return { status: answer.status, text: async () => answer.body ?? '' };
    },
    exec: async () => exec ?? { exitCode: 0, output: '' },
  };
}

const options = { prometheusUrl: 'http://prom:9090/', timeoutMs: 5000 };
const http: GateSpec = { type: 'http', text: 'http=http://kafka:8080/healthz', url: 'http://kafka:8080/healthz' };
const prom: GateSpec = {
  type: 'prom', text: 'prom=sum(up{job="kafka"})>=3', query: 'sum(up{job="kafka"})', condition: { operator: '>=', threshold: 3 },
};
const exec: GateSpec = { type: 'exec', text: 'exec=./smoke.sh', command: './smoke.sh' };

const vector = (...values: string[]) => JSON.stringify({
  status: 'success', data: { resultType: 'vector', result: values.map((value) => ({ metric: {}, value: [1700000000, value] })) },
});

describe('http gate', () => {
  test.each([200, 204, 299])('%d passes', async (status) => {
    expect(await runGate(http, io({ status }), options)).toEqual({
      gate: 'http=http://kafka:8080/healthz', passed: true, message: `GET http://kafka:8080/healthz answered ${status}`,
    });
  });

  test.each([301, 404, 503])('%d fails, saying what passes', async (status) => {
    expect(await runGate(http, io({ status }), options)).toEqual({
      gate: 'http=http://kafka:8080/healthz',
      passed: false,
      message: `GET http://kafka:8080/healthz answered ${status} (a 2xx status passes)`,
    });
  });

  test('a network error is a failed gate, not an exception', async () => {
    expect(await runGate(http, io(new Error('connect ECONNREFUSED 127.0.0.1:8080')), options)).toEqual({
      gate: 'http=http://kafka:8080/healthz', passed: false, message: 'http=http://kafka:8080/healthz: connect ECONNREFUSED 127.0.0.1:8080',
    });
  });

  test('no answer within the timeout fails the gate', async () => {
    const hanging: GateIo = { ...io({ status: 200 }), clock: impatientClock, fetch: () => new Promise(() => undefined) };
    expect(await runGate(http, hanging, options)).toEqual({
      gate: 'http=http://kafka:8080/healthz', passed: false, message: 'http=http://kafka:8080/healthz: no answer within 5s',
    });
  });
});

describe('prom gate', () => {
  test('queries /api/v1/query with the encoded query and passes when every sample satisfies the condition', async () => {
    const gateIo = io({ status: 200, body: vector('3', '4') });
    expect(await runGate(prom, gateIo, options)).toEqual({
      gate: prom.text, passed: true, message: 'sum(up{job="kafka"}) = 3, 4 (>= 3)',
    });
    expect(gateIo.calls).toEqual([{ url: 'http://prom:9090/api/v1/query?query=sum(up%7Bjob%3D%22kafka%22%7D)' }]);
  });

  test('fails when a sample does not satisfy the condition', async () => {
    expect(await runGate(prom, io({ status: 200, body: vector('2', '3') }), options)).toEqual({
      gate: prom.text, passed: false, message: 'sum(up{job="kafka"}) = 2, 3; 1 of 2 samples fail >= 3',
    });
  });

  test('fails on an empty result', async () => {
    expect(await runGate(prom, io({ status: 200, body: vector() }), options)).toEqual({
      gate: prom.text, passed: false, message: 'sum(up{job="kafka"}) returned no data (wanted >= 3)',
    });
  });

  test('fails on a non-2xx answer, quoting the body', async () => {
    expect(await runGate(prom, io({ status: 400, body: '{"status":"error","error":"parse error"}' }), options)).toEqual({
      gate: prom.text, passed: false, message: 'Prometheus answered 400 for sum(up{job="kafka"}): {"status":"error","error":"parse error"}',
    });
  });
});

describe('promSampleValues', () => {
  test('reads a scalar and a vector', () => {
    expect(promSampleValues({ status: 'success', data: { resultType: 'scalar', result: [1, '0.5'] } })).toEqual([0.5]);
    expect(promSampleValues(JSON.parse(vector('1', 'NaN')))).toEqual([1, NaN]);
  });

  test('an error answer or another result type throws with the reason', () => {
    expect(() => promSampleValues({ status: 'error', error: 'bad_data' })).toThrow('Prometheus query failed: bad_data');
    expect(() => promSampleValues(null)).toThrow('Prometheus query failed: unexpected answer');
    expect(() => promSampleValues({ status: 'success', data: { resultType: 'matrix', result: [] } }))
      .toThrow('Prometheus returned a matrix result; a gate needs an instant vector or a scalar');
  });
});

describe('exec gate', () => {
  test('exit 0 passes, with the output', async () => {
    expect(await runGate(exec, io({ status: 200 }, { exitCode: 0, output: 'smoke ok\n' }), options)).toEqual({
      gate: 'exec=./smoke.sh', passed: true, message: '"./smoke.sh" exited with status 0: smoke ok',
    });
  });

  test('a non-zero exit fails', async () => {
    expect(await runGate(exec, io({ status: 200 }, { exitCode: 2, output: '' }), options)).toEqual({
      gate: 'exec=./smoke.sh', passed: false, message: '"./smoke.sh" exited with status 2',
    });
  });

  test('execInShell runs the command through the shell and keeps its output', async () => {
    const result = await execInShell('echo out; echo err >&2; exit 3', new AbortController().signal);
    expect(result.exitCode).toBe(3);
    expect(result.output).toContain('out\n');
    expect(result.output).toContain('err\n');
  });

  test('execInShell keeps only the last 500 characters', async () => {
    const result = await execInShell('printf "%0600d" 0; printf END', new AbortController().signal);
    expect(result.output).toHaveLength(500);
    expect(result.output.endsWith('END')).toBe(true);
  });
});
