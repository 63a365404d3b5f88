// Turns synth-cost case measurements into the markdown results tables and the target verdicts.
import { HotSpots } from './hot-spots';
import { CaseMeasurement, median, spreadPercent } from './measure';
import { TargetVerdict } from './section';

/** Our construct and the baseline measured for one concept at one size. */
export interface ComparedCase {
  /** Concept name. */
  readonly concept: string;
  /** Instances in the app. */
  readonly size: number;
  /** Our construct's measurement. */
  readonly ours: CaseMeasurement;
  /** The hand-written baseline's measurement. */
  readonly baseline: CaseMeasurement;
}

/** Overhead target of issue 6: ours / baseline median at most this. */
export const OVERHEAD_TARGET = 1.2;
/** Time target of issue 6 for 1,000 instances, in milliseconds. */
export const THOUSAND_TARGET_MS = 10_000;

function cell(m: CaseMeasurement): string {
  const ms = median(m.runMs);
  const perSecond = Math.round((m.objects / ms) * 1000);
  return `${ms.toFixed(1)} ms ±${spreadPercent(m.runMs).toFixed(0)}% (n=${m.runMs.length}), ${perSecond} obj/s, ${m.peakRssMiB.toFixed(0)} MiB`;
}

/** The ratio of wall-time medians, ours over baseline. */
export function overhead(c: ComparedCase): number {
  return median(c.ours.runMs) / median(c.baseline.runMs);
}

/** The ratio of CPU-time medians, ours over baseline: steadier than wall time when other processes share the CPUs. */
export function cpuOverhead(c: ComparedCase): number {
  return median(c.ours.runCpuMs) / median(c.baseline.runCpuMs);
}

/** The overhead verdict of every case, and the 1,000-instance time verdict of every 1,000-instance case. */
export function synthVerdicts(cases: readonly ComparedCase[]): TargetVerdict[] {
  const verdicts: TargetVerdict[] = [];
  for (const c of cases) {
    const ratio = overhead(c);
    verdicts.push({
      met: ratio <= OVERHEAD_TARGET,
      text: `synth ${c.concept} × ${c.size}: ours/baseline ${ratio.toFixed(2)}x wall, ${cpuOverhead(c).toFixed(2)}x CPU (target <= ${OVERHEAD_TARGET}x)`,
    });
    if (c.size >= 1000) {
      const seconds = median(c.ours.runMs) / 1000;
      verdicts.push({ met: seconds * 1000 < THOUSAND_TARGET_MS, text: `synth ${c.concept} × ${c.size}: ${seconds.toFixed(2)} s (target < ${THOUSAND_TARGET_MS / 1000} s)` });
    }
  }
  return verdicts;
}

/** The markdown table: one row per concept and size. */
export function resultsTable(cases: readonly ComparedCase[]): string {
  const rows = cases.map((c) =>
    `| ${c.concept} | ${c.size} | ${c.ours.objects} | ${cell(c.ours)} | ${cell(c.baseline)} | ${overhead(c).toFixed(2)}x | ${cpuOverhead(c).toFixed(2)}x |`);
  return [
    '| concept | instances | objects | ours: wall median ±spread, objects/s, peak RSS | baseline: wall median ±spread, objects/s, peak RSS | ours/baseline (wall) | ours/baseline (CPU) |',
    '|---|---:|---:|---|---|---:|---:|',
    ...rows,
  ].join('\n');
}

function shares(spots: HotSpots['packages'], count: number): string {
  return spots.slice(0, count).map((s) => `${s.name} ${s.percent.toFixed(0)}%`).join(', ');
}

/** The share of `name` in `hotSpots`' packages, in percent (0 when it is not among them). */
export function packageShare(hotSpots: HotSpots | undefined, name: string): number {
  return hotSpots?.packages.find((p) => p.name === name)?.percent ?? 0;
}

/** A table of where each profiled case spent its time: the largest packages and functions, ours and baseline. */
export function hotSpotsTable(cases: readonly ComparedCase[]): string {
  const rows: string[] = [];
  for (const c of cases) {
    for (const [variant, m] of [['ours', c.ours], ['baseline', c.baseline]] as const) {
      if (m.hotSpots) {
        rows.push(`| ${c.concept} × ${c.size} | ${variant} | ${shares(m.hotSpots.packages, 5)} | ${shares(m.hotSpots.functions, 5)} |`);
      }
    }
  }
  return [
    '| case | side | self time by package | self time by function |',
    '|---|---|---|---|',
    ...rows,
  ].join('\n');
}
