// `promote` follows the promotion policy the workload declares (the annotations StatefulSetRollout.staged(plan,
// { soak, stepTimeout, autoRollback, approval }) writes, which kubectl-stage controller follows) where no flag says
// otherwise, and refuses, before any write, a policy annotation it cannot read.
import { RolloutKeys } from '../../src/keys';
import { PartitionPlan } from '../../src/partition-plan';
import { RESOURCES } from '../../src/sandbox/api';
import { allOn, CliKit, startCliKit } from '../support/cli-kit';
import { statefulSetManifest } from '../support/workload-manifests';

jest.setTimeout(60_000);

let cli: CliKit;
afterEach(() => cli?.sandbox.stop());

async function stagedKafka(annotations: Record<string, string>): Promise<void> {
  const manifest = statefulSetManifest('kafka', { replicas: 3, updateStrategy: 'staged', image: 'kafka:1' });
  cli.sandbox.api.create(RESOURCES.statefulSets, {
    ...manifest, metadata: { ...manifest.metadata, annotations: { [RolloutKeys.PLAN_ANNOTATION]: 'canary', ...annotations } },
  });
  await cli.runUntil(() => allOn(cli, 'kafka', 'kafka:1', 3));
  cli.setImage('kafka', 'kafka:2');
  await cli.runUntil(() => cli.statefulSet('kafka').status?.updateRevision !== cli.statefulSet('kafka').status?.currentRevision);
}

const soaks = () => cli.promotionState('kafka')!.gates.filter((record) => record.gate === 'soak').map((record) => record.message);

test('the declared soak is kept when --soak is not given, and --soak replaces it', async () => {
  cli = await startCliKit();
  await stagedKafka({ [RolloutKeys.SOAK_ANNOTATION]: '45s' });
  const declared = await cli.stage(['promote', 'sts/kafka', '--step']);
  expect(declared.code).toBe(0);
  const afterDeclared = soaks();
  expect(afterDeclared).toHaveLength(1);
  expect(afterDeclared[0]).toContain('45s');
  const flagged = await cli.stage(['promote', 'sts/kafka', '--soak', '0']);
  expect(flagged.code).toBe(0);
  // --soak 0: the last step had no soak at all.
  expect(soaks()).toHaveLength(1);
  expect(allOn(cli, 'kafka', 'kafka:2', 3)).toBe(true);
});

test('a policy annotation that cannot be read is refused in one line with exit code 4, nothing written', async () => {
  cli = await startCliKit();
  await stagedKafka({ [RolloutKeys.AUTO_ROLLBACK_ANNOTATION]: 'yes' });
  const result = await cli.stage(['promote', 'sts/kafka']);
  expect(result.code).toBe(4);
  expect(result.stderr).toBe('error: statefulset/kafka declares a promotion policy that is not valid: annotation staged-rollouts.io/auto-rollback has "yes": '
    + 'use true or false (StatefulSetRollout.staged(plan, { soak, stepTimeout, autoRollback, approval }) writes valid ones)\n');
  expect(cli.promotionState('kafka')).toBeUndefined();
  expect(cli.statefulSet('kafka').spec.updateStrategy?.rollingUpdate?.partition).toBe(PartitionPlan.STAGED_PARTITION);
});
