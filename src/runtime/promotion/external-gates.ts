import { spawn } from 'node:child_process';
import { RuntimeClock } from '../clock';
import { formatDuration } from '../duration';
import { DataGateSpec, formatCondition, GateSpec, PromGateSpec, satisfiesCondition } from './gate-spec';

/** The gates that ask something outside the cluster: `http=`, `prom=`, `exec=`. */
export type ExternalGateSpec = Exclude<GateSpec, DataGateSpec>;

/** The outcome of one gate. */
export interface GateResult {
  /** The gate as the user wrote it. */
  readonly gate: string;
  readonly passed: boolean;
  /** What was checked and what came back. */
  readonly message: string;
}

/** The result of running a shell command. */
export interface CommandResult {
  readonly exitCode: number;
  /** The end of the combined stdout and stderr. */
  readonly output: string;
}

/** The I/O the extra gates need, injected so tests can answer without a network or a shell. */
export interface GateIo {
  /** The WHATWG `fetch` (Node's global one in production). */
  readonly fetch: (url: string, init: { signal: AbortSignal }) => Promise<{ status: number; text(): Promise<string> }>;
  /** Runs a command through the shell; must stop when `signal` aborts. */
  readonly exec: (command: string, signal: AbortSignal) => Promise<CommandResult>;
  readonly clock: RuntimeClock;
}

/** Options for running gates. */
export interface GateRunOptions {
  /** The Prometheus server for `prom=` gates. */
  readonly prometheusUrl?: string;
  /** How long one gate may take before it counts as failed. */
  readonly timeoutMs: number;
}

/** Runs one gate; never throws (a network or parse error is a failed gate with the error in its message). */
export async function runGate(spec: ExternalGateSpec, io: GateIo, options: GateRunOptions): Promise<GateResult> {
  const controller = new AbortController();
  const timeout = io.clock.sleep(options.timeoutMs, controller.signal).then(() => 'timeout' as const);
  try {
    const outcome = await Promise.race([evaluate(spec, io, options, controller.signal), timeout]);
    if (outcome === 'timeout') {
      return { gate: spec.text, passed: false, message: `${spec.text}: no answer within ${formatDuration(options.timeoutMs)}` };
    }
    return outcome;
  } catch (error) {
    return { gate: spec.text, passed: false, message: `${spec.text}: ${(error as Error).message}` };
  } finally {
    controller.abort();
  }
}

async function evaluate(spec: ExternalGateSpec, io: GateIo, options: GateRunOptions, signal: AbortSignal): Promise<GateResult> {
  switch (spec.type) {
    case 'http': {
      const response = await io.fetch(spec.url, { signal });
      const passed = response.status >= 200 && response.status < 300;
      return { gate: spec.text, passed, message: `GET ${spec.url} answered ${response.status}${passed ? '' : ' (a 2xx status passes)'}` };
    }
    case 'exec': {
      const result = await io.exec(spec.command, signal);
      const output = result.output.trim();
      return {
        gate: spec.text,
        passed: result.exitCode === 0,
        message: `"${spec.command}" exited with status ${result.exitCode}${output ? `: ${output}` : ''}`,
      };
    }
    case 'prom':
      return evaluateProm(spec, io, options.prometheusUrl ?? '', signal);
  }
}

async function evaluateProm(spec: PromGateSpec, io: GateIo, prometheusUrl: string, signal: AbortSignal): Promise<GateResult> {
  const url = `${prometheusUrl.replace(/\/+$/, '')}/api/v1/query?query=${encodeURIComponent(spec.query)}`;
  const response = await io.fetch(url, { signal });
  const body = await response.text();
  if (response.status < 200 || response.status >= 300) {
    return { gate: spec.text, passed: false, message: `Prometheus answered ${response.status} for ${spec.query}: ${body.slice(0, 200)}` };
  }
  const values = promSampleValues(JSON.parse(body));
  const wanted = formatCondition(spec.condition);
  if (values.length === 0) {
    return { gate: spec.text, passed: false, message: `${spec.query} returned no data (wanted ${wanted})` };
  }
  const failing = values.filter((value) => !satisfiesCondition(value, spec.condition));
  return {
    gate: spec.text,
    passed: failing.length === 0,
    message: failing.length === 0
      ? `${spec.query} = ${values.join(', ')} (${wanted})`
      : `${spec.query} = ${values.join(', ')}; ${failing.length} of ${values.length} samples fail ${wanted}`,
  };
}

/** One sample of a Prometheus instant query's answer: its labels (`__name__` included) and value. */
export interface PromSample {
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/**
 * The samples of a Prometheus `/api/v1/query` answer (`vector`, or `scalar` as one sample without labels).
 *
 * @throws Error when the answer is an error or of another result type
 */
export function promSamples(answer: unknown): PromSample[] {
  const root = answer as { status?: string; error?: string; data?: { resultType?: string; result?: unknown } };
  if (root?.status !== 'success' || !root.data) {
    throw new Error(`Prometheus query failed: ${root?.error ?? 'unexpected answer'}`);
  }
  const { resultType, result } = root.data;
  if (resultType === 'scalar') {
    return [{ labels: {}, value: Number((result as [number, string])[1]) }];
  }
  if (resultType === 'vector') {
    return (result as { metric?: Record<string, string>; value: [number, string] }[])
      .map((sample) => ({ labels: sample.metric ?? {}, value: Number(sample.value[1]) }));
  }
  throw new Error(`Prometheus returned a ${resultType} result; a gate needs an instant vector or a scalar`);
}

/**
 * The sample values of a Prometheus `/api/v1/query` answer (`vector` or `scalar`).
 *
 * @throws Error when the answer is an error or of another result type
 */
export function promSampleValues(answer: unknown): number[] {
  return promSamples(answer).map((sample) => sample.value);
}

/** Runs a command with `/bin/sh -c`, keeping the last 500 characters of its output. */
export function execInShell(command: string, signal: AbortSignal): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, { shell: true, signal, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const collect = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-500);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('error', reject);
    child.on('close', (code) => resolve({ exitCode: code ?? 1, output }));
  });
}
