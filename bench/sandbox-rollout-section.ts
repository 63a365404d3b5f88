// Sandbox benchmark (issue 6): a full RollingUpdate of 100 and 1,000-replica StatefulSets in process on the
// VirtualClock, each in a fresh process; a 300-replica rollout is profiled so the hot spots come with the figures.
import { runChild } from './measure';
import { SandboxRolloutMeasurement } from './sandbox-rollout';
import { BenchSection, RunOptions, SectionResult } from './section';

/** Issue 6's target for the 1,000-replica rollout, wall time in ms. */
export const ROLLOUT_TARGET_MS = 2000;
const FULL_SIZES = [100, 1000];
const QUICK_SIZES = [100];
/** The size profiled: large enough to show the per-sync cost, small enough not to double a long run. */
const PROFILED_SIZE = 300;

function row(m: SandboxRolloutMeasurement): string {
  const perPod = m.rolloutCpuMs / m.podsReplaced;
  return `| ${m.replicas} | ${m.createMs.toFixed(0)} ms | ${m.rolloutMs.toFixed(0)} ms | ${m.rolloutCpuMs.toFixed(0)} ms | `
    + `${perPod.toFixed(1)} ms | ${(m.rolloutVirtualMs / 1000).toFixed(0)} s | ${m.podsReplaced} |`;
}

/** The sandbox rollout benchmark. */
export const sandboxRolloutSection: BenchSection = {
  name: 'sandbox-rollout',
  async run(options: RunOptions): Promise<SectionResult> {
    const sizes = options.quick ? QUICK_SIZES : FULL_SIZES;
    const results = sizes.map((replicas) => {
      const result = runChild<SandboxRolloutMeasurement>('sandbox-rollout.ts', [String(replicas)]);
      process.stderr.write(`sandbox-rollout: ${replicas} replicas done\n`);
      return result;
    });
    const profiled = options.quick ? undefined : runChild<SandboxRolloutMeasurement>('sandbox-rollout.ts', [String(PROFILED_SIZE), '--profile']);
    const largest = results[results.length - 1];
    const verdicts = largest.replicas >= 1000
      ? [{ met: largest.rolloutMs < ROLLOUT_TARGET_MS, text: `sandbox: ${largest.replicas}-replica RollingUpdate ${(largest.rolloutMs / 1000).toFixed(1)} s wall (target < ${ROLLOUT_TARGET_MS / 1000} s)` }]
      : [];
    const perPodGrowth = (largest.rolloutCpuMs / largest.podsReplaced) / (results[0].rolloutCpuMs / results[0].podsReplaced);
    const growth = results.length > 1
      ? `From ${results[0].replicas} to ${largest.replicas} replicas the CPU time per replaced pod grows ${perPodGrowth.toFixed(1)}x: `
        + (perPodGrowth > 1.5
          ? 'part of each replacement costs time proportional to the replica count (every StatefulSet sync walks every '
            + 'pod, and a replacement causes several syncs: deletion, creation, binding, Running, Ready and the status '
            + 'write), so the rollout grows faster than linearly. '
          : 'the rollout grows about linearly with the replica count. ')
        + (largest.rolloutMs >= ROLLOUT_TARGET_MS
          ? `At ${largest.replicas} replicas the rollout needs ${(largest.rolloutCpuMs / 1000).toFixed(1)} s of CPU, above the `
            + `${ROLLOUT_TARGET_MS / 1000} s target even on an idle machine; the hot spots below say where it goes.`
          : '')
      : '';
    const hotSpots = profiled?.hotSpots
      ? `Hot spots of the ${PROFILED_SIZE}-replica rollout (self time): ${profiled.hotSpots.functions.map((f) => `${f.name} ${f.percent.toFixed(1)}%`).join('; ')}.`
      : '';
    const markdown = `## 4a. Sandbox: full RollingUpdate on the virtual clock

- Method: \`createSandboxApi\` + \`startControllers\` on a VirtualClock, nodes of 110 pods each, one
  StatefulSet (Parallel pod management, default RollingUpdate: maxUnavailable 1, partition 0) created and
  waited for, then its image changed; the clock advances timer by timer until the rollout is complete as
  \`kubectl rollout status\` defines it. Wall and CPU time of the rollout; one fresh process per size.
- Target: 1,000 replicas < ${ROLLOUT_TARGET_MS / 1000} s wall.

| replicas | create until Ready (wall) | rollout (wall) | rollout (CPU) | CPU per replaced pod | rollout (virtual) | pods replaced |
|---:|---:|---:|---:|---:|---:|---:|
${results.map(row).join('\n')}

${growth}
${hotSpots}
`;
    return { markdown, verdicts };
  },
};
