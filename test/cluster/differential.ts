// Runs one scenario on the sandbox and on the real control plane and compares their traces. The scenario makes its
// own assertions on each engine (what a user must see); the comparison then proves the sandbox behaved as upstream
// Kubernetes did, step by step. Each run appends its result to the differential report that the closing summary reads.
import { appendFileSync } from 'node:fs';
import { Engine, ScenarioCluster, ScenarioClusterOptions, startScenarioCluster } from '../support/scenario-cluster';
import { ScenarioTrace, traceDifferences } from '../support/scenario-trace';

/** A scenario: drives the cluster and records checkpoints. */
export type Scenario = (cluster: ScenarioCluster, trace: ScenarioTrace) => Promise<void>;

/** Where each differential result is appended (one JSON line per scenario), when set. */
const REPORT = process.env.DIFFERENTIAL_REPORT;

async function runOn(engine: Engine, options: ScenarioClusterOptions, scenario: Scenario): Promise<ScenarioTrace> {
  const cluster = await startScenarioCluster(engine, options);
  const trace = new ScenarioTrace();
  try {
    await scenario(cluster, trace);
  } catch (error) {
    throw new Error(`on the ${engine} engine: ${(error as Error).stack ?? error}`);
  } finally {
    await cluster.stop();
  }
  return trace;
}

/** The engines to run on (`SCENARIO_ENGINES=kube` runs one, to iterate on a scenario): both by default. */
const ENGINES = (process.env.SCENARIO_ENGINES ?? 'sandbox,kube').split(',') as Engine[];

/** Defines a test that runs `scenario` on both engines and requires equal traces. */
export function differentialTest(name: string, options: ScenarioClusterOptions, scenario: Scenario, timeoutMs = 600_000): void {
  test(name, async () => {
    const traces = new Map<Engine, ScenarioTrace>();
    for (const engine of ENGINES) {
      traces.set(engine, await runOn(engine, options, scenario));
    }
    const [sandbox, kube] = [traces.get('sandbox'), traces.get('kube')];
    if (!sandbox || !kube) {
      return;
    }
    const differences = traceDifferences(sandbox, kube);
    if (REPORT) {
      appendFileSync(REPORT, JSON.stringify({ scenario: name, steps: kube.steps.length, equal: differences.length === 0, differences }) + '\n');
    }
    expect(differences).toEqual([]);
  }, timeoutMs);
}
