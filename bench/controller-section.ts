// Controller benchmark section (issue 14): one `kubectl-stage controller` promoting 100 and 1,000 StatefulSets that
// all change at once, against the CLI promoter on the same shape (bench/controller.ts measures; this renders).
import { ControllerMeasurement } from './controller';
import { median, percentile, runChild } from './measure';
import { RequestCounts } from './request-counter';
import { BenchSection, RunOptions, SectionResult } from './section';

/** A case: StatefulSets × replicas, the controller's `--max-concurrent` and how many CLI walks to compare with. */
interface ControllerCase {
  readonly statefulSets: number;
  readonly replicas: number;
  readonly maxConcurrent: number;
  readonly cliWalks: number;
}

// 1,000 StatefulSets of 3 replicas would take 7 to 15 minutes at the default concurrency here (100 took 44 to 88 s):
// 1,000 run with 1 replica (plan 1,0: one step each), which keeps the informer's 1,000 objects and the queue.
const FULL_CASES: readonly ControllerCase[] = [
  { statefulSets: 100, replicas: 3, maxConcurrent: 10, cliWalks: 3 },
  { statefulSets: 1000, replicas: 1, maxConcurrent: 10, cliWalks: 3 },
];
const QUICK_CASES: readonly ControllerCase[] = [{ statefulSets: 10, replicas: 3, maxConcurrent: 10, cliWalks: 1 }];

const VERBS = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'discovery'];

/** Requests per promotion by verb, `get 7.1, list 2.0, ...` (verbs never sent left out). */
function perPromotion(counts: readonly RequestCounts[], promotions: number): string {
  const total = (verb: string) => counts.reduce((sum, c) => sum + (c.byVerb[verb] ?? 0), 0) / promotions;
  const all = counts.reduce((sum, c) => sum + c.total, 0) / promotions;
  return `${all.toFixed(1)} (${VERBS.filter((verb) => total(verb) > 0).map((verb) => `${verb} ${total(verb).toFixed(1)}`).join(', ')})`;
}

/** `median / p99`, or `-` without samples (a one-step plan has no step after its first). */
function ms(values: number[]): string {
  const format = (v: number) => (v >= 10_000 ? `${(v / 1000).toFixed(1)} s` : `${v.toFixed(0)} ms`);
  return values.length === 0 ? '-' : `${format(median(values))} / ${format(percentile(values, 99))}`;
}

function rows(m: ControllerMeasurement): string[] {
  const shape = `${m.statefulSets} × ${m.replicas} (\`${m.plan}\`)`;
  return [
    `| ${shape} | controller, \`--max-concurrent ${m.maxConcurrent}\` | ${m.completed}/${m.statefulSets} in ${(m.allDoneMs / 1000).toFixed(1)} s | `
      + `${ms(m.firstWriteMs)} | ${ms(m.stepReactionMs)} | ${perPromotion([m.controllerRequests], m.statefulSets)} | `
      + `${m.memory.syncedHeapMiB.toFixed(0)} / ${m.memory.peakHeapMiB.toFixed(0)} MiB heap (baseline ${m.memory.baselineHeapMiB.toFixed(0)}); `
      + `peak RSS ${m.memory.peakRssMiB.toFixed(0)} MiB (baseline ${m.memory.baselineRssMiB.toFixed(0)}) | ${(m.memory.cpuMs / m.statefulSets).toFixed(0)} ms |`,
    `| ${shape} | CLI promoter, one at a time (${m.cliRequests.length} walks) | - | ${ms(m.cliFirstWriteMs)} | ${ms(m.cliStepReactionMs)} | `
      + `${perPromotion(m.cliRequests, m.cliRequests.length)} | - | - |`,
  ];
}

function delays(m: ControllerMeasurement): string {
  const d = m.memory.eventLoopDelayMs;
  const s = m.sandboxEventLoopDelayMs;
  return `${m.statefulSets} × ${m.replicas}: controller ${d.median.toFixed(0)} / ${d.p99.toFixed(0)} / ${d.max.toFixed(0)} ms, `
    + `sandbox ${s.median.toFixed(0)} / ${s.p99.toFixed(0)} / ${s.max.toFixed(0)} ms`;
}

