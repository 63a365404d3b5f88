// A GitOps tool re-applying the synthesized manifest in the middle of a promotion, played with the real kubectl
// against the sandbox: server-side (`kubectl apply --server-side`, as Argo CD's ServerSideApply=true and Flux apply)
// and client-side (`kubectl apply`, Argo CD's default). With PartitionOwner.PROMOTER the manifest leaves the
// partition out, and neither apply moves it; with PartitionOwner.MANIFEST the manifest's pin fights the promoter.
import { PartitionPlan } from '../../src/partition-plan';
import { ManagedFieldsEntry, RESOURCES } from '../../src/sandbox/api';
import { PartitionOwner, StatefulSetRollout } from '../../src/statefulset-rollout';
import { allOn, CliKit, startCliKit } from '../support/cli-kit';
import { CommandResult } from '../support/kubectl-stage-run';
import { kubectl } from '../support/sandbox-clients';
import { statefulSetManifest } from '../support/workload-manifests';

jest.setTimeout(60_000);

/** The StatefulSet as the constructs synthesize its rollout: `kafka`, 3 replicas, plan canary. */
function manifest(image: string, partitionOwner: PartitionOwner): string {
  const rollout = StatefulSetRollout.staged(PartitionPlan.canary(), { partitionOwner });
  const sts = statefulSetManifest('kafka', { replicas: 3, image, spec: JSON.parse(JSON.stringify(rollout._toSpec(3))) });
  return JSON.stringify({ ...sts, metadata: { ...sts.metadata, annotations: rollout._annotations() } });
}

let cli: CliKit;
beforeEach(async () => {
  cli = await startCliKit();
});
afterEach(() => cli.sandbox.stop());

const live = () => cli.sandbox.api.get(RESOURCES.statefulSets, 'default', 'kafka')!;
const partition = () => live().spec.updateStrategy.rollingUpdate?.partition;
const state = () => live().metadata.annotations?.['staged-rollouts.io/state'];
const images = () => cli.pods('kafka').map((pod) => pod.spec?.containers?.[0]?.image);

async function apply(text: string, flags: readonly string[]): Promise<CommandResult> {
  const result = await kubectl(cli.sandbox, ['apply', ...flags, '-f', '-'], text);
  await cli.runUntil(() => live().status?.observedGeneration === live().metadata.generation);
  return result;
}

// Created from the manifest, then a new image applied, then one step promoted: kafka-2 on kafka:2, partition 2.
async function midPromotion(owner: PartitionOwner, flags: readonly string[]): Promise<void> {
  expect((await apply(manifest('kafka:1', owner), flags)).code).toBe(0);
  await cli.runUntil(() => allOn(cli, 'kafka', 'kafka:1', 3));
  if (owner === PartitionOwner.PROMOTER) {
    // The API server's default partition is 0: the promoter pins it once the StatefulSet exists.
    expect((await cli.stage(['stage', 'sts/kafka'])).code).toBe(0);
  }
  expect(partition()).toBe(PartitionPlan.STAGED_PARTITION);
  expect((await apply(manifest('kafka:2', owner), flags)).code).toBe(0);
  expect(partition()).toBe(PartitionPlan.STAGED_PARTITION);
  expect((await cli.stage(['promote', 'sts/kafka', '--step'])).code).toBe(0);
  expect(partition()).toBe(2);
  expect(images()).toEqual(['kafka:1', 'kafka:1', 'kafka:2']);
}

describe.each([
  ['server-side', ['--server-side']],
  ['client-side', []],
])('PartitionOwner.PROMOTER, %s apply', (_name, flags) => {
  test('re-applying the manifest mid-promotion moves neither the partition nor the promotion, which then completes', async () => {
    await midPromotion(PartitionOwner.PROMOTER, flags);
    const before = { partition: partition(), state: state() };
    const again = await apply(manifest('kafka:2', PartitionOwner.PROMOTER), flags);
    expect(again).toMatchObject({ code: 0, stderr: '' });
    expect({ partition: partition(), state: state() }).toEqual(before);
    expect(images()).toEqual(['kafka:1', 'kafka:1', 'kafka:2']);
    const promoter = (live().metadata.managedFields as ManagedFieldsEntry[]).find((entry) => entry.manager === 'kubectl-stage');
    expect(promoter).toMatchObject({ operation: 'Apply', fieldsV1: { 'f:spec': { 'f:updateStrategy': { 'f:rollingUpdate': { 'f:partition': {} } } } } });

    expect((await cli.stage(['promote', 'sts/kafka'])).code).toBe(0);
    await cli.runUntil(() => allOn(cli, 'kafka', 'kafka:2', 3));
    expect(partition()).toBe(0);

    // The next change: pinned again by the promoter (the manifest no longer does it), so its apply moves no pod.
    await cli.runUntil(() => live().status?.currentRevision === live().status?.updateRevision);
    expect((await cli.stage(['stage', 'sts/kafka'])).code).toBe(0);
    expect((await apply(manifest('kafka:3', PartitionOwner.PROMOTER), flags)).code).toBe(0);
    await cli.sandbox.advance(30_000);
    expect(partition()).toBe(PartitionPlan.STAGED_PARTITION);
    expect(images()).toEqual(['kafka:2', 'kafka:2', 'kafka:2']);
  });
});

describe('PartitionOwner.MANIFEST: why PROMOTER exists', () => {
  test('server-side: the manifest\'s pin conflicts with the promoter, and --force-conflicts resets the partition', async () => {
    await midPromotion(PartitionOwner.MANIFEST, ['--server-side']);
    const refused = await apply(manifest('kafka:2', PartitionOwner.MANIFEST), ['--server-side']);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('Apply failed with 1 conflict: conflict with "kubectl-stage": .spec.updateStrategy.rollingUpdate.partition');
    expect(partition()).toBe(2);
    const forced = await apply(manifest('kafka:2', PartitionOwner.MANIFEST), ['--server-side', '--force-conflicts']);
    expect(forced.code).toBe(0);
    expect(partition()).toBe(PartitionPlan.STAGED_PARTITION);
  });

  test('client-side: the re-apply puts the manifest\'s pin back, undoing the promoted step', async () => {
    await midPromotion(PartitionOwner.MANIFEST, []);
    expect((await apply(manifest('kafka:2', PartitionOwner.MANIFEST), [])).code).toBe(0);
    expect(partition()).toBe(PartitionPlan.STAGED_PARTITION);
  });
});
