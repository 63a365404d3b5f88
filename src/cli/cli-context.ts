// What every command shares: the process (CliIo), the clock, the connection built from kubectl's global flags, and
// the one place where errors become `error: ...` lines and exit codes.
import { Command } from 'commander';
import { CliIo } from './cli-io';
import { ExitCode, exitCodeForError } from './exit-codes';
import { invokedName, withInvokedName } from './invoked-name';
import * as onUse from './on-use';
import { RuntimeClock, SystemClock } from '../runtime/clock';
import { Cluster, ClusterError } from '../runtime/cluster/cluster';
import { formatDuration, parseDuration } from '../runtime/duration';
import type { GateIo } from '../runtime/promotion/external-gates';

// What to do about a 403: the API server's message names the user, verb and resource; this says where the grant lives.
const FORBIDDEN_HINT = 'the kubeconfig\'s user may not make this request; grant it (a StagedRolloutRunner\'s Role deletes pods '
  + 'only with allowUndo, allowDaemonSetCanary or allowOrderedRestart, reaches DaemonSets only with allowDaemonSetCanary, reads pods '
  + 'through the pod proxy only with allowPodMetrics or allowOrderedRestart, and only the workload its promotionJob names) '
  + 'or use a context that may';
import { RuntimeError } from '../runtime/runtime-error';

/** kubectl's connection flags, as every command accepts them. */
export interface ConnectionFlags {
  /** `--kubeconfig`. */
  readonly kubeconfig?: string;
  /** `--context`. */
  readonly context?: string;
  /** `-n/--namespace`. */
  readonly namespace?: string;
  /** `--request-timeout`: how long one request may take, in milliseconds; 0 means no limit. @default 30 s */
  readonly requestTimeoutMs?: number;
}

/** A cluster and the namespace commands act in (the flag, else the context's, else `default`). */
export interface ClusterConnection {
  readonly cluster: Cluster;
  readonly namespace: string;
}

/** Opens a connection from the flags. */
export type ClusterConnector = (flags: ConnectionFlags) => Promise<ClusterConnection>;

/** How long a command may take to stop after Ctrl-C before it is given up (a Lease release is one or two requests). */
export const INTERRUPT_GRACE_MS = 5_000;

/** Shared by the command registrations. */
export class CliContext {
  /** The clock of every wait, timeout and timestamp. */
  public readonly clock: RuntimeClock;
  /** The process around the run; what it prints names commands as {@link name} does. */
  public readonly io: CliIo;
  /** The name the user invoked this program by: `kubectl stage` (as a kubectl plugin) or `kubectl-stage`. */
  public readonly name: string;
  /** The exit code the last action returned. */
  public exitCode: number = ExitCode.SUCCESS;

  /**
   * @param io the process around the run
   * @param connector how to reach a cluster @default connectCluster (kubectl's kubeconfig rules)
   */
  public constructor(io: CliIo, private readonly connector?: ClusterConnector) {
    this.clock = io.clock ?? new SystemClock();
    this.name = invokedName(io.env);
    // Every line printed names commands as the user invoked this one, runtime messages included.
    this.io = { ...io, stdout: (text) => io.stdout(withInvokedName(text, this.name)), stderr: (text) => io.stderr(withInvokedName(text, this.name)) };
  }

  /** Connects with the global flags of `command` (`--kubeconfig`, `--context`, `-n/--namespace`, `--request-timeout`). */
  public async connect(command: Command): Promise<ClusterConnection> {
    const flags = command.optsWithGlobals() as Omit<ConnectionFlags, 'requestTimeoutMs'> & { requestTimeout?: string };
    const connectionFlags: ConnectionFlags = {
      kubeconfig: flags.kubeconfig,
      context: flags.context,
      namespace: flags.namespace,
      requestTimeoutMs: flags.requestTimeout === undefined ? undefined : parseDuration(flags.requestTimeout, '--request-timeout'),
    };
    // The client-node adapter is loaded only by a command that connects: `--help` and flag errors never pay for it.
    const connector = this.connector ?? onUse.kubeCluster().connectCluster;
    return connector(connectionFlags);
  }

  /**
   * Connects as {@link connect} does, behind a {@link RetryingCluster}: throttling, server errors and dropped
   * connections are retried on the context's clock within a bounded budget, so one blip does not fail a command.
   */
  public async connectWithRetries(command: Command): Promise<ClusterConnection> {
    const { cluster, namespace } = await this.connect(command);
    const { RetryingCluster } = onUse.retryingCluster();
    return { cluster: new RetryingCluster(cluster, this.clock), namespace };
  }

  /**
   * How the gates of a promotion reach out, on the context's clock: the process's `gateIo` (tests answer there), else
   * Node's fetch and the shell. Loads the gate runner: call it from an action, not at registration.
   */
  public gateIo(): GateIo {
    return {
      fetch: this.io.gateIo?.fetch ?? ((url, init) => fetch(url, init)),
      exec: this.io.gateIo?.exec ?? onUse.externalGates().execInShell,
      clock: this.clock,
    };
  }

  /**
   * Wraps a command action: its resolved number is the exit code; a thrown error is printed as kubectl prints errors
   * (`error: <message>`) and mapped to its exit code.
   */
  public action<A extends unknown[]>(fn: (...args: A) => Promise<number>): (...args: A) => Promise<void> {
    return async (...args: A) => {
      try {
        this.exitCode = await this.untilInterrupted(fn(...args));
      } catch (error) {
        this.exitCode = this.report(error);
      }
    };
  }

  // After Ctrl-C a command stops on its own: watches and waits end, a promotion keeps its state and releases its
  // Lease. One stuck on a request the server does not answer is given up after INTERRUPT_GRACE_MS instead of holding
  // the terminal until the request times out.
  private async untilInterrupted(running: Promise<number>): Promise<number> {
    const signal = this.io.signal;
    if (!signal) {
      return running;
    }
    const finished = new AbortController();
    const givenUp = new Promise<undefined>((resolve) => {
      const onAbort = () => void this.clock.sleep(INTERRUPT_GRACE_MS, finished.signal).then(() => resolve(undefined));
      if (signal.aborted) {
        onAbort();
      } else {
        signal.addEventListener('abort', onAbort, { once: true });
        finished.signal.addEventListener('abort', () => signal.removeEventListener('abort', onAbort), { once: true });
      }
    });
    try {
      const code = await Promise.race([running, givenUp]);
      if (code !== undefined) {
        return code;
      }
      running.catch(() => undefined);
      this.io.stderr(`interrupted: gave up waiting for the command to stop after ${formatDuration(INTERRUPT_GRACE_MS)}\n`);
      return ExitCode.INTERRUPTED;
    } finally {
      finished.abort();
    }
  }

  /** Prints an error and returns its exit code. */
  public report(error: unknown): number {
    if (ClusterError.is(error, 403)) {
      this.io.stderr(`error: ${error.message}: ${FORBIDDEN_HINT}\n`);
    } else if (RuntimeError.is(error) || ClusterError.is(error)) {
      this.io.stderr(`error: ${error.message}\n`);
    } else {
      this.io.stderr(`error: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
    }
    return exitCodeForError(error);
  }
}
