// Promotion latency and API cost (issue 6): the 3-broker canary walk and the 100-replica 100, 99, 90, 50, 0 plan,
// our engine against the kubectl loops people script, on the same real-clock sandbox.
import { median, percentile, runChild } from './measure';
import { PromotionMeasurement, PromotionSide } from './promotion';
import { BenchSection, RunOptions, SectionResult, TargetVerdict } from './section';

/** Issue 6's reaction target: median ms from the last gating pod Ready to the next partition write. */
export const REACTION_TARGET_MS = 50;

/** The walks measured (on the sandbox here, on the real control plane in §5): the seed's canary walk of a 3-broker cluster and its 100-replica progression. */
export const WALKS = [
  { name: '3-broker canary walk', replicas: 3, plan: '3,2,1,0', oursRuns: 3, loopRuns: 1 },
  { name: '100 replicas, 100,99,90,50,0', replicas: 100, plan: '100,99,90,50,0', oursRuns: 1, loopRuns: 1 },
];

const SIDE_NAMES: Record<PromotionSide, string> = {
  'ours': '`promoteStatefulSet` (kubectl-stage promote)',
  'rollout-status': 'loop: `kubectl patch` + `kubectl rollout status`',
  'poll': 'loop: `kubectl patch` + `kubectl get` every 2 s',
};

/** The mean requests per run of one side's walks, by kind. */
export function meanRequests(m: PromotionMeasurement): { total: number; reads: number; writes: number; watches: number } {
  const mean = (pick: (r: PromotionMeasurement['requests'][number]) => number) => m.requests.reduce((sum, r) => sum + pick(r), 0) / m.requests.length;
  return { total: mean((r) => r.total), reads: mean((r) => r.reads), writes: mean((r) => r.writes), watches: mean((r) => r.watches) };
}

/** The header of the table {@link promotionRow} fills. */
export const PROMOTION_TABLE_HEADER = `| walk | side | reaction median | p99 | samples | walk (wall) | requests (reads / writes / watches) | 409s per run | reaction vs ours |
|---|---|---:|---:|---:|---:|---:|---:|---:|`;

/** One table row of §2 (and §5): a side's reaction, walk time, requests and 409s, and its reaction against ours. */
export function promotionRow(walk: string, m: PromotionMeasurement, ours: PromotionMeasurement): string {
  const requests = meanRequests(m);
  return `| ${walk} | ${SIDE_NAMES[m.side]} | ${median(m.reactionMs).toFixed(0)} ms | ${percentile(m.reactionMs, 99).toFixed(0)} ms | `
    + `${m.reactionMs.length} | ${(median(m.walkMs) / 1000).toFixed(1)} s | ${requests.total.toFixed(0)} (${requests.reads.toFixed(0)} / `
    + `${requests.writes.toFixed(0)} / ${requests.watches.toFixed(0)}) | ${m.side === 'ours' ? (m.conflicts.reduce((a, b) => a + b, 0) / m.conflicts.length).toFixed(1) : '-'} | `
    + `${(median(m.reactionMs) / median(ours.reactionMs)).toFixed(1)}x |`;
}

/** The promotion benchmark. */
export const promotionSection: BenchSection = {
  name: 'promotion',
  async run(options: RunOptions): Promise<SectionResult> {
    const walks = options.quick ? WALKS.slice(0, 1).map((w) => ({ ...w, oursRuns: 1 })) : WALKS;
    const rows: string[] = [];
    const verdicts: TargetVerdict[] = [];
    const models: string[] = [];
    for (const walk of walks) {
      const results = runChild<PromotionMeasurement[]>('promotion.ts', [String(walk.replicas), walk.plan, String(walk.oursRuns), String(walk.loopRuns)]);
      process.stderr.write(`promotion: ${walk.name} done\n`);
      const ours = results.find((r) => r.side === 'ours')!;
      const poll = results.find((r) => r.side === 'poll')!;
      rows.push(...results.map((m) => promotionRow(walk.name, m, ours)));
      const reaction = median(ours.reactionMs);
      verdicts.push({ met: reaction < REACTION_TARGET_MS, text: `promotion ${walk.name}: reaction ${reaction.toFixed(0)} ms median (target < ${REACTION_TARGET_MS} ms)` });
      const oursRequests = meanRequests(ours).total;
      const pollRequests = meanRequests(poll).total;
      verdicts.push({
        met: oursRequests < pollRequests,
        text: `promotion ${walk.name}: ${oursRequests.toFixed(0)} API requests against ${pollRequests.toFixed(0)} for the 2 s polling loop (target: fewer)`,
      });
      // The loop pays a patch and a get per step plus a get per 2 s of waiting; ours pays a fixed amount per walk.
      const steps = walk.plan.split(',').length - 1;
      const breakEvenSeconds = Math.max(0, (oursRequests - 2 * steps) * 2);
      models.push(`${walk.name}: ours ${oursRequests.toFixed(0)} requests whatever the wait; the loop ${steps} patches and ${steps} gets plus a get per 2 s of `
        + `waiting, so it makes more requests than ours once the walk waits more than about ${breakEvenSeconds.toFixed(0)} s in total `
        + `(here it waited ${(median(poll.walkMs) / 1000).toFixed(0)} s).`);
    }
    const markdown = `## 2. Promotion latency and API requests

- Method: one fresh \`startSandbox({ clock: 'real' })\` per run with short kubelet delays (image pull 100 ms, start
  300 ms, termination 100 ms: a pod is Ready about 0.4 s after it is created), a staged StatefulSet (Parallel,
  maxUnavailable 10% of the replicas) on \`app:1\`, then \`app:2\` staged. Each side walks the plan to partition 0:
  ours is \`promoteStatefulSet\` over client-node (as \`kubectl-stage promote --plan\`, soak 0); the loops are
  \`bench/baselines/kubectl-walk.sh\` with the real kubectl (discovery cache warm). Every side reaches the
  sandbox through a counting proxy (\`bench/request-counter.ts\`), so requests are counted on the wire, discovery
  and watches included. Reaction = when the store applied a partition write minus when the last pod of the
  previous step turned Ready on the new image, both seen by an in-process watch on the store (the first write
  starts the walk and has no reaction). p99 is nearest-rank (the maximum for fewer than 100 samples).
- Targets: reaction < ${REACTION_TARGET_MS} ms median (a watch round trip, not a poll interval); fewer API requests than the
  polling loop.

${PROMOTION_TABLE_HEADER}
${rows.join('\n')}

What a reaction is made of: ours gets the last pod's Ready status as a watch event, decides in process and sends
one PATCH (partition and state annotation, with the StatefulSet's resourceVersion as precondition). When the
StatefulSet controller has written its status (readyReplicas) in between, which it does right after the last
pod turns Ready, the PATCH is refused with 409 and the engine writes again on the fresh object: the 409s
column counts those extra round trips, which are part of the reaction times above. The loops pay a kubectl process start (about a second here, see §4b) per command, plus up to 2 s
of sleep for the polling one. All reactions are wall time on a machine shared with other jobs (load average
in the header), so every hop is slower than on an idle machine.

Requests depend on how long the steps wait: ${models.join(' ')}
`;
    return { markdown, verdicts };
  },
};
