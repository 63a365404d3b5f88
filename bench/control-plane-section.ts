// The real control plane's figures (issue 11): §2's promotion walks, a DaemonSet node canary over 1,000 kwok nodes and
// §3's hundred StatefulSets, on kube-apiserver, kube-controller-manager, kube-scheduler, etcd and kwok built by
// `npm run cluster:build`; and the control plane's own start-up time and memory. Skipped, with one line saying so,
// when the binaries are not built: `npm run bench` needs no Go.
import * as path from 'path';
import { ComponentMemory, describeMemory } from './control-plane-memory';
import { DaemonSetCanaryMeasurement } from './kube-daemonset';
import { KubePromotionMeasurement } from './kube-promotion';
import { KubeScaleMeasurement } from './kube-scale';
import { median, runChild } from './measure';
import { KUBELET_DELAYS } from './promotion';
import { meanRequests, PROMOTION_TABLE_HEADER, promotionRow, REACTION_TARGET_MS, WALKS } from './promotion-section';
import { BenchSection, RunOptions, SectionResult } from './section';
import { findControlPlaneBinaries } from '../src/control-plane/binaries';

const HEADING = '## 5. Real control plane (issue 11)';

/** The sizes of the full run and of `--quick`. */
const SIZES = {
  full: { walks: WALKS, daemonSet: { nodes: 1000, plan: 'canary,10%,50%,100%' }, scale: { statefulSets: 100, replicas: 10, plan: '10,9,5,0' } },
  quick: {
    walks: WALKS.slice(0, 1).map((w) => ({ ...w, oursRuns: 1 })),
    daemonSet: { nodes: 50, plan: 'canary,10%,50%,100%' },
    scale: { statefulSets: 10, replicas: 3, plan: '3,2,0' },
  },
};

/** The part of results.md a run without the control plane's binaries writes: the heading and why it was skipped. */
export function skippedMarkdown(reason: string): string {
  return `${HEADING}\n\nSkipped: ${reason}\n`;
}

function memoryRow(what: string, memories: readonly ComponentMemory[]): string {
  return `| ${what} | ${describeMemory(memories)} |`;
}

