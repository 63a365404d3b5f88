// Child-process entry: `synth-cost.ts <concept> <ours|baseline> <size> <runs>` builds and synthesizes the app
// `runs` times after one untimed warm-up run, and prints one JSON CaseMeasurement line.
import { performance } from 'perf_hooks';
import { appSynthesizer, Variant } from './app-builder';
import { conceptNamed } from './concepts';
import { CaseMeasurement } from './measure';

/** Counts objects per kind, as `Kind=n` joined by commas, sorted by kind. */
export function kindCounts(objects: Record<string, any>[]): string {
  const counts = new Map<string, number>();
  objects.forEach((o) => counts.set(o.kind, (counts.get(o.kind) ?? 0) + 1));
  return [...counts.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([k, n]) => `${k}=${n}`).join(',');
}

function main(argv: string[]): void {
  const [conceptName, variant, sizeText, runsText] = argv;
  if (variant !== 'ours' && variant !== 'baseline') {
    throw new Error(`variant '${variant}' is invalid; valid: ours, baseline`);
  }
  const synthesize = appSynthesizer(conceptNamed(conceptName), variant as Variant);
  const size = Number(sizeText);
  const warmUp = synthesize(size);
  const runMs: number[] = [];
  for (let r = 0; r < Number(runsText); r++) {
    const start = performance.now();
    synthesize(size);
    runMs.push(performance.now() - start);
  }
  const result: CaseMeasurement = {
    runMs,
    objects: warmUp.length,
    kinds: kindCounts(warmUp),
    // maxRSS is in KiB and covers the whole process lifetime, warm-up included.
    peakRssMiB: process.resourceUsage().maxRSS / 1024,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

if (require.main === module) {
  main(process.argv.slice(2));
}
