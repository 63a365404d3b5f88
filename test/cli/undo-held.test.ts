// `undo` on a StatefulSet whose partition is pinned: kubectl says "rolled back" and no pod moves. kubectl-stage says
// which pods stay where and what moves them, and `undo --through-plan` then walks them down the plan.
import { RESOURCES } from '../../src/sandbox/api';
import { allOn, CliKit, startCliKit } from '../support/cli-kit';

jest.setTimeout(60_000);

let cli: CliKit;
afterEach(() => cli?.sandbox.stop());

test('undo of a staged StatefulSet names the pods it leaves and the command that moves them', async () => {
  cli = await startCliKit();
  await cli.createStatefulSet('kafka', { replicas: 3, image: 'kafka:1', updateStrategy: 'rolling' });
  cli.setImage('kafka', 'kafka:2');
  await cli.runUntil(() => allOn(cli, 'kafka', 'kafka:2', 3));
  // The staged manifest is applied again (as GitOps does after a complete rollout): the partition is pinned.
  expect((await cli.stage(['stage', 'sts/kafka'])).code).toBe(0);
  const before = cli.pods('kafka').map((pod) => pod.metadata.uid);

  const undo = await cli.stage(['undo', 'sts/kafka']);
  expect(undo.stderr).toBe('');
  expect(undo.code).toBe(0);
  expect(undo.stdout.trim().split('\n')).toEqual([
    'statefulset.apps/kafka rolled back',
    expect.stringMatching(new RegExp('^no pod moved: kafka-0, kafka-1, kafka-2 stay off the restored revision kafka-\\w+ because partition 32767 holds '
      + 'them; roll them along the plan with "kubectl-stage promote sts/kafka" \\("undo --through-plan" restores and rolls in one go\\)$')),
  ]);
  await cli.sandbox.advance(30_000);
  expect(cli.pods('kafka').map((pod) => pod.metadata.uid)).toEqual(before);
  // The restore, and what it left, are Events on the StatefulSet too.
  const events = cli.sandbox.api.list(RESOURCES.events, { namespace: 'default', fieldSelector: 'involvedObject.name=kafka' }).items
    .filter((event) => event.reportingComponent === 'kubectl-stage');
  expect(events.map((event) => [event.type, event.reason])).toEqual([['Normal', 'UndoRestored'], ['Warning', 'UndoHeld']]);

  // What it advises works.
  const promote = await cli.stage(['promote', 'sts/kafka', '--plan', 'canary']);
  expect(promote.code).toBe(0);
  expect(allOn(cli, 'kafka', 'kafka:1', 3)).toBe(true);
});

test('an undo every pod follows says nothing more than kubectl', async () => {
  cli = await startCliKit();
  await cli.createStatefulSet('web', { replicas: 2, image: 'web:1', updateStrategy: 'rolling' });
  cli.setImage('web', 'web:2');
  await cli.runUntil(() => allOn(cli, 'web', 'web:2', 2));
  const undo = await cli.stage(['undo', 'sts/web']);
  expect(undo.stdout).toBe('statefulset.apps/web rolled back\n');
  await cli.runUntil(() => allOn(cli, 'web', 'web:1', 2));
});
