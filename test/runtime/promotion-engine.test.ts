import { imagesOf, startPromotion, startPromotionSandbox } from './promotion-fixture';

describe('promoteStatefulSet (in-process sandbox)', () => {
  test('walks the Kafka seed with --plan canary: stage, kafka-2, then kafka-1 and kafka-0', async () => {
    const sandbox = startPromotionSandbox();
    try {
      await sandbox.createStaged('kafka', 3);
      sandbox.stageImage('kafka', 'kafka:2');
      await sandbox.runUntil(() => sandbox.sts('kafka').status?.updateRevision !== sandbox.sts('kafka').status?.currentRevision);
      const promotion = startPromotion(sandbox, { name: 'kafka', plan: 'canary' });
      await sandbox.runUntil(promotion.settled);
      const outcome = await promotion.result();
      expect(outcome.phase).toBe('complete');
      expect(imagesOf(sandbox.pods('kafka'))).toEqual({ 'kafka-0': 'kafka:2', 'kafka-1': 'kafka:2', 'kafka-2': 'kafka:2' });
      expect(promotion.events.filter((event) => event.type === 'step-started').map((event) => (event as any).partition)).toEqual([3, 2, 0]);
      console.log(promotion.events.map((e) => JSON.stringify(e)).join('\n'), outcome);
    } finally {
      sandbox.stop();
    }
  });
});
