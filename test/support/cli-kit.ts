// The CLI tests' layer over the sandbox kit: the sandbox served over HTTP, and both command lines run against its
// kubeconfig on its virtual clock: kubectl-stage in process (`run(argv, io)`) and the real kubectl beside it.
import { CommandResult, KubectlStageRunOptions, runKubectlStage } from './kubectl-stage-run';
import { isReady } from './pod-readiness';
import { kubectl } from './sandbox-clients';
import { HttpSandboxKit, HttpSandboxKitOptions, SandboxKit, startSandboxKit } from './sandbox-kit';

/** How {@link CliKit.stage} runs kubectl-stage: the kubeconfig and clock are the sandbox's. */
export type StageRunOptions = Omit<KubectlStageRunOptions, 'kubeconfig' | 'clock' | 'env'>;

/** The sandbox over HTTP, plus the two command lines. */
export interface CliKit extends HttpSandboxKit {
  /** Runs kubectl-stage with the sandbox's kubeconfig, moving virtual time until it returns. */
  stage(args: readonly string[], options?: StageRunOptions): Promise<CommandResult>;
  /** Runs the real kubectl. */
  kubectl(args: readonly string[]): Promise<CommandResult>;
}

/** Starts the sandbox kit over HTTP (fast kubelets unless the options say) with the command lines. */
export async function startCliKit(options: Omit<HttpSandboxKitOptions, 'transport'> = {}): Promise<CliKit> {
  const kit = await startSandboxKit({ ...options, transport: 'http' });
  return {
    ...kit,
    async stage(args, stageOptions = {}) {
      const running = runKubectlStage(args, { ...stageOptions, kubeconfig: kit.sandbox.kubeconfigPath, clock: kit.runtimeClock });
      await kit.runUntil(running);
      return running;
    },
    kubectl: (args) => kubectl(kit.sandbox, args),
  };
}

/** Whether `count` live pods of `app` exist, every one Ready on `image`. */
export function allOn(kit: SandboxKit, app: string, image: string, count: number): boolean {
  const pods = kit.pods(app).filter((pod) => !pod.metadata.deletionTimestamp);
  return pods.length === count && pods.every((pod) => isReady(pod) && pod.spec?.containers?.[0]?.image === image);
}
