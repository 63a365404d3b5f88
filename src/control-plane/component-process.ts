// One control-plane component as a child process: its output kept in a log file for failure reports, its exit
// noticed, and stopped with SIGTERM then SIGKILL. Every process still running when Node exits is killed, so an
// interrupted test run leaves none behind.
import { ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';

const running = new Set<ChildProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) {
    return;
  }
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const child of running) {
      child.kill('SIGKILL');
    }
  });
}

/** A running component. */
export class ComponentProcess {
  /**
   * Starts `binary` with `args`, its stdout and stderr appended to `logPath`.
   * @param name the component's name, for messages
   */
  public static start(name: string, binary: string, args: readonly string[], logPath: string): ComponentProcess {
    installExitHook();
    const log = openSync(logPath, 'a');
    try {
      const child = spawn(binary, args, { stdio: ['ignore', log, log] });
      return new ComponentProcess(name, child, logPath);
    } finally {
      closeSync(log);
    }
  }

  private exitStatus: string | undefined;
  private readonly exited: Promise<void>;

  private constructor(public readonly name: string, private readonly child: ChildProcess, public readonly logPath: string) {
    running.add(child);
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        running.delete(child);
        this.exitStatus = signal ? `killed by ${signal}` : `exited with code ${code}`;
        resolve();
      });
      child.once('error', (error) => {
        running.delete(child);
        this.exitStatus = `could not start: ${error.message}`;
        resolve();
      });
    });
  }

  /** How the process ended, or undefined while it runs. */
  public get exit(): string | undefined {
    return this.exitStatus;
  }

  /** The last `lines` lines of the component's log. */
  public logTail(lines = 30): string {
    try {
      return readFileSync(this.logPath, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
    } catch {
      return '';
    }
  }

  /** Throws with the log's tail when the process has ended. */
  public assertRunning(): void {
    if (this.exitStatus !== undefined) {
      throw new Error(`${this.name} ${this.exitStatus}; the end of its log (${this.logPath}):\n${this.logTail()}`);
    }
  }

  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone. */
  public async stop(graceMs = 5000): Promise<void> {
    if (this.exitStatus !== undefined) {
      return;
    }
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }
}
