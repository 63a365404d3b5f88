import { allOn, CliKit, startCliKit } from '../support/cli-kit';

jest.setTimeout(60_000);

describe('history and undo next to kubectl', () => {
  let cli: CliKit;
  beforeAll(async () => {
    cli = await startCliKit();
    await cli.createStatefulSet('web', { replicas: 2, image: 'web:1', updateStrategy: 'rolling' });
    cli.setImage('web', 'web:2', { changeCause: 'set image web:2' });
    await cli.runUntil(() => allOn(cli, 'web', 'web:2', 2));
  });
  afterAll(() => cli.sandbox.stop());

  test('history lists the revisions kubectl lists, with images and ordinals', async () => {
    const ours = await cli.stage(['history', 'sts/web']);
    const theirs = await cli.kubectl(['rollout', 'history', 'sts/web']);
    expect(theirs.stdout).toBe('statefulset.apps/web \nREVISION  CHANGE-CAUSE\n1         <none>\n2         set image web:2\n\n');
    expect(ours.code).toBe(0);
    // The same revisions and change-causes as kubectl, plus where each revision runs.
    const columns = (text: string) => text.trim().split('\n').slice(1).map((line) => line.split(/ {2,}/).slice(0, 2));
    expect(columns(ours.stdout)).toEqual(columns(theirs.stdout));
    expect(ours.stdout).toBe([
      'statefulset.apps/web',
      'REVISION  CHANGE-CAUSE     IMAGES     ORDINALS',
      '1         <none>           web=web:1  <none>',
      '2         set image web:2  web=web:2  0,1',
      '',
    ].join('\n'));
  });

  test('history --revision N prints what kubectl prints, byte for byte', async () => {
    for (const revision of ['1', '2']) {
      const ours = await cli.stage(['history', 'sts/web', '--revision', revision]);
      const theirs = await cli.kubectl(['rollout', 'history', 'sts/web', `--revision=${revision}`]);
      expect(theirs.code).toBe(0);
      expect(ours.stdout).toBe(theirs.stdout);
    }
    const missing = await cli.stage(['history', 'sts/web', '--revision', '7']);
    const kubectlMissing = await cli.kubectl(['rollout', 'history', 'sts/web', '--revision=7']);
    expect(missing.code).toBe(4);
    expect(missing.stderr).toBe(kubectlMissing.stderr);
  });

  test('undo messages are kubectl\'s: unknown revision, rolled back, skipped', async () => {
    const ours = await cli.stage(['undo', 'sts/web', '--to-revision', '9']);
    const theirs = await cli.kubectl(['rollout', 'undo', 'sts/web', '--to-revision=9']);
    expect(ours.code).toBe(4);
    expect(ours.stderr).toBe('error: unable to find specified revision 9 in history\n');
    expect(ours.stderr).toBe(theirs.stderr);

    const kubectlUndo = await cli.kubectl(['rollout', 'undo', 'sts/web', '--to-revision=1']);
    expect(kubectlUndo.stdout).toBe('statefulset.apps/web rolled back\n');
    await cli.runUntil(() => allOn(cli, 'web', 'web:1', 2));

    const skipped = await cli.stage(['undo', 'sts/web', '--to-revision', '3']);
    const kubectlSkipped = await cli.kubectl(['rollout', 'undo', 'sts/web', '--to-revision=3']);
    expect(kubectlSkipped.stdout).toBe('statefulset.apps/web skipped rollback (current template already matches revision 3)\n');
    expect(skipped.stdout).toBe(kubectlSkipped.stdout);

    const back = await cli.stage(['undo', 'sts/web']);
    expect(back.code).toBe(0);
    expect(back.stdout).toBe('statefulset.apps/web rolled back\n');
    await cli.runUntil(() => allOn(cli, 'web', 'web:2', 2));
  });

  test('no last revision to roll back to, as kubectl says', async () => {
    await cli.createStatefulSet('solo', { replicas: 1, image: 'solo:1', updateStrategy: 'rolling' });
    const ours = await cli.stage(['undo', 'sts/solo']);
    const theirs = await cli.kubectl(['rollout', 'undo', 'sts/solo']);
    expect(ours.stderr).toBe('error: no last revision to roll back to\n');
    expect(ours.stderr).toBe(theirs.stderr);
  });

  test('an unknown workload is bad input, named as kubectl names it', async () => {
    const ours = await cli.stage(['history', 'sts/nope']);
    expect(ours.code).toBe(4);
    expect(ours.stderr).toBe('error: statefulsets.apps "nope" not found\n');
  });
});
