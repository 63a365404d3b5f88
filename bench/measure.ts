// Timing statistics and child-process isolation: every (concept, variant, size) runs in a fresh Node process
// so one case's heap and JIT state do not leak into the next, and its peak RSS is its own.
import { execFileSync } from 'child_process';
import * as path from 'path';
import { HotSpots } from './hot-spots';

/** What one child process reports for one (concept, variant, size) case. */
export interface CaseMeasurement {
  /** Wall time of each timed run, in milliseconds. */
  readonly runMs: number[];
  /** CPU time (user + system, all threads, so the garbage collector's helpers too) of each timed run, in ms. */
  readonly runCpuMs: number[];
  /** Objects one app synthesizes. */
  readonly objects: number;
  /** Kinds of the synthesized objects with their counts, `Kind=n` sorted. */
  readonly kinds: string;
  /** Peak resident set size of the child process, in MiB. */
  readonly peakRssMiB: number;
  /**
   * Where one extra, profiled run spent its CPU time.
   * @default - not profiled
   */
  readonly hotSpots?: HotSpots;
}

/** The median of `values` (mean of the middle two for even counts). */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** The `p`-th percentile of `values` by the nearest-rank method (p99 of fewer than 100 values is the maximum). */
export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** Spread as (max - min) / median, in percent: how far apart the runs are. */
export function spreadPercent(values: number[]): number {
  const m = median(values);
  return m === 0 ? 0 : ((Math.max(...values) - Math.min(...values)) / m) * 100;
}

/**
 * Runs the bench script `script` (a file name in bench/) with `args` in a fresh transpile-only ts-node process
 * and parses the JSON of the last line it prints.
 */
export function runChild<T>(script: string, args: readonly string[]): T {
  const out = execFileSync(process.execPath, ['-r', 'ts-node/register/transpile-only', path.join(__dirname, script), ...args], {
    encoding: 'utf8',
    maxBuffer: 16 * 1024 * 1024,
  });
  return JSON.parse(out.trim().split('\n').pop()!);
}

/**
 * Runs `bench/synth-cost.ts` for one case in a fresh process and returns its measurement; with `profile`, the
 * child also profiles one extra run.
 */
export function measureInChild(concept: string, variant: string, size: number, runs: number, profile = false): CaseMeasurement {
  return runChild('synth-cost.ts', [concept, variant, String(size), String(runs), ...profile ? ['--profile'] : []]);
}
