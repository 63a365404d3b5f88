// A promotion's Events, written over HTTP through the CLI, are what `kubectl describe` lists for the StatefulSet.
import { CliKit, startCliKit } from '../support/cli-kit';

jest.setTimeout(60_000);

let cli: CliKit;
afterEach(() => cli?.sandbox.stop());

test('kubectl describe shows each step and the completion, reported by kubectl-stage', async () => {
  cli = await startCliKit();
  await cli.createStatefulSet('kafka', { replicas: 3, image: 'kafka:1', updateStrategy: 'rolling' });
  expect((await cli.stage(['stage', 'sts/kafka'])).code).toBe(0);
  cli.setImage('kafka', 'kafka:2');
  expect((await cli.stage(['promote', 'sts/kafka', '--plan', 'canary'])).code).toBe(0);
  const describe = await cli.kubectl(['describe', 'sts', 'kafka']);
  expect(describe.code).toBe(0);
  const events = describe.stdout.slice(describe.stdout.indexOf('Events:')).split('\n').filter((line) => line.includes('kubectl-stage'));
  expect(events.map((line) => line.trim().split(/\s{2,}/)[1])).toEqual(['PromotionStarted', 'PromotionStep', 'PromotionStep', 'PromotionComplete']);
  expect(events[1]).toMatch(/step 1: partition 2, kafka-2 on the update revision$/);
});
