import { PodFailureMode } from '../../src/sandbox/controllers';
import { allOn, CliKit, startCliKit } from '../support/cli-kit';

jest.setTimeout(60_000);

describe('undo --through-plan', () => {
  let cli: CliKit;
  beforeAll(async () => {
    cli = await startCliKit({ kubelet: { failureRules: [{ mode: PodFailureMode.IMAGE_PULL, image: 'zk:bad' }] } });
  });
  afterAll(() => cli.sandbox.stop());

  test('restores the old template staged, then walks it down the plan one step at a time', async () => {
    await cli.createStatefulSet('zk', { replicas: 3, image: 'zk:1', updateStrategy: 'rolling' });
    cli.setImage('zk', 'zk:2');
    await cli.runUntil(() => allOn(cli, 'zk', 'zk:2', 3));
    const result = await cli.stage(['undo', 'sts/zk', '--through-plan', '--plan', 'canary']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines[0]).toBe('statefulset.apps/zk rolled back (staged: the template of revision 1 is the update revision, no pod moved yet)');
    expect(lines[1]).toBe('promoting sts/zk back to the template of revision 1, step by step');
    expect(lines).toContain('step 1: partition 2 (zk-2 on the new revision)');
    expect(lines[lines.length - 1]).toMatch(/^promotion complete: /);
    expect(allOn(cli, 'zk', 'zk:1', 3)).toBe(true);
  });

  test('a broken revision: the stuck pod is deleted first, then the plan restores every pod', async () => {
    await cli.createStatefulSet('zk2', { replicas: 3, image: 'zk:1', updateStrategy: 'rolling' });
    cli.setImage('zk2', 'zk:bad');
    await cli.runUntil(() => cli.pods('zk2').some((pod) => pod.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'ImagePullBackOff'));
    const result = await cli.stage(['undo', 'sts/zk2', '--through-plan', '--plan', 'canary']);
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines[0]).toBe('statefulset.apps/zk2 rolled back (staged: the template of revision 1 is the update revision, no pod moved yet)');
    expect(lines[1]).toMatch(/^statefulset\/zk2 is in the forced-rollback trap .*zk2-2 \(revision zk2-[a-z0-9]+, not Ready/);
    expect(lines[2]).toBe('pod/zk2-2 deleted');
    expect(lines[lines.length - 1]).toMatch(/^promotion complete: /);
    // The deleted pod comes back below the pinned partition, at the restored (current) revision.
    await cli.runUntil(() => allOn(cli, 'zk2', 'zk:1', 3));
  });

  test('through-plan is refused for DaemonSets and without a plan, before any change', async () => {
    const before = cli.pods('zk').map((pod) => pod.metadata.uid);
    const noPlan = await cli.stage(['undo', 'sts/zk', '--to-revision', '2', '--through-plan']);
    expect(noPlan.code).toBe(4);
    expect(noPlan.stderr).toMatch(/^error: statefulset\/zk has no partition plan/);
    expect(noPlan.stdout).toBe('');
    await cli.sandbox.advance(30_000);
    expect(cli.pods('zk').map((pod) => pod.metadata.uid)).toEqual(before);
    expect(allOn(cli, 'zk', 'zk:1', 3)).toBe(true);
    expect((await cli.stage(['undo', 'sts/zk', '--plan', 'canary'])).stderr).toBe('error: --plan and --timeout apply only with --through-plan\n');
  });
});