/** The controller benchmark. */
export const controllerSection: BenchSection = {
  name: 'controller',
  async run(options: RunOptions): Promise<SectionResult> {
    const results = (options.quick ? QUICK_CASES : FULL_CASES).map((c) => {
      const result = runChild<ControllerMeasurement>('controller.ts', [c.statefulSets, c.replicas, c.maxConcurrent, c.cliWalks].map(String));
      process.stderr.write(`controller: ${c.statefulSets} × ${c.replicas} done\n`);
      return result;
    });
    const verdicts = results.map((m) => ({
      met: m.completed === m.statefulSets,
      text: `controller ${m.statefulSets} × ${m.replicas}: ${m.completed}/${m.statefulSets} promotions complete and staged again (target: all)`,
    }));
    const markdown = `## 8. Controller: one \`kubectl-stage controller\` promoting many StatefulSets at once (issue 14)

- Method: \`startSandbox({ clock: 'real' })\` with §2's short kubelet delays, N staged StatefulSets (Parallel,
  maxUnavailable 10%) annotated \`staged-rollouts.io/plan\` = the one-pod-per-step plan (\`3,2,1,0\`, §2's canary walk;
  \`1,0\` for one replica), soak 0, all Ready. One controller (\`ControllerProcess\`, what \`kubectl-stage controller
  -n default\` runs, without leader election, over client-node and the RetryingCluster the CLI uses) runs in a child
  process of its own, so its memory is its own, and reaches the sandbox through the counting proxy of §2. Once its
  cache has synced, every StatefulSet gets \`app:2\` at once; the run ends when every one walked to partition 0 and the
  controller staged it again. Then the controller is stopped and, on the same sandbox, the CLI promoter
  (\`promoteStatefulSet\` as \`kubectl-stage promote --plan\`, §2's "ours") walks a few of them to \`app:3\`, one at a time.
- Times are real time (\`performance.now()\`), read by an in-process watch on the sandbox's store, so both ends of each
  figure are the store's own: **first write** = from the store applying the StatefulSet controller's new
  \`status.updateRevision\` to its applying the promoter's first partition write (for the CLI: from the promoter's
  start, Node's start-up not included); **step reaction** = §2's reaction (the last pod a step waits for Ready on the
  new image, to the next partition write), every step but the first. Why not the virtual clock: a user wants the time
  from their change to the controller acting, CPU included, and with many clients in flight the virtual clock's idle
  rule runs ahead of requests still queued in a client (§3). Median / p99 (nearest rank).
- Requests: every request at the proxy from the change until the last StatefulSet was staged again, divided by N,
  by Kubernetes verb (each promotion lists and watches its StatefulSet and its pods, as the CLI's does; the controller's
  two informers add two lists and two watches for all N together; creates include the Lease and the Events of each
  promotion). The CLI column is per walk. Memory: heap used once the informer cache synced / the largest sampled every
  50 ms (garbage not yet collected included), and the process's peak RSS; the baseline (after loading every module and connecting, before the controller starts) holds
  ts-node and the TypeScript compiler the bench runs under, so the controller's share is what is above it. CPU is the
  controller process's user + system time divided by N.
- Target: every promotion completes. Not a latency target: with \`--max-concurrent 10\` (the default) the first write
  of the last StatefulSets waits for the ones before them, so its p99 is the queue, by design.

| StatefulSets × replicas (plan) | promoter | complete | first write median / p99 | step reaction median / p99 | requests per promotion (by verb) | controller memory | CPU per promotion |
|---|---|---|---:|---:|---|---|---:|
${results.flatMap(rows).join('\n')}

Event-loop delay while the controller walked (median / p99 / max): ${results.map(delays).join('; ')}. The controller and the
sandbox run on one machine with other jobs (load average in the header); the sandbox process also serves the
proxy and the kubelets of every pod, so its delay is part of every reaction above. While ten promotions run, each
request takes longer to answer than during a lone CLI walk: client-node 1.x opens a new TLS connection for every
request (a new \`https.Agent\` each time), so each pays a handshake in both processes. In a trial run with
\`--max-concurrent 40\` (40 × 3) requests took about 1 s at the controller and 0.5 s at the proxy (median), and the
step reaction grew to 4.7 s: a higher \`--max-concurrent\` does not finish sooner against a saturated API server.
`;
    return { markdown, verdicts };
  },
};
