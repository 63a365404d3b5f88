// `kubectl get pods` over 1,000 pods (issue 6): the real kubectl and raw HTTP GETs against the sandbox's HTTP server.
import { KubectlGetMeasurement } from './kubectl-get';
import { median, percentile, runChild } from './measure';
import { BenchSection, RunOptions, SectionResult } from './section';

/** Issue 6's target for listing 1,000 pods, median wall time in ms. */
export const GET_TARGET_MS = 100;

function figures(values: number[]): string {
  return `${median(values).toFixed(1)} ms | ${percentile(values, 99).toFixed(1)} ms`;
}

/** The kubectl-get benchmark. */
export const kubectlGetSection: BenchSection = {
  name: 'kubectl-get',
  async run(options: RunOptions): Promise<SectionResult> {
    const pods = options.quick ? 100 : 1000;
    const m = runChild<KubectlGetMeasurement>('kubectl-get.ts', [String(pods), options.quick ? '3' : '15', options.quick ? '5' : '40']);
    process.stderr.write(`kubectl-get: ${pods} pods done\n`);
    const kubectlNet = median(m.kubectlMs) - median(m.kubectlStartupMs);
    const verdicts = pods >= 1000 ? [
      {
        met: median(m.kubectlAnswerMs) < GET_TARGET_MS,
        text: `the sandbox answers \`kubectl get pods\` (${pods} pods) in ${median(m.kubectlAnswerMs).toFixed(0)} ms median, as kubectl -v=6 `
          + `measures its request (target < ${GET_TARGET_MS} ms; the whole kubectl process takes ${median(m.kubectlMs).toFixed(0)} ms, `
          + `${median(m.kubectlStartupMs).toFixed(0)} ms of it kubectl's own start-up)`,
      },
      { met: median(m.tableMs) < GET_TARGET_MS, text: `raw Table GET (${pods} pods): ${median(m.tableMs).toFixed(0)} ms median wall, ${median(m.tableCpuMs).toFixed(0)} ms CPU (target < ${GET_TARGET_MS} ms)` },
    ] : [];
    const markdown = `## 4b. Sandbox: \`kubectl get pods\` over ${pods} pods

- Method: \`startSandbox({ clock: 'virtual' })\` serving a ${pods}-replica StatefulSet, all pods Running and Ready.
  \`kubectl get pods\` is the real binary (\`kubectl\` on PATH, ${m.kubectlVersion}; here the Google Cloud SDK's
  version dispatcher in front of it), one process per run, discovery cached after one warm-up run, ${m.kubectlMs.length} runs.
  \`kubectl version --client\` (no request) measures kubectl's own start-up. The raw GETs
  (\`/api/v1/namespaces/default/pods\`, ${m.tableMs.length} runs each) send kubectl's Table Accept header or plain
  \`application/json\`; their CPU column is this process's CPU time per request (server and client), which
  does not depend on the machine's load. p99 is nearest-rank, so with fewer than 100 runs it is the maximum.
  The same runs again with \`-v=6\` give kubectl's own measure of the sandbox's answer: the round trip of its
  pod-list request, which is what the sandbox controls.
- Target: the sandbox answers a \`kubectl get pods\` of ${pods} pods in < ${GET_TARGET_MS} ms.

| request | median | p99 | CPU median | response |
|---|---:|---:|---:|---:|
| \`kubectl get pods\` (whole process) | ${figures(m.kubectlMs)} | | ${pods} rows |
| \`kubectl get pods -v=6\`: the pod-list request's round trip, as kubectl logs it | ${figures(m.kubectlAnswerMs)} | | |
| \`kubectl version --client\` (start-up only) | ${figures(m.kubectlStartupMs)} | | |
| GET as Table | ${figures(m.tableMs)} | ${median(m.tableCpuMs).toFixed(1)} ms | ${(m.tableBytes / 1024).toFixed(0)} KiB |
| GET as JSON | ${figures(m.jsonMs)} | ${median(m.jsonCpuMs).toFixed(1)} ms | ${(m.jsonBytes / 1024).toFixed(0)} KiB |

kubectl's start-up accounts for ${median(m.kubectlStartupMs).toFixed(0)} ms of the ${median(m.kubectlMs).toFixed(0)} ms median; the
request, decoding and printing ${pods} rows take about ${kubectlNet.toFixed(0)} ms more. The server's part is the Table GET:
${median(m.tableMs).toFixed(0)} ms median wall and ${median(m.tableCpuMs).toFixed(0)} ms of CPU, and kubectl itself logs
${median(m.kubectlAnswerMs).toFixed(0)} ms for its request${median(m.kubectlAnswerMs) < GET_TARGET_MS
  ? `: within the ${GET_TARGET_MS} ms target` : `: above the ${GET_TARGET_MS} ms target`}. The whole process below ${GET_TARGET_MS} ms would
need a kubectl that starts in well under that, which the process measured here does not do on this machine (by hand,
with \`/usr/bin/time\` on an idle machine: the same \`get pods\` took about 310 ms through the dispatcher and 210 ms
calling \`kubectl.1.33\` directly).
`;
    return { markdown, verdicts };
  },
};