/** The real-control-plane benchmark. */
export const controlPlaneSection: BenchSection = {
  name: 'control-plane',
  async run(options: RunOptions): Promise<SectionResult> {
    let binDir: string;
    try {
      binDir = path.dirname(findControlPlaneBinaries().etcd);
    } catch (error) {
      process.stderr.write(`control-plane: skipped: ${(error as Error).message}\n`);
      return { markdown: skippedMarkdown((error as Error).message), verdicts: [] };
    }
    const sizes = options.quick ? SIZES.quick : SIZES.full;
    const walks = sizes.walks.map((walk) => {
      const result = runChild<KubePromotionMeasurement>('kube-promotion.ts', [String(walk.replicas), walk.plan, String(walk.oursRuns), String(walk.loopRuns)]);
      process.stderr.write(`control-plane: ${walk.name} done\n`);
      return { walk, result };
    });
    const ds = runChild<DaemonSetCanaryMeasurement>('kube-daemonset.ts', [String(sizes.daemonSet.nodes), sizes.daemonSet.plan]);
    process.stderr.write(`control-plane: DaemonSet canary over ${ds.nodes} nodes done\n`);
    const scale = runChild<KubeScaleMeasurement>('kube-scale.ts', [String(sizes.scale.statefulSets), String(sizes.scale.replicas), sizes.scale.plan]);
    process.stderr.write(`control-plane: ${scale.statefulSets} StatefulSets done\n`);

    const rows = walks.flatMap(({ walk, result }) => result.sides.map((m) => promotionRow(walk.name, m, result.sides[0])));
    const requestLines = walks.map(({ walk, result }) => {
      const [ours, , poll] = result.sides;
      return `${walk.name}: ours ${meanRequests(ours).total.toFixed(0)}, the 2 s polling loop ${meanRequests(poll).total.toFixed(0)}`;
    });
    const startups = walks.map(({ result }) => (result.startupMs / 1000).toFixed(1));
    const markdown = `${HEADING}

- Binaries: ${binDir} (kube-apiserver, kube-controller-manager, kube-scheduler and kubectl
  ${walks[0]?.result.kubectl ?? ''}, etcd, kwok; \`npm run cluster:build\`). Each case starts its own control plane with
  \`startKubeCluster\` (pods on kwok nodes: image pull ${KUBELET_DELAYS.imagePullMs} ms, start ${KUBELET_DELAYS.containerStartMs} ms, termination ${KUBELET_DELAYS.terminationMs} ms, as §2) and stops it after.
- Targets: issue 11 sets none for these figures; issue 6's targets (reaction < ${REACTION_TARGET_MS} ms median, fewer requests
  than the polling loop) were set for the sandbox and are shown for comparison, not checked.

### 5a. Promotion latency and API requests on kube-apiserver

Method as §2, with the real StatefulSet controller and kwok pods: one control plane per walk size, a fresh staged
StatefulSet per run (its new template written and observed by the controller before the walk starts), every side
through the counting proxy, the loops with the kubectl of the control plane's release. The recorder is fed by two
API watches instead of the sandbox's store, so both ends of a reaction are when their watch events reached the
bench process (each carries the same delivery delay).

${PROMOTION_TABLE_HEADER}
${rows.join('\n')}

Requests per walk: ${requestLines.join('; ')}.

### 5b. DaemonSet node canary over ${ds.nodes} kwok nodes

A DaemonSet (RollingUpdate, maxUnavailable 10%, so 10% of the nodes at a time) Ready on every node, staged as
\`kubectl-stage stage\` does (OnDelete, strategy recorded), \`app:2\` set, then \`promoteDaemonSet\` along
\`${ds.plan}\` until every node runs the new pod.

| nodes | plan | outcome | steps | promotion (wall) | CPU of our process | API requests | peak RSS of our process | DaemonSet's first roll-out by the controller |
|---:|---|---|---:|---:|---:|---:|---:|---:|
| ${ds.nodes} | \`${ds.plan}\` | ${ds.phase} | ${ds.steps} | ${(ds.wallMs / 1000).toFixed(1)} s | ${(ds.cpuMs / 1000).toFixed(1)} s | ${ds.apiRequests} | ${ds.peakRssMiB.toFixed(0)} MiB | ${(ds.firstRolloutMs / 1000).toFixed(1)} s |

### 5c. Scale: ${scale.statefulSets} StatefulSets promoted by one process

As §3 (staged, Ready, \`app:2\` on all, one \`promoteStatefulSet\` each started at once over one connection), on the
real control plane. The API server runs in other processes here, so CPU and peak RSS are our process's own (runtime,
client-node, the launcher and ts-node).

| StatefulSets × replicas | plan | complete | wall | CPU of our process | API requests | peak RSS of our process |
|---|---|---:|---:|---:|---:|---:|
| ${scale.statefulSets} × ${scale.replicas} | \`${scale.plan}\` | ${scale.completed}/${scale.statefulSets} | ${(scale.wallMs / 1000).toFixed(1)} s | ${(scale.cpuMs / 1000).toFixed(1)} s | ${scale.apiRequests} (${(scale.apiRequests / scale.statefulSets).toFixed(0)} per StatefulSet) | ${scale.peakRssMiB.toFixed(0)} MiB |

### 5d. The control plane itself

Start-up is \`startKubeCluster\` from the call until it resolves (etcd healthy, kube-apiserver ready, every node
Ready, the default ServiceAccount there). Memory is each component's VmRSS (/proc/PID/status), in MiB.

| start-up | time |
|---|---:|
| 3 nodes (each of §5a's control planes) | ${startups.join(' s, ')} s (median ${(median(walks.map(({ result }) => result.startupMs)) / 1000).toFixed(1)} s) |
| ${scale.nodes} nodes (§5c) | ${(scale.startupMs / 1000).toFixed(1)} s |
| ${ds.nodes} nodes (§5b; nodes registered one by one) | ${(ds.startupMs / 1000).toFixed(1)} s |

| memory (VmRSS) | by component |
|---|---|
${memoryRow('idle, 3 nodes, right after start-up', walks[0].result.idleMemory)}
${walks.map(({ walk, result }) => memoryRow(`after the ${walk.name} runs`, result.loadedMemory)).join('\n')}
${memoryRow(`after the DaemonSet canary (${ds.nodes} nodes, ${ds.nodes} pods)`, ds.memory)}
${memoryRow(`after ${scale.statefulSets} StatefulSets × ${scale.replicas} (${scale.statefulSets * scale.replicas} pods)`, scale.memory)}
`;
    return { markdown, verdicts: [] };
  },
};
