// The second half of `npm run example`: loads the synthesized blog app into a sandbox on virtual time and walks a
// Kafka release through a canary plan with kubectl-stage, exactly as a user would on a cluster, then shows a bad
// release failing its canary step (the canary cannot pull its image) and rolled back automatically.
import * as fs from 'fs';
import * as path from 'path';
import { run } from '../src/cli/main';
import { RolloutKeys } from '../src/keys';
import { runtimeClockOf } from '../src/rehearsal/virtual-runtime-clock';
import { KubeObject, parseManifests, RESOURCES, startSandbox, VirtualClock } from '../src/sandbox';
import type { Sandbox } from '../src/sandbox';

/** What the rehearsal prints, line by line. */
export type Print = (text: string) => void;

/**
 * The exit codes the rehearsal's commands end with: every command succeeds but the bad release's promotion, which
 * ends rolled back (exit 2).
 */
export const EXPECTED_EXIT_CODES: readonly number[] = [0, 0, 0, 0, 0, 0, 2, 0, 0];

/** The commands of one rehearsal and their exit codes, in order. */
export interface RehearsalStep {
  readonly argv: readonly string[];
  readonly code: number;
}

/**
 * Loads every YAML file of `manifestDir` into a fresh sandbox, waits for the pods, then rehearses a good and a bad
 * Kafka release. Returns the kubectl-stage commands run and their exit codes.
 */
export async function rehearseStagedRollout(manifestDir: string, print: Print): Promise<RehearsalStep[]> {
  const sandbox = await startSandbox({ clock: 'virtual', nodes: 3 });
  const steps: RehearsalStep[] = [];
  try {
    for (const file of fs.readdirSync(manifestDir).filter((name) => name.endsWith('.yaml')).sort()) {
      for (const { object, type } of parseManifests(fs.readFileSync(path.join(manifestDir, file), 'utf8'), file)) {
        sandbox.api.create(type, object);
      }
    }
    print(`sandbox on ${sandbox.url} (virtual time), blog app applied from ${manifestDir}`);
    await sandbox.runUntil(() => readyPods(sandbox, 'kafka') === 3 && readyPods(sandbox, 'zk') === 3, { maxVirtualMs: 30 * 60_000 });
    const stage = async (...argv: string[]) => {
      steps.push({ argv, code: await kubectlStage(sandbox, argv, print) });
    };

    print('\n# A good release, staged, then promoted canary (kafka-2), then kafka-1, then kafka-0');
    await stage('stage', 'sts/kafka');
    await release(sandbox, 'apache/kafka:3.9.2', 'kafka 3.9.2');
    await stage('status', 'sts/kafka');
    await stage('plan', 'sts/kafka', '--plan', 'canary');
    await stage('promote', 'sts/kafka', '--plan', 'canary', '--all', '--soak', '2m');
    await stage('history', 'sts/kafka');

    print('\n# A bad release: the canary cannot pull its image, so its step fails and the update is rolled back');
    await stage('stage', 'sts/kafka');
    await release(sandbox, 'apache/kafka:bad', 'kafka bad build');
    await stage('promote', 'sts/kafka', '--plan', 'canary', '--all', '--soak', '2m', '--timeout', '10m', '--auto-rollback');
    await sandbox.runUntil(() => controllerCaughtUp(sandbox));
    await stage('status', 'sts/kafka');
    await stage('history', 'sts/kafka');
  } finally {
    await sandbox.stop();
  }
  return steps;
}

async function kubectlStage(sandbox: Sandbox, argv: string[], print: Print): Promise<number> {
  print(`\n$ kubectl-stage ${argv.join(' ')}`);
  const clock = runtimeClockOf(sandbox.clock as VirtualClock);
  const running = run(['--kubeconfig', sandbox.kubeconfigPath, ...argv], {
    stdout: (text) => print(text.replace(/\n$/, '')),
    stderr: (text) => print(text.replace(/\n$/, '')),
    isTTY: false,
    env: {},
    clock,
  });
  await sandbox.runUntil(running, { maxVirtualMs: 60 * 60_000 });
  const code = await running;
  print(`(exit ${code})`);
  return code;
}

// The release itself: what `kubectl set image` or a re-synthesized app would do to the template; then a moment for
// the controller to see it, as a user would wait before asking for the status.
async function release(sandbox: Sandbox, image: string, changeCause: string): Promise<void> {
  const kafka = kafkaStatefulSet(sandbox);
  kafka.spec.template.spec.containers[0].image = image;
  kafka.metadata.annotations = { ...kafka.metadata.annotations, [RolloutKeys.CHANGE_CAUSE_ANNOTATION]: changeCause };
  sandbox.api.update(RESOURCES.statefulSets, kafka);
  await sandbox.runUntil(() => controllerCaughtUp(sandbox));
}

function kafkaStatefulSet(sandbox: Sandbox): KubeObject {
  return sandbox.api.get(RESOURCES.statefulSets, 'default', 'kafka')!;
}

function controllerCaughtUp(sandbox: Sandbox): boolean {
  const kafka = kafkaStatefulSet(sandbox);
  return kafka.status?.observedGeneration === kafka.metadata.generation;
}

function readyPods(sandbox: Sandbox, app: string): number {
  const pods = sandbox.api.listView(RESOURCES.pods, { namespace: 'default', labelSelector: `app.kubernetes.io/instance=${app}` }).items;
  return pods.filter((pod) => (pod.status?.conditions ?? []).some((c: { type: string; status: string }) => c.type === 'Ready' && c.status === 'True')).length;
}
