// The shared setup of the seed replays: one sandbox on the virtual clock and one kubectl session per test file,
// started before its tests and stopped after them, plus the helpers that keep kubectl and the clock in step.
import { BackgroundCommand, CommandResult, KubectlSession } from './kubectl-session';
import type { KubeObject } from '../../../src/sandbox/api';
import { Sandbox, SandboxOptions, startSandbox } from '../../../src/sandbox/start-sandbox';

/** The sandbox and session of one test file (available once its `beforeAll` has run). */
export interface SeedReplay {
  /** The sandbox the commands talk to. */
  readonly sandbox: Sandbox;
  /** The shell session the commands run in. */
  readonly session: KubectlSession;
  /**
   * Runs a command that only returns once the cluster has moved on (`rollout status`, `delete` waiting for the
   * object to go): the clock stays still until `started` resolves (by default: the command printed its first
   * line), then runs until the command exits.
   */
  runBlocking(command: string, started?: (process: BackgroundCommand) => Promise<void>): Promise<CommandResult>;
}

/** Resolves when the command has printed its first line. */
export function firstLine(process: BackgroundCommand): Promise<void> {
  return process.waitForOutput((text) => text.includes('\n'));
}

/**
 * Registers `beforeAll`/`afterAll` hooks that start a sandbox with `options` (always on the virtual clock) and a
 * session on it, and stop both.
 *
 * @param prepare runs after the sandbox starts and before the session opens (e.g. to add named nodes)
 */
export function useSeedReplay(options: Omit<SandboxOptions, 'clock'>, prepare?: (sandbox: Sandbox) => void): SeedReplay {
  let sandbox: Sandbox | undefined;
  let session: KubectlSession | undefined;
  beforeAll(async () => {
    sandbox = await startSandbox({ ...options, clock: 'virtual' });
    prepare?.(sandbox);
    session = new KubectlSession(sandbox);
  });
  afterAll(async () => {
    session?.close();
    await sandbox?.stop();
  });
  const started = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) {
      throw new Error(`the seed replay's ${what} is only available inside tests (after beforeAll)`);
    }
    return value;
  };
  return {
    get sandbox() {
      return started(sandbox, 'sandbox');
    },
    get session() {
      return started(session, 'session');
    },
    async runBlocking(command, whenStarted = firstLine) {
      const process = started(session, 'session').start(command);
      await Promise.race([whenStarted(process).catch(() => undefined), process.done]);
      await started(sandbox, 'sandbox').runUntil(process.done);
      return process.done;
    },
  };
}

/** Whether the pod is Ready and not being deleted. */
export function isReadyPod(pod: KubeObject): boolean {
  return !pod.metadata.deletionTimestamp
    && (pod.status?.conditions ?? []).some((condition: any) => condition.type === 'Ready' && condition.status === 'True');
}

/** The lines a repeating command (`rollout status`) printed, without the repeats of an unchanged line. */
export function distinctLines(output: string): string[] {
  return output.trim().split('\n').filter((line, index, lines) => line !== lines[index - 1]);
}

/** The last line a command printed. */
export function lastLine(output: string): string {
  return output.trim().split('\n').pop() ?? '';
}
