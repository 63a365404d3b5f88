// kubectl-stage as a process whose reader goes away (`kubectl-stage --help | head -1`): it stops quietly, as SIGPIPE
// stops kubectl, instead of dying of an unhandled EPIPE with a stack trace on stderr.
import { spawn } from 'node:child_process';
import * as path from 'node:path';

jest.setTimeout(60_000);

test('a closed stdout ends kubectl-stage quietly, with nothing on stderr', async () => {
  const main = path.join(__dirname, '..', '..', 'src', 'cli', 'main.ts');
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', main, '--help'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NODE_OPTIONS: '', TS_NODE_PROJECT: path.join(__dirname, '..', 'tsconfig.json') },
  });
  let stderr = '';
  child.stderr.on('data', (chunk) => { stderr += chunk; });
  // The reader takes nothing and goes away, as `head -0` would: every write kubectl-stage makes meets a closed pipe.
  child.stdout.destroy();
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  expect(stderr).toBe('');
  expect(code).toBe(0);
});
