// Runs the seeds' shell commands verbatim (kubectl, and the `cat | sed > file` lines around them) against a
// sandbox: KUBECONFIG points at the sandbox, the working directory holds the fixtures, kubectl's discovery cache
// lives in the session's directory so no state leaks between tests or into the home directory.
import { ChildProcess, spawn } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ListOptions, ResourceType } from '../../../src/sandbox/api';
import type { Sandbox } from '../../../src/sandbox/start-sandbox';

/** What a finished command printed and how it exited. */
export interface CommandResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** A command left running (a watch or `rollout status`) whose output is read while it runs. */
export interface BackgroundCommand {
  /** Settles when the command exits by itself. */
  readonly done: Promise<CommandResult>;
  /** Everything it printed to stdout so far. */
  stdout(): string;
  /** Resolves once the output so far satisfies `predicate` (checked on every chunk); rejects if the command exits first. */
  waitForOutput(predicate: (stdout: string) => boolean): Promise<void>;
  /** Ends the command (SIGINT, as ^C in the post) and returns what it printed. */
  interrupt(): Promise<CommandResult>;
}

const FIXTURES = join(__dirname, 'fixtures');

/** A shell session in a scratch directory with the fixtures, talking to one sandbox. */
export class KubectlSession {
  /** The scratch directory the commands run in. */
  readonly directory: string;

  constructor(private readonly sandbox: Sandbox) {
    this.directory = mkdtempSync(join(tmpdir(), 'seed-replay-'));
    cpSync(FIXTURES, this.directory, { recursive: true });
  }

  /** Runs a command line (pipes and redirections included) to completion and returns its output. */
  run(command: string): Promise<CommandResult> {
    return this.spawn(command).done;
  }

  /** Starts a single command; `exec` makes the shell become the command, so interrupting reaches kubectl itself. */
  start(command: string): BackgroundCommand {
    return this.spawn(`exec ${command}`);
  }

  private spawn(command: string): BackgroundCommand {
    const child: ChildProcess = spawn('sh', ['-c', command], {
      cwd: this.directory,
      env: {
        PATH: process.env.PATH,
        HOME: this.directory,
        KUBECONFIG: this.sandbox.kubeconfigPath,
        KUBECACHEDIR: join(this.directory, '.kube-cache'),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (chunk) => { stdout += chunk; });
    child.stderr!.on('data', (chunk) => { stderr += chunk; });
    const done = new Promise<CommandResult>((resolve, reject) => {
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
    const waitForOutput = (predicate: (text: string) => boolean) => new Promise<void>((resolve, reject) => {
      const check = () => {
        if (predicate(stdout)) {
          child.stdout!.off('data', check);
          resolve();
        }
      };
      child.stdout!.on('data', check);
      void done.then((result) => reject(new Error(`command exited (${result.code}) before the expected output: ${result.stdout}${result.stderr}`)));
      check();
    });
    return {
      stdout: () => stdout,
      waitForOutput,
      done,
      interrupt: () => {
        child.kill('SIGINT');
        return done;
      },
    };
  }

  /** Removes the scratch directory. */
  close(): void {
    rmSync(this.directory, { recursive: true, force: true });
  }
}

/** The rows of `kubectl get` output as arrays of whitespace-separated cells, header excluded. */
export function tableRows(output: string): string[][] {
  return output.trim().split('\n').filter((line) => line && !line.startsWith('NAME')).map((line) => line.trim().split(/\s+/));
}

/**
 * Resolves when the API server opens a watch on `type` whose options satisfy `matches`, e.g. the watch kubectl
 * delete opens to wait for the pod to be gone. The clock must not run before that: a client that lists and then
 * watches would miss what happened in between if virtual time jumped there.
 */
export function whenWatched(sandbox: Sandbox, type: ResourceType, matches: (options: ListOptions) => boolean): Promise<void> {
  const original = sandbox.api.watch;
  return new Promise((resolve) => {
    const spy = jest.spyOn(sandbox.api, 'watch').mockImplementation((watchedType, options, listener) => {
      const stop = original.call(sandbox.api, watchedType, options, listener);
      if (watchedType === type && matches(options)) {
        spy.mockRestore();
        resolve();
      }
      return stop;
    });
  });
}
