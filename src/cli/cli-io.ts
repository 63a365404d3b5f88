// Everything the CLI touches outside itself, passed in so tests run commands in-process against a sandbox.
import { ExitCode } from './exit-codes';
import { RuntimeClock, SystemClock } from '../runtime/clock';
import { GateIo } from '../runtime/promotion/external-gates';

/** The process around a CLI run. */
export interface CliIo {
  /** Writes to standard output (text is written as given; lines carry their own newline). */
  stdout: (text: string) => void;
  /** Writes to standard error. */
  stderr: (text: string) => void;
  /** Whether standard output is a terminal (live views instead of plain lines). */
  isTTY: boolean;
  /** The terminal's width in columns now, when standard output is one. @default unknown */
  columns?: () => number | undefined;
  /** The environment (`KUBECONFIG`, `NO_COLOR`...). */
  env: Record<string, string | undefined>;
  /** The clock every wait and timeout uses. @default the wall clock */
  clock?: RuntimeClock;
  /** Aborts on Ctrl-C: watches and waits stop and the command returns. @default never */
  signal?: AbortSignal;
  /**
   * How `promote --gate` checks reach out: `http=`/`prom=` fetch, `exec=` runs a shell command. Both are real I/O the
   * virtual clock cannot wait for, so in-process tests answer them.
   * @default Node's global fetch and the shell
   */
  gateIo?: Pick<GateIo, 'fetch' | 'exec'>;
}

/**
 * The real process: stdout, stderr, the environment, the wall clock, and an abort on SIGINT/SIGTERM. The first signal
 * aborts the command (it stops waiting, keeps a promotion's state and releases its Lease); a second one, for a command
 * that does not stop, exits at once, with the same exit code. A reader that goes away (`kubectl-stage --help | head`)
 * stops the command the same way, quietly, as SIGPIPE stops kubectl, instead of an unhandled EPIPE with a stack trace.
 */
export function processIo(): CliIo {
  const interrupted = new AbortController();
  const stop = () => {
    if (interrupted.signal.aborted) {
      process.exit(ExitCode.INTERRUPTED);
    }
    interrupted.abort();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  let readerGone = false;
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') {
      throw error;
    }
    readerGone = true;
    interrupted.abort();
  });
  return {
    stdout: (text) => readerGone || process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    isTTY: Boolean(process.stdout.isTTY),
    columns: () => process.stdout.columns,
    env: process.env,
    clock: new SystemClock(),
    signal: interrupted.signal,
  };
}
