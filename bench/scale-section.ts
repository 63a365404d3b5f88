// Scale (issue 6): one runtime process promoting 100 StatefulSets of 10 replicas at once, and one StatefulSet of
// 1,000 replicas, on the real-clock sandbox with short kubelet delays.
import { runChild } from './measure';
import { ScaleMeasurement } from './scale';
import { BenchSection, RunOptions, SectionResult } from './section';

const FULL_CASES = [
  { statefulSets: 100, replicas: 10, plan: '10,9,5,0' },
  { statefulSets: 1, replicas: 1000, plan: '1000,999,990,900,500,0' },
];
const QUICK_CASES = [{ statefulSets: 10, replicas: 10, plan: '10,9,5,0' }];

function row(m: ScaleMeasurement): string {
  return `| ${m.statefulSets} × ${m.replicas} | \`${m.plan}\` | ${m.completed}/${m.statefulSets} | ${(m.wallMs / 1000).toFixed(1)} s | `
    + `${(m.cpuMs / 1000).toFixed(1)} s | ${m.apiRequests} (${(m.apiRequests / m.statefulSets).toFixed(0)} per StatefulSet) | `
    + `${m.peakRssMiB.toFixed(0)} MiB |`;
}

/** The scale benchmark. */
export const scaleSection: BenchSection = {
  name: 'scale',
  async run(options: RunOptions): Promise<SectionResult> {
    const results = (options.quick ? QUICK_CASES : FULL_CASES).map((c) => {
      const result = runChild<ScaleMeasurement>('scale.ts', [String(c.statefulSets), String(c.replicas), c.plan]);
      process.stderr.write(`scale: ${c.statefulSets} × ${c.replicas} done\n`);
      return result;
    });
    const verdicts = results.map((m) => ({
      met: m.completed === m.statefulSets,
      text: `scale ${m.statefulSets} × ${m.replicas}: ${m.completed}/${m.statefulSets} promotions complete (target: all)`,
    }));
    const markdown = `## 3. Scale: one runtime process

- Method: \`startSandbox({ clock: 'real' })\` with the short kubelet delays of §2, the StatefulSets staged
  (Parallel, maxUnavailable 10%) and Ready, \`app:2\` staged on all, then one \`promoteStatefulSet\` per
  StatefulSet started at once in this process, all over one client-node connection to the sandbox's HTTP
  server, until all of them end. The sandbox runs in the same process, so wall and CPU time and the peak RSS
  cover the runtime, client-node and the sandbox together. Requests are the engines' own counts (retries
  included). The virtual clock is not used here: with a hundred clients in flight, \`runUntil\` advanced
  virtual time past the promotions (24 virtual hours without completing): its idle rule sees only requests that
  reached the server, not those still queued in a client's HTTP agent (docs/sandbox.md).
- Target: every promotion completes.

| StatefulSets × replicas | plan | complete | wall | CPU | API requests | peak RSS |
|---|---|---:|---:|---:|---:|---:|
${results.map(row).join('\n')}
`;
    return { markdown, verdicts };
  },
};
