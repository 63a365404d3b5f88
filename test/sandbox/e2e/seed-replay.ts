// The seed replays' layer over the sandbox kit (served over HTTP, the seeds' kubelet timing): one sandbox and one
// kubectl session per test file, started before its tests and stopped after them, and a way to run a blocking
// command that holds the virtual clock until kubectl is ready for time to move.
import { BackgroundCommand, CommandResult, KubectlSession } from './kubectl-session';
import type { KubeDaemonSet, KubeStatefulSet } from '../../../src/runtime/kube/kube-types';
import { kubectlDaemonSetStatus, kubectlStatefulSetStatus } from '../../../src/runtime/rollout/kubectl-rollout-status';
import { RESOURCES } from '../../../src/sandbox/api';
import { Sandbox } from '../../../src/sandbox/start-sandbox';
import { HttpSandboxKitOptions, startSandboxKit } from '../../support/sandbox-kit';

/** The sandbox and session of one test file (available once its `beforeAll` has run). */
export interface SeedReplay {
  /** The sandbox the commands talk to. */
  readonly sandbox: Sandbox;
  /** The shell session the commands run in. */
  readonly session: KubectlSession;
  /**
   * Runs a command that only returns once the cluster has moved on (`rollout status`, `delete` waiting for the
   * object to go): the clock stays still until `started` resolves (by default: the command printed its first
   * line), then runs until the command exits or `until` holds, and then stays still again while the command sees
   * the last change and exits. Stopping at `until` matters on a loaded machine: kubectl may take a while to exit,
   * and the clock must not run on through periodic timers (bookmarks, probes) meanwhile.
   */
  runBlocking(command: string, options?: BlockingOptions): Promise<CommandResult>;
}

/** How {@link SeedReplay.runBlocking} knows when to start and stop the clock. */
export interface BlockingOptions {
  /** Resolves when the command is ready for time to move. @default its first line of output */
  readonly started?: (process: BackgroundCommand) => Promise<void>;
  /**
   * Whether the cluster has reached what the command waits for.
   * @default for `kubectl rollout status`, kubectl's own done condition on the workload; otherwise the command's exit
   */
  readonly until?: () => boolean;
}

/** Resolves when the command has printed its first line. */
export function firstLine(process: BackgroundCommand): Promise<void> {
  return process.waitForOutput((text) => text.includes('\n'));
}

/**
 * Registers `beforeAll`/`afterAll` hooks that start a sandbox kit over HTTP with `options` (the seeds' kubelet timing
 * unless they say) and a session on it, and stop both.
 *
 * @param prepare runs after the sandbox starts and before the session opens (e.g. to add named nodes)
 */
export function useSeedReplay(options: Omit<HttpSandboxKitOptions, 'transport'>, prepare?: (sandbox: Sandbox) => void): SeedReplay {
  let sandbox: Sandbox | undefined;
  let session: KubectlSession | undefined;
  beforeAll(async () => {
    sandbox = (await startSandboxKit({ kubeletTiming: 'sandbox', ...options, transport: 'http' })).sandbox;
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
    async runBlocking(command, blocking = {}) {
      const process = started(session, 'session').start(command);
      await Promise.race([(blocking.started ?? firstLine)(process).catch(() => undefined), process.done]);
      const replaySandbox = started(sandbox, 'sandbox');
      const until = blocking.until ?? rolloutStatusDone(replaySandbox, command);
      await replaySandbox.runUntil(Promise.race([process.done, whenTrue(replaySandbox, until)]));
      return process.done;
    },
  };
}

// The kinds whose changes `until` predicates look at.
const WATCHED_TYPES = [RESOURCES.pods, RESOURCES.statefulSets, RESOURCES.daemonSets];

// Resolves once `until` holds, checked now and after every committed change of a watched kind (store watches are
// synchronous, so no change is missed and nothing polls).
function whenTrue(sandbox: Sandbox, until: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    const stops: (() => void)[] = [];
    const check = () => {
      if (until()) {
        stops.splice(0).forEach((stop) => stop());
        resolve();
      }
    };
    for (const type of WATCHED_TYPES) {
      stops.push(sandbox.api.watch(type, { resourceVersion: sandbox.api.listView(type).resourceVersion }, check));
    }
    check();
  });
}

// For `kubectl rollout status KIND NAME [-n NS]`: kubectl's own done condition on the stored workload (found by name
// in any namespace when the command names none, since the session's context may have switched namespaces).
function rolloutStatusDone(sandbox: Sandbox, command: string): () => boolean {
  const match = /^kubectl rollout status (sts|ds)[ /](\S+)(?: -n (\S+))?$/.exec(command);
  if (!match) {
    return () => false;
  }
  const [, kind, name, namespace] = match;
  const type = kind === 'sts' ? RESOURCES.statefulSets : RESOURCES.daemonSets;
  return () => {
    const found = sandbox.api.listView(type, { namespace, fieldSelector: `metadata.name=${name}` }).items;
    if (found.length !== 1) {
      return false;
    }
    return kind === 'sts' ? kubectlStatefulSetStatus(found[0] as unknown as KubeStatefulSet).done
      : kubectlDaemonSetStatus(found[0] as unknown as KubeDaemonSet).done;
  };
}

/** The lines a repeating command (`rollout status`) printed, without the repeats of an unchanged line. */
export function distinctLines(output: string): string[] {
  return output.trim().split('\n').filter((line, index, lines) => line !== lines[index - 1]);
}

/** The last line a command printed. */
export function lastLine(output: string): string {
  return output.trim().split('\n').pop() ?? '';
}
