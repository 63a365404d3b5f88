// The CLI tests' layer over the sandbox kit: the sandbox served over HTTP, and both command lines run against its
// kubeconfig on its virtual clock: kubectl-stage in process (`run(argv, io)`) and the real kubectl beside it.
import { isReady } from './pod-readiness';
import { HttpSandboxKit, HttpSandboxKitOptions, startSandboxKit } from './sandbox-kit';
import { ClusterConnector } from '../../src/cli/cli-context';
import { CliIo, run } from '../../src/cli/main';
import { kubectl, KubectlResult } from '../sandbox/server/sandbox-clients';

/** What one kubectl-stage run printed and returned. */
export interface CliResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly code: number;
}

/** How {@link CliKit.stage} runs kubectl-stage. */
export interface StageRunOptions {
  /** Whether stdout is a terminal. @default false */
  readonly isTTY?: boolean;
  /** Aborts the run (Ctrl-C). @default never */
  readonly signal?: AbortSignal;
  /** Replaces how it connects (to wrap the cluster, e.g. to record its requests). @default the CLI's own */
  readonly connector?: ClusterConnector;
  /** Answers `--gate` checks in process. @default the CLI's (real fetch and shell) */
  readonly gateIo?: CliIo['gateIo'];
}

/** The sandbox over HTTP, plus the two command lines. */
export interface CliKit extends HttpSandboxKit {
  /** Runs kubectl-stage with the sandbox's kubeconfig, moving virtual time until it returns. */
  stage(args: readonly string[], options?: StageRunOptions): Promise<CliResult>;
  /** Runs the real kubectl. */
  kubectl(args: readonly string[]): Promise<KubectlResult>;
}

/** Starts the sandbox kit over HTTP (fast kubelets unless the options say) with the command lines. */
export async function startCliKit(options: Omit<HttpSandboxKitOptions, 'transport'> = {}): Promise<CliKit> {
  const kit = await startSandboxKit({ ...options, transport: 'http' });
  return {
    ...kit,
    async stage(args, stageOptions = {}) {
      let stdout = '';
      let stderr = '';
      const running = run(['--kubeconfig', kit.sandbox.kubeconfigPath, ...args], {
        stdout: (text) => { stdout += text; },
        stderr: (text) => { stderr += text; },
        isTTY: stageOptions.isTTY ?? false,
        env: {},
        clock: kit.runtimeClock,
        signal: stageOptions.signal,
        gateIo: stageOptions.gateIo,
      }, stageOptions.connector);
      await kit.runUntil(running);
      return { stdout, stderr, code: await running };
    },
    kubectl: (args) => kubectl(kit.sandbox, args),
  };
}

/** Whether `count` live pods of `app` exist, every one Ready on `image`. */
export function allOn(kit: HttpSandboxKit, app: string, image: string, count: number): boolean {
  const pods = kit.pods(app).filter((pod) => !pod.metadata.deletionTimestamp);
  return pods.length === count && pods.every((pod) => isReady(pod) && pod.spec?.containers?.[0]?.image === image);
}
