import { PodFailureMode } from '../../src/sandbox/controllers';
import { allOn, CliKit, startCliKit } from '../support/cli-kit';
import { isReady } from '../support/pod-readiness';

jest.setTimeout(60_000);

describe('undo escapes the forced-rollback trap (kubernetes/kubernetes#67250)', () => {
  let cli: CliKit;
  beforeAll(async () => {
    cli = await startCliKit({ kubelet: { failureRules: [{ mode: PodFailureMode.IMAGE_PULL, image: 'web:bad' }] } });
  });
  afterAll(() => cli.sandbox.stop());

  test('kubectl rollout undo leaves the broken pod; our undo names it, deletes only it, and the rollback completes', async () => {
    await cli.createStatefulSet('trap', { replicas: 3, image: 'web:1', updateStrategy: 'rolling' });
    cli.setImage('trap', 'web:bad');
    await cli.runUntil(() => cli.pods('trap').some((pod) => pod.spec?.containers?.[0]?.image === 'web:bad'
      && pod.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'ImagePullBackOff'));

    // kubectl's undo restores the template, but the controller keeps waiting for trap-2 to become Ready.
    const kubectlUndo = await cli.kubectl(['rollout', 'undo', 'sts/trap']);
    expect(kubectlUndo.stdout).toBe('statefulset.apps/trap rolled back\n');
    await cli.sandbox.advance(60_000);
    expect(cli.pods('trap').find((pod) => pod.metadata.name === 'trap-2')?.spec?.containers?.[0]?.image).toBe('web:bad');

    // Our status names the trap where kubectl's only waits.
    const status = JSON.parse((await cli.stage(['status', 'sts/trap', '-o', 'json'])).stdout);
    expect(status.forcedRollbackTrap.podsToDelete.map((stuck: { pod: string }) => stuck.pod)).toEqual(['trap-2']);
    expect((await cli.stage(['status', 'sts/trap'])).stdout).toContain('\n  to get out: kubectl delete pod trap-2 -n default\n');

    // Ours: the template already matches, so kubectl's skip message, then the trap escape.
    const uids = Object.fromEntries(cli.pods('trap').map((pod) => [pod.metadata.name, pod.metadata.uid]));
    const ours = await cli.stage(['undo', 'sts/trap', '--to-revision', '3']);
    expect(ours.code).toBe(0);
    const lines = ours.stdout.split('\n');
    expect(lines[0]).toBe('statefulset.apps/trap skipped rollback (current template already matches revision 3)');
    expect(lines[1]).toMatch(/^statefulset\/trap is in the forced-rollback trap \(kubernetes\/kubernetes#67250\): .*: trap-2 \(revision trap-[a-z0-9]+, not Ready, (ErrImagePull|ImagePullBackOff) - .*; recreated at trap-[a-z0-9]+\)\. Deleting it lets the controller recreate it at the right revision\.$/);
    expect(lines.slice(2)).toEqual(['pod/trap-2 deleted', '']);
    await cli.runUntil(() => allOn(cli, 'trap', 'web:1', 3));
    const after = Object.fromEntries(cli.pods('trap').map((pod) => [pod.metadata.name, pod.metadata.uid]));
    expect(after['trap-0']).toBe(uids['trap-0']);
    expect(after['trap-1']).toBe(uids['trap-1']);
    expect(after['trap-2']).not.toBe(uids['trap-2']);
    expect(cli.pods('trap').every(isReady)).toBe(true);
  });

  test('undo from the broken revision in one command: rolled back, then the stuck pod deleted', async () => {
    await cli.createStatefulSet('again', { replicas: 3, image: 'web:1', updateStrategy: 'rolling' });
    cli.setImage('again', 'web:bad');
    await cli.runUntil(() => cli.pods('again').some((pod) => pod.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'ImagePullBackOff'));
    const ours = await cli.stage(['undo', 'sts/again']);
    expect(ours.code).toBe(0);
    expect(ours.stdout).toMatch(/^statefulset\.apps\/again rolled back\nstatefulset\/again is in the forced-rollback trap .*again-2 .*\npod\/again-2 deleted\n$/);
    await cli.runUntil(() => allOn(cli, 'again', 'web:1', 3));
  });
});
