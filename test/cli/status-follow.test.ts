// `status --watch` beside a running promotion: it follows the promotion to its end and exits as promote does.
import { RolloutKeys } from '../../src/keys';
import { connectCluster } from '../../src/runtime/cluster/kube-cluster';
import { decodePromotionState } from '../../src/runtime/promotion/promotion-state';
import { promoteStatefulSet } from '../../src/runtime/statefulset/partition-promotion';
import { RESOURCES } from '../../src/sandbox/api';
import { PodFailureMode } from '../../src/sandbox/controllers';
import { CliKit, startCliKit } from '../support/cli-kit';

jest.setTimeout(60_000);

let cli: CliKit;
afterEach(() => cli?.sandbox.stop());

async function promoteBeside(image: string, options: { autoRollback?: boolean; timeoutMs?: number } = {}) {
  cli = await startCliKit({ kubelet: { failureRules: [{ mode: PodFailureMode.IMAGE_PULL, image: 'kafka:bad' }] } });
  await cli.createStatefulSet('kafka', { replicas: 3, image: 'kafka:1', updateStrategy: 'rolling' });
  expect((await cli.stage(['stage', 'sts/kafka'])).code).toBe(0);
  cli.setImage('kafka', image);
  const { cluster } = await connectCluster({ kubeconfig: cli.sandbox.kubeconfigPath, env: {} });
  const clock = cli.runtimeClock;
  const workload = { kind: 'StatefulSet' as const, namespace: 'default', name: 'kafka' };
  const promotion = promoteStatefulSet({ cluster, clock, workload, plan: 'canary', soakMs: 60_000, holder: 'job/1/s/n', ...options });
  // The promoter has started: its state records step 1.
  const state = () => decodePromotionState(cli.sandbox.api.get(RESOURCES.statefulSets, 'default', 'kafka')?.metadata.annotations?.[RolloutKeys.STATE_ANNOTATION], 'kafka');
  await cli.runUntil(() => state()?.step === 1);
  const status = await cli.stage(['status', 'sts/kafka', '--watch']);
  return { status, outcome: await promotion };
}

test('a successful promotion is followed through its soaking steps to complete: exit 0, no promote advised', async () => {
  const { status, outcome } = await promoteBeside('kafka:2');
  expect(outcome.phase).toBe('complete');
  expect(status.code).toBe(0);
  const lines = status.stdout.trim().split('\n');
  expect(lines.some((line) => /step 1 of 2 complete: .*promotion in progress by job\/1\/s\/n: step 1 soaking since/.test(line))).toBe(true);
  expect(lines[lines.length - 1]).toMatch(/^statefulset\/kafka: rollout complete: 3 of 3 pods on revision kafka-\w+, Ready and Available$/);
  expect(status.stdout).not.toContain('promote to');
});

test('a promotion rolled back is followed to its end: exit 2, as promote exits', async () => {
  const { status, outcome } = await promoteBeside('kafka:bad', { autoRollback: true, timeoutMs: 120_000 });
  expect(outcome.phase).toBe('rolled-back');
  expect(status.code).toBe(2);
});
