// kubectl-stage run in process (`run(argv, io)`) against a kubeconfig, with its output captured: how the CLI kit and
// the scenario tier run the command line a user types; or as a process of its own, for signals and long runs.
import { ChildProcessByStdio, spawn } from 'node:child_process';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { ClusterConnector } from '../../src/cli/cli-context';
import { CliIo, run } from '../../src/cli/main';
import type { RuntimeClock } from '../../src/runtime/clock';

/** What a command printed and its exit code. */
export interface CommandResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly code: number;
}

/** How {@link runKubectlStage} runs the command. */
export interface KubectlStageRunOptions {
  /** The kubeconfig passed as `--kubeconfig`. */
  readonly kubeconfig: string;
  /** The clock the command waits on. @default the system clock */
  readonly clock?: RuntimeClock;
  /** The environment the command sees. @default {} */
  readonly env?: Record<string, string>;
  /** Whether stdout is a terminal. @default false */
  readonly isTTY?: boolean;
  /** Aborts the run (Ctrl-C). @default never */
  readonly signal?: AbortSignal;
  /** Replaces how it connects (to wrap the cluster, e.g. to record its requests). @default the CLI's own */
  readonly connector?: ClusterConnector;
  /** Answers `--gate` checks in process. @default the CLI's (real fetch and shell) */
  readonly gateIo?: CliIo['gateIo'];
}

/** Runs `kubectl-stage --kubeconfig <kubeconfig> <args>`; resolves when it returns (a caller on virtual time moves the clock meanwhile). */
export function runKubectlStage(args: readonly string[], options: KubectlStageRunOptions): Promise<CommandResult> {
  let stdout = '';
  let stderr = '';
  const code = run(['--kubeconfig', options.kubeconfig, ...args], {
    stdout: (text) => { stdout += text; },
    stderr: (text) => { stderr += text; },
    isTTY: options.isTTY ?? false,
    env: options.env ?? {},
    clock: options.clock,
    signal: options.signal,
    gateIo: options.gateIo,
  }, options.connector);
  return code.then((exit) => ({ stdout, stderr, code: exit }));
}

/** kubectl-stage started as a process of its own, as a user or a container starts it. */
export interface KubectlStageProcess {
  /** The process (its stdout is a pipe the caller may read or close). */
  readonly child: ChildProcessByStdio<null, Readable, Readable>;
  /** Resolves once the process has ended and its output is closed: its exit code, or the signal that ended it. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** What it wrote on stderr so far. */
  stderr(): string;
}

/**
 * Starts `kubectl-stage [--kubeconfig <kubeconfig>] <args>` as a child process (`node src/cli/main.ts`, transpiled as it
 * loads), for what a process alone shows: a signal (SIGTERM, SIGKILL), a closed pipe, a long-running command.
 */
export function spawnKubectlStage(args: readonly string[], options: { kubeconfig?: string } = {}): KubectlStageProcess {
  const root = join(__dirname, '..', '..');
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', join(root, 'src', 'cli', 'main.ts'),
    ...options.kubeconfig === undefined ? [] : ['--kubeconfig', options.kubeconfig], ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    // jest's NODE_OPTIONS (--experimental-vm-modules) is not the CLI's.
    env: { ...process.env, NODE_OPTIONS: '', TS_NODE_PROJECT: join(root, 'test', 'tsconfig.json') },
  });
  let stderr = '';
  child.stderr.on('data', (chunk) => { stderr += chunk; });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('close', (code, signal) => resolve({ code, signal }));
  });
  return { child, exited, stderr: () => stderr };
}
