// kubectl-stage run in process (`run(argv, io)`) against a kubeconfig, with its output captured: how the CLI kit and
// the scenario tier run the command line a user types.
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
