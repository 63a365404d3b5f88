// kubectl-stage as a process whose reader goes away (`kubectl-stage --help | head -1`): it stops quietly, as SIGPIPE
// stops kubectl, instead of dying of an unhandled EPIPE with a stack trace on stderr.
import { spawnKubectlStage } from '../support/kubectl-stage-run';

jest.setTimeout(60_000);

test('a closed stdout ends kubectl-stage quietly, with nothing on stderr', async () => {
  const cli = spawnKubectlStage(['--help']);
  // The reader takes nothing and goes away, as `head -0` would: every write kubectl-stage makes meets a closed pipe.
  cli.child.stdout.destroy();
  const { code } = await cli.exited;
  expect(cli.stderr()).toBe('');
  expect(code).toBe(0);
});
