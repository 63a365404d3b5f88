// A normalized trace of a scenario: at each checkpoint, which pods exist, on which revision (by number, not hash:
// the engines may hash a template differently), Ready or not; the workloads' status counts; and what kubectl and
// kubectl-stage printed, with hashes, ages and addresses taken out. Two engines that behave alike give equal traces.
import { isReady } from './pod-readiness';
import type { ClusterSnapshot, CommandResult } from './scenario-cluster';


/** One checkpoint. */
export interface TraceStep {
  readonly label: string;
  readonly state: Record<string, unknown>;
}

/** The revision number of every ControllerRevision hash, per owner name. */
function revisionNumbers(snapshot: ClusterSnapshot): Map<string, number> {
  const numbers = new Map<string, number>();
  for (const revision of snapshot.controllerRevisions) {
    const hash = revision.metadata.labels?.['controller-revision-hash'] ?? revision.metadata.name.replace(/^.*-/, '');
    numbers.set(hash, Number(revision.revision));
    numbers.set(revision.metadata.name, Number(revision.revision));
  }
  return numbers;
}

/**
 * Replaces revision hashes (as `<name>-<hash>` or bare) with `r<number>`, and removes ages, IPs, uids and Lease holder
 * identities. A promoter's `step N: waiting for ...` lines are dropped: they narrate states that last one controller
 * sync on a real cluster (a pod deleted but not yet recreated, a partition written but not yet acted on), which the
 * sandbox's controllers pass within one virtual instant (docs/sandbox.md, known deviations).
 */
export function normalizeText(text: string, snapshot: ClusterSnapshot): string {
  const numbers = revisionNumbers(snapshot);
  let result = text;
  for (const [key, number] of [...numbers.entries()].sort((a, b) => b[0].length - a[0].length)) {
    result = result.split(key).join(`r${number}`);
  }
  for (const set of snapshot.daemonSets) {
    // A DaemonSet's pods are named <set>-<5 random characters>.
    result = result.replace(new RegExp(`\\b${set.metadata.name}-[a-z0-9]{5}(?![a-z0-9])`, 'g'), `${set.metadata.name}-<pod>`);
  }
  return mergeDeletions(result.split('\n').filter((line) => !/^step \d+: waiting\b/.test(line))).join('\n')
    .replace(/ {2,}/g, ' ')
    .replace(/\b[^\s/]+\/\d+\/[^\s/]+\/[0-9a-f]{8}(\.\d+)?\b/g, '<promoter>')
    .replace(/\b\d+(\.\d+)?(ms|s|m|h)\d*(s|m)?\b/g, '<duration>')
    .replace(/\b\d{1,3}(\.\d{1,3}){3}\b/g, '<ip>')
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<uid>')
    .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g, '<time>');
}

// A DaemonSet's pod by what identifies it across runs: `<set>@<node>` (its name ends in random characters).
function daemonPodKey(pod: any): string | undefined {
  const owner = (pod.metadata.ownerReferences ?? []).find((ref: any) => ref.controller && ref.kind === 'DaemonSet');
  return owner ? `${owner.name}@${pod.spec.nodeName}` : undefined;
}

/** JSON with object keys sorted: the sandbox keeps the writer's key order where upstream writes Go struct order. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, inner) => (inner && typeof inner === 'object' && !Array.isArray(inner)
    ? Object.fromEntries(Object.keys(inner).sort().map((key) => [key, inner[key]])) : inner));
}

/**
 * A DaemonSet canary's `step N: deleted ...` lines as one line per step, entries sorted: how a step's deletions are
 * batched depends on when each pod's events arrive (both engines keep within the budget), not on what is deleted.
 */
function mergeDeletions(lines: string[]): string[] {
  const byStep = new Map<string, string[]>();
  const merged: string[] = [];
  for (const line of lines) {
    const match = /^(step \d+): deleted (.*)$/.exec(line);
    if (!match) {
      merged.push(line);
    } else if (byStep.has(match[1])) {
      byStep.get(match[1])!.push(...match[2].split(', '));
    } else {
      byStep.set(match[1], match[2].split(', '));
      merged.push(`${match[1]}: deleted <${match[1]}>`);
    }
  }
  return merged.map((line) => line.replace(/^(step \d+): deleted <step \d+>$/, (_all, step) => `${step}: deleted ${
    byStep.get(step)!.sort((a, b) => a.localeCompare(b, 'en', { numeric: true })).join(', ')}`));
}

