// Child-process entry: `synth-cost.ts <concept> <ours|baseline> <size> <runs> [--profile]` builds and synthesizes
// the app `runs` times after one untimed warm-up run, and prints one JSON CaseMeasurement line. With --profile
// one more, untimed run is sampled by the CPU profiler and its hot spots are added to the line.
import { performance } from 'perf_hooks';
import { appSynthesizer, Variant } from './app-builder';
import { conceptNamed } from './concepts';
import { profileOf, summarizeProfile } from './hot-spots';
import { CaseMeasurement } from './measure';

/** Hot spots reported per profiled case: the largest packages and functions. */
const HOT_SPOTS = 8;

/** Counts objects per kind, as `Kind=n` joined by commas, sorted by kind. */
export function kindCounts(objects: Record<string, any>[]): string {
  const counts = new Map<string, number>();
  objects.forEach((o) => counts.set(o.kind, (counts.get(o.kind) ?? 0) + 1));
  return [...counts.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([k, n]) => `${k}=${n}`).join(',');
}

async function main(argv: string[]): Promise<void> {
  const [conceptName, variant, sizeText, runsText, profileFlag] = argv;
  if (variant !== 'ours' && variant !== 'baseline') {
    throw new Error(`variant '${variant}' is invalid; valid: ours, baseline`);
  }
  const synthesize = appSynthesizer(conceptNamed(conceptName), variant as Variant);
  const size = Number(sizeText);
  const warmUp = synthesize(size);
  const runMs: number[] = [];
  const runCpuMs: number[] = [];
  for (let r = 0; r < Number(runsText); r++) {
    const cpuStart = process.cpuUsage();
    const start = performance.now();
    synthesize(size);
    runMs.push(performance.now() - start);
    const cpu = process.cpuUsage(cpuStart);
    runCpuMs.push((cpu.user + cpu.system) / 1000);
  }
  // Read before profiling, so the profiler's own memory does not count.
  const peakRssMiB = process.resourceUsage().maxRSS / 1024;
  const hotSpots = profileFlag === '--profile' ? summarizeProfile(await profileOf(() => synthesize(size)), HOT_SPOTS) : undefined;
  const result: CaseMeasurement = {
    runMs,
    runCpuMs,
    objects: warmUp.length,
    kinds: kindCounts(warmUp),
    // maxRSS is in KiB and covers the whole process lifetime, warm-up included.
    peakRssMiB,
    hotSpots,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((error) => {
    process.stderr.write(`${error.stack ?? error}\n`);
    process.exitCode = 1;
  });
}
