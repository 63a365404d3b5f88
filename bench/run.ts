// `npm run bench` (issues 6, 11, 16 and 17): runs every benchmark, prints the results and writes bench/results.md.
// `--quick` runs fewer sizes and repetitions and does not write results.md; `--only=<name>[,<name>]` runs
// just those benchmarks (results.md is then not written either, so it always holds a complete run).
import * as fs from 'fs';
import * as path from 'path';
import { cliStartupSection } from './cli-startup-section';
import { controlPlaneSection } from './control-plane-section';
import { controllerSection } from './controller-section';
import { kubectlGetSection } from './kubectl-get-section';
import { loadAverage, machineDescription } from './machine';
import { promotionSection } from './promotion-section';
import { rehearseSection } from './rehearse-section';
import { sandboxRolloutSection } from './sandbox-rollout-section';
import { scaleSection } from './scale-section';
import { BenchSection, SectionResult, TargetVerdict } from './section';
import { synthCostSection } from './synth-cost-section';

/** Every benchmark, in the order results.md lists them. */
const SECTIONS: readonly BenchSection[] = [
  synthCostSection, promotionSection, scaleSection, sandboxRolloutSection, kubectlGetSection, controlPlaneSection, rehearseSection, cliStartupSection,
  controllerSection,
];

function verdictLines(verdicts: readonly TargetVerdict[]): string {
  return verdicts.length === 0
    ? '- None checked: the targets apply to the full sizes (run without --quick).'
    : verdicts.map((v) => `- ${v.met ? 'Met' : 'Missed'}: ${v.text}`).join('\n');
}

/** One benchmark's result and how long it ran. */
interface TimedResult {
  readonly name: string;
  readonly result: SectionResult;
  readonly seconds: number;
}

function resultsMarkdown(timed: readonly TimedResult[], startedAt: Date, loadAtStart: string, seconds: number): string {
  const results = timed.map((t) => t.result);
  const verdicts = results.flatMap((r) => r.verdicts);
  return `# Benchmark results (issues 6, 11, 16 and 17)

- Machine: ${machineDescription()}; load average ${loadAtStart} at the start and ${loadAverage()} at the end (1/5/15 min)
- Date: ${startedAt.toISOString()}; the whole run took ${seconds.toFixed(0)} s (${timed.map((t) => `${t.name} ${t.seconds.toFixed(0)} s`).join(', ')})
- Reproduce: \`npm run bench\` (or \`npx ts-node --project bench/tsconfig.json bench/run.ts\`; \`--quick\` for a smoke
  run, \`--only=synth-cost,sandbox-rollout\` for some benchmarks; neither writes this file). §5 needs the control
  plane's binaries (\`npm run cluster:build\`, Go) and is skipped without them

## Targets

${verdictLines(verdicts)}

${results.map((r) => r.markdown.trim()).join('\n\n')}
`;
}

async function main(argv: string[]): Promise<void> {
  const quick = argv.includes('--quick');
  const only = argv.find((a) => a.startsWith('--only='))?.slice('--only='.length).split(',');
  const unknown = only?.filter((name) => !SECTIONS.some((s) => s.name === name)) ?? [];
  if (unknown.length > 0) {
    throw new Error(`--only: ${unknown.join(', ')} is not a benchmark; valid: ${SECTIONS.map((s) => s.name).join(', ')}`);
  }
  const startedAt = new Date();
  const loadAtStart = loadAverage();
  const timed: TimedResult[] = [];
  for (const section of SECTIONS.filter((s) => !only || only.includes(s.name))) {
    const start = Date.now();
    const result = await section.run({ quick });
    timed.push({ name: section.name, result, seconds: (Date.now() - start) / 1000 });
  }
  const markdown = resultsMarkdown(timed, startedAt, loadAtStart, (Date.now() - startedAt.getTime()) / 1000);
  process.stdout.write(markdown);
  if (!quick && !only) {
    fs.writeFileSync(path.join(__dirname, 'results.md'), markdown);
  }
}

main(process.argv.slice(2)).catch((error) => {
  process.stderr.write(`${error.stack ?? error}\n`);
  process.exitCode = 1;
});
