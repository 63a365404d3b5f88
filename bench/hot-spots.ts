// Where a synthesis spends its CPU time: a sampling profile of one run (V8's inspector, in-process, so only the
// profiled code is sampled, not ts-node's start-up), summarized as self time per package and per function.
import { Profiler, Session } from 'inspector/promises';
import * as path from 'path';

/** A share of the profiled CPU time. */
export interface HotSpot {
  /** A package (`cdk8s`, `cdk8s-plus-28`, `src/` for ours, `bench/` for the baseline's own code) or a function. */
  readonly name: string;
  /** Percent of the sampled time spent in it (self time). */
  readonly percent: number;
}

/** The largest shares of one profile. */
export interface HotSpots {
  /** Self time per package, largest first. */
  readonly packages: HotSpot[];
  /** Self time per function, largest first. */
  readonly functions: HotSpot[];
}

const REPO_ROOT = path.resolve(__dirname, '..');

/** The package a script URL belongs to: its node_modules package, or the repository folder it is in. */
function packageOf(url: string, functionName: string): string {
  const module = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (module) {
    return module[1];
  }
  const file = url.replace(/^file:\/\//, '');
  if (file.startsWith(REPO_ROOT)) {
    return `${path.relative(REPO_ROOT, file).split(path.sep)[0]}/`;
  }
  // V8's pseudo-frames ("(garbage collector)", "(program)") have no URL; node's own modules start with node:.
  return file === '' ? functionName : 'node internals';
}

function largest(times: Map<string, number>, total: number, top: number): HotSpot[] {
  return [...times.entries()]
    .sort(([, a], [, b]) => b - a)
    .slice(0, top)
    .map(([name, time]) => ({ name, percent: (time / total) * 100 }));
}

/** The ids of the nodes called (directly or not) by `runSampled`, plus the garbage collector's. */
function sampledWork(profile: Profiler.Profile): Set<number> {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const work = new Set<number>();
  const visit = (id: number) => {
    work.add(id);
    byId.get(id)?.children?.forEach(visit);
  };
  for (const node of profile.nodes) {
    const name = node.callFrame.functionName;
    if (name === runSampled.name || name === '(garbage collector)') {
      visit(node.id);
    }
  }
  return work;
}

/**
 * Self time per package and per function of the work `profile` sampled (not the profiler's own start and
 * stop), the `top` largest of each.
 */
export function summarizeProfile(profile: Profiler.Profile, top: number): HotSpots {
  const selfTime = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  samples.forEach((id, i) => selfTime.set(id, (selfTime.get(id) ?? 0) + (deltas[i] ?? 0)));
  const work = sampledWork(profile);
  const packages = new Map<string, number>();
  const functions = new Map<string, number>();
  let total = 0;
  for (const node of profile.nodes) {
    const time = selfTime.get(node.id) ?? 0;
    if (time === 0 || !work.has(node.id)) {
      continue;
    }
    const { functionName, url, lineNumber } = node.callFrame;
    const owner = packageOf(url, functionName);
    const name = url === '' ? functionName : `${functionName || '(anonymous)'} (${owner} ${path.basename(url)}:${lineNumber + 1})`;
    packages.set(owner, (packages.get(owner) ?? 0) + time);
    functions.set(name, (functions.get(name) ?? 0) + time);
    total += time;
  }
  return { packages: largest(packages, total, top), functions: largest(functions, total, top) };
}

/** The frame that marks the profiled work in the call tree; called once, so V8 does not inline it. */
function runSampled(work: () => void): void {
  work();
}

/**
 * Runs `work` under the sampling profiler and returns the profile; `samplingIntervalUs` apart, 100 µs by default
 * (a one-second synthesis yields ~10,000 samples; longer work can sample less often to keep the overhead down).
 */
export async function profileOf(work: () => void, samplingIntervalUs = 100): Promise<Profiler.Profile> {
  const session = new Session();
  session.connect();
  try {
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: samplingIntervalUs });
    await session.post('Profiler.start');
    runSampled(work);
    const { profile } = await session.post('Profiler.stop');
    return profile;
  } finally {
    session.disconnect();
  }
}
