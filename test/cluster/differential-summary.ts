// Prints what the differential runs of `npm run test:cluster` compared: scenarios and checkpoints, equal or not.
import { existsSync, readFileSync } from 'node:fs';

/** One scenario's result, as differential.ts appends it. */
export interface DifferentialResult {
  readonly scenario: string;
  readonly steps: number;
  readonly equal: boolean;
  readonly differences: readonly string[];
}

/** The summary lines of a report's results. */
export function summarizeDifferential(results: readonly DifferentialResult[]): string[] {
  const steps = results.reduce((sum, result) => sum + result.steps, 0);
  const different = results.filter((result) => !result.equal);
  return [
    `differential (sandbox vs real control plane): ${results.length} scenarios, ${steps} checkpoints compared; `
      + `${results.length - different.length} scenarios equal, ${different.length} different`,
    ...different.map((result) => `  different: ${result.scenario} (${result.differences.length} differences)`),
  ];
}

if (require.main === module) {
  const file = process.argv[2];
  const results = file && existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line)) : [];
  process.stdout.write(`${summarizeDifferential(results).join('\n')}\n`);
}
