// Rehearsal benchmark section (issue 17): each case rehearsed in a fresh process, against the targets.
import { runChild } from './measure';
import { RehearsalCase, RehearsalMeasurement, REHEARSAL_CASES } from './rehearse';
import { BenchSection, SectionResult } from './section';

/** Issue 17's wall-time targets, in ms. */
export const REHEARSAL_TARGET_MS: Record<RehearsalCase, number> = { 'blog-app': 2000, 'statefulset-100': 5000 };

const DESCRIPTION: Record<RehearsalCase, string> = {
  'blog-app': '3-broker Kafka + 3-server ZooKeeper + node-exporter, 3 nodes, every image changed, the default plan (canary)',
  'statefulset-100': '100-replica StatefulSet, 3 nodes, plan canary,10%,50%,100%',
};

function row(m: RehearsalMeasurement): string {
  return `| ${DESCRIPTION[m.name]} | ${m.wallMs.toFixed(0)} ms | ${m.cpuMs.toFixed(0)} ms | ${(m.virtualMs / 1000).toFixed(0)} s | `
    + `${m.workloads} | ${m.steps} | ${m.succeeded ? 'yes' : 'no'} | ${REHEARSAL_TARGET_MS[m.name] / 1000} s |`;
}

/** The rehearsal benchmark: the same cases with or without --quick (each takes seconds). */
export const rehearseSection: BenchSection = {
  name: 'rehearse',
  async run(): Promise<SectionResult> {
    const results = REHEARSAL_CASES.map((name) => {
      const result = runChild<RehearsalMeasurement>('rehearse.ts', [name]);
      process.stderr.write(`rehearse: ${name} done\n`);
      return result;
    });
    const verdicts = results.map((m) => ({
      met: m.succeeded && m.wallMs < REHEARSAL_TARGET_MS[m.name],
      text: `rehearse: ${DESCRIPTION[m.name]} in ${(m.wallMs / 1000).toFixed(2)} s wall (target < ${REHEARSAL_TARGET_MS[m.name] / 1000} s)`
        + `${m.succeeded ? '' : ', but the rehearsal did not succeed'}`,
    }));
    const markdown = `## 6. Rehearsal: \`rehearse()\` from two releases to the report

- Method: \`rehearse({ from, to, ... })\` in a fresh process per case: the in-process sandbox started on a
  VirtualClock, the old release created and waited for, the new one applied staged and every changed workload promoted
  by its plan. Wall and CPU time of the whole call (Node's start-up and the synth excluded).
- Targets (issue 17): the blog app < 2 s wall, a 100-replica StatefulSet < 5 s wall.

| case | wall | CPU | simulated | workloads | steps | succeeded | target |
|---|---:|---:|---:|---:|---:|---|---:|
${results.map(row).join('\n')}
`;
    return { markdown, verdicts };
  },
};
