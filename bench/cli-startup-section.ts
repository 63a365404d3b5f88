// CLI start-up benchmark section (issue 16): kubectl-stage's `--help` and `status` against kubectl's own, paired runs.
import { CliStartupMeasurement, CommandRuns } from './cli-startup';
import { median, runChild } from './measure';
import { BenchSection, RunOptions, SectionResult, TargetVerdict } from './section';

/** Issue 16's target: kubectl-stage within this factor of kubectl's CPU time for the same kind of command. */
export const STARTUP_FACTOR = 1.5;

function row(runs: CommandRuns, reference?: CommandRuns): string {
  const ratio = reference ? `${(median(runs.cpuMs) / median(reference.cpuMs)).toFixed(2)}x` : '';
  return `| ${runs.label} | ${median(runs.wallMs).toFixed(0)} ms | ${median(runs.cpuMs).toFixed(0)} ms | ${ratio} |`;
}

/** A variant's rows: with the code cache a run before wrote, then, for a published one, without. */
function variantRows(v: CliStartupMeasurement['variants'][number], m: CliStartupMeasurement): string[] {
  return [
    row(v.help, m.kubectlHelp), row(v.status, m.kubectlStatus),
    ...(v.firstRun ? [row(v.firstRun.help, m.kubectlHelp), row(v.firstRun.status, m.kubectlStatus)] : []),
  ];
}

function verdict(runs: CommandRuns, reference: CommandRuns): TargetVerdict {
  const factor = median(runs.cpuMs) / median(reference.cpuMs);
  return {
    met: factor <= STARTUP_FACTOR,
    text: `\`${runs.label}\`: ${median(runs.cpuMs).toFixed(0)} ms CPU median, ${factor.toFixed(2)}x \`${reference.label}\`'s `
      + `${median(reference.cpuMs).toFixed(0)} ms (target <= ${STARTUP_FACTOR}x)`,
  };
}

/** The CLI start-up benchmark. */
export const cliStartupSection: BenchSection = {
  name: 'cli-startup',
  async run(options: RunOptions): Promise<SectionResult> {
    const m = runChild<CliStartupMeasurement>('cli-startup.ts', [options.quick ? '5' : '30']);
    process.stderr.write('cli-startup: done\n');
    const verdicts = options.quick ? [] : m.variants.filter((v) => v.published)
      .flatMap((v) => [verdict(v.help, m.kubectlHelp), verdict(v.status, m.kubectlStatus)]);
    const markdown = `## 7. CLI start-up: \`kubectl-stage --help\` and \`status\` against kubectl's

- Method: ${m.kubectlHelp.cpuMs.length} rounds; each round runs every command below once, in turn, the order rotated
  every round, one process per run, output to /dev/null. CPU is the process's user + system time (with the children
  it waited for: the Google Cloud SDK's \`kubectl\` dispatcher execs \`kubectl.1.xx\`) from wait4(2), the figure a
  loaded machine does not inflate; wall time is start to exit. \`status\` and \`rollout status\` read a 3-replica
  StatefulSet, rolled out, from \`startSandbox({ clock: 'virtual' })\` over HTTP (kubectl ${m.kubectlVersion}, discovery
  cached after a warm-up run); the \`--help\` runs have no KUBECONFIG (with one set, the dispatcher's \`--help\` took
  about twice the CPU here).${m.skipped.length > 0 ? ` Not measured: ${m.skipped.join('; ')}.` : ''}
- Target (issue 16): kubectl-stage within ${STARTUP_FACTOR}x of kubectl's CPU time, \`--help\` against \`kubectl --help\`
  and \`status\` against \`kubectl rollout status --watch=false\`, for what users run: the npm bin and the single
  executable (the tsc output is not published; it is listed for comparison). \`node -e 0\` is what any Node program
  pays first.
- kubectl-stage's bin and single executable compile their bundles with a V8 code cache kept in the user's cache folder
  (src/cli/code-cache-store.ts), written by the first run: the warm-up runs write it (\`--help\` first), and the rows
  marked "first run" run with a cache folder that cannot be made, so each compiles everything and serializes its code
  as a first run after installing or upgrading does (less the file write). The target applies to the runs after it.

| command | wall median | CPU median | CPU vs kubectl |
|---|---:|---:|---:|
${row(m.node, m.kubectlHelp)}
${row(m.kubectlHelp)}
${row(m.kubectlStatus)}
${m.variants.flatMap((v) => variantRows(v, m)).join('\n')}
`;
    return { markdown, verdicts };
  },
};