/** The state a checkpoint records, from a snapshot. */
export function normalizedState(snapshot: ClusterSnapshot): Record<string, unknown> {
  const numbers = revisionNumbers(snapshot);
  const revision = (hash: string | undefined) => (hash === undefined ? undefined : numbers.get(hash) ?? `unknown:${hash}`);
  return {
    pods: snapshot.pods.filter((pod) => !pod.metadata.deletionTimestamp).map((pod) => ({
      name: daemonPodKey(pod) ?? pod.metadata.name,
      revision: revision(pod.metadata.labels?.['controller-revision-hash']),
      ready: isReady(pod),
      image: pod.spec.containers[0].image,
      waiting: (pod.status?.containerStatuses ?? []).map((status: any) => status.state?.waiting?.reason).filter(Boolean)[0],
    })).sort((a, b) => a.name.localeCompare(b.name, 'en', { numeric: true })),
    statefulSets: snapshot.statefulSets.map((set) => ({
      name: set.metadata.name,
      partition: set.spec.updateStrategy?.rollingUpdate?.partition,
      strategy: set.spec.updateStrategy?.type,
      replicas: set.status?.replicas ?? 0,
      readyReplicas: set.status?.readyReplicas ?? 0,
      currentReplicas: set.status?.currentReplicas ?? 0,
      updatedReplicas: set.status?.updatedReplicas ?? 0,
      availableReplicas: set.status?.availableReplicas ?? 0,
      currentRevision: revision(set.status?.currentRevision),
      updateRevision: revision(set.status?.updateRevision),
    })),
    daemonSets: snapshot.daemonSets.map((set) => ({
      name: set.metadata.name,
      strategy: set.spec.updateStrategy?.type,
      desired: set.status?.desiredNumberScheduled ?? 0,
      current: set.status?.currentNumberScheduled ?? 0,
      updated: set.status?.updatedNumberScheduled ?? 0,
      ready: set.status?.numberReady ?? 0,
      available: set.status?.numberAvailable ?? 0,
    })),
  };
}

function isCommandResult(value: object): value is CommandResult {
  return 'code' in value && 'stdout' in value && 'stderr' in value;
}

function normalizeOutput(value: CommandResult | string | object, snapshot: ClusterSnapshot): unknown {
  if (typeof value === 'string') {
    return normalizeText(value, snapshot);
  }
  return isCommandResult(value)
    ? { code: value.code, stdout: normalizeText(value.stdout, snapshot), stderr: normalizeText(value.stderr, snapshot) }
    : value;
}

/** Records checkpoints. */
export class ScenarioTrace {
  public readonly steps: TraceStep[] = [];

  /** Records the state of `snapshot`, with command outputs normalized against it. */
  public record(label: string, snapshot: ClusterSnapshot, outputs: Record<string, CommandResult | string | object> = {}): void {
    const texts = Object.fromEntries(Object.entries(outputs).map(([key, value]) => [key, normalizeOutput(value, snapshot)]));
    this.steps.push({ label, state: { ...normalizedState(snapshot), ...texts } });
  }
}

/** The differences between two traces, one line each (empty when equal). */
export function traceDifferences(a: ScenarioTrace, b: ScenarioTrace): string[] {
  const differences: string[] = [];
  const length = Math.max(a.steps.length, b.steps.length);
  for (let index = 0; index < length; index++) {
    const left = a.steps[index];
    const right = b.steps[index];
    if (!left || !right || left.label !== right.label) {
      differences.push(`step ${index}: ${left?.label ?? '(none)'} vs ${right?.label ?? '(none)'}`);
      continue;
    }
    for (const key of new Set([...Object.keys(left.state), ...Object.keys(right.state)])) {
      const l = canonicalJson(left.state[key]);
      const r = canonicalJson(right.state[key]);
      if (l !== r) {
        differences.push(`${left.label} / ${key}:\n  sandbox: ${l}\n  kube:    ${r}`);
      }
    }
  }
  return differences;
}
