// Turns case measurements into the markdown results table and the target verdicts.
import * as os from 'os';
import { CaseMeasurement, median, spreadPercent } from './measure';

/** Our construct and the baseline measured for one concept at one size. */
export interface ComparedCase {
  /** Concept name. */
  readonly concept: string;
  /** Instances in the app. */
  readonly size: number;
  /** Our construct's measurement. */
  readonly ours: CaseMeasurement;
  /** The L1 baseline's measurement. */
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

/** The ratio of medians, ours over baseline. */
export function overhead(c: ComparedCase): number {
  return median(c.ours.runMs) / median(c.baseline.runMs);
}

/** One line per missed target, naming the case, the measured value and the target. */
export function missedTargets(cases: ComparedCase[]): string[] {
  const missed: string[] = [];
  for (const c of cases) {
    if (overhead(c) > OVERHEAD_TARGET) {
      missed.push(`${c.concept} × ${c.size}: overhead ${overhead(c).toFixed(2)}x > ${OVERHEAD_TARGET}x`);
    }
    if (c.size >= 1000 && median(c.ours.runMs) >= THOUSAND_TARGET_MS) {
      missed.push(`${c.concept} × ${c.size}: ${(median(c.ours.runMs) / 1000).toFixed(1)} s >= ${THOUSAND_TARGET_MS / 1000} s`);
    }
  }
  return missed;
}

/** The markdown table: one row per concept and size. */
export function resultsTable(cases: ComparedCase[]): string {
  const rows = cases.map((c) =>
    `| ${c.concept} | ${c.size} | ${c.ours.objects} | ${cell(c.ours)} | ${cell(c.baseline)} | ${overhead(c).toFixed(2)}x |`);
  return [
    '| concept | instances | objects | ours: median ±spread, objects/s, peak RSS | baseline: median ±spread, objects/s, peak RSS | ours/baseline |',
    '|---|---:|---:|---|---|---:|',
    ...rows,
  ].join('\n');
}

/** The machine description for the results header. */
export function machineDescription(): string {
  const memGiB = (os.totalmem() / 1024 ** 3).toFixed(1);
  return `${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? 'unknown'}), ${memGiB} GiB RAM, Node ${process.version}, ${os.platform()} ${os.release()}, `
    + `load average ${os.loadavg().map((l) => l.toFixed(1)).join(' / ')} (1/5/15 min) at the end of the run`;
}
