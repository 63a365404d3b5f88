// The large plan on 100 replicas: its own file, since 100 pods rolling on virtual time take a few seconds of CPU.
import { PartitionPlan } from '../../../src/partition-plan';
import { startSandboxKit } from '../../support/sandbox-kit';
import { imagesOf, startPromotion } from '../promotion-fixture';

test('the 100-replica plan 100, 99, 90, 50, 0 moves exactly 1, 10, 50 and 100 pods', async () => {
  const sandbox = await startSandboxKit({ nodes: 4 });
  try {
    await sandbox.createStatefulSet('kafka', {
      replicas: 100,
      updateStrategy: 'staged',
      spec: {
        podManagementPolicy: 'Parallel',
        updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: PartitionPlan.STAGED_PARTITION, maxUnavailable: 10 } },
      },
    });
    sandbox.setImage('kafka', 'kafka:2');
    const updatedAtEachStep: number[] = [];
    const promotion = startPromotion(sandbox, {
      name: 'kafka',
      plan: '100,99,90,50,0',
      approveEach: true,
      // Count the pods on the new image each time a step is done and asks to go on.
      approve: async () => {
        updatedAtEachStep.push(Object.values(imagesOf(sandbox.pods('kafka'))).filter((image) => image === 'kafka:2').length);
        return true;
      },
    });
    await sandbox.runUntil(promotion.settled);
    expect(await promotion.result()).toMatchObject({ phase: 'complete', step: 4 });
    expect(promotion.events.filter((event) => event.type === 'step-started').map((event) => (event as { partition: number }).partition))
      .toEqual([100, 99, 90, 50, 0]);
    expect(updatedAtEachStep).toEqual([1, 10, 50]);
    expect(new Set(Object.values(imagesOf(sandbox.pods('kafka'))))).toEqual(new Set(['kafka:2']));
  } finally {
    await sandbox.stop();
  }
}, 60_000);
