// kubectl-stage run in-process (`run(argv, io)`) against the sandbox over HTTP, next to the real kubectl on the same
// objects, on the sandbox's virtual clock.
import { ClusterConnector } from '../../src/cli/cli-context';
import { run } from '../../src/cli/main';
import { KubePod } from '../../src/runtime/kube/kube-types';
import { KubeObject, RESOURCES } from '../../src/sandbox/api';
import { VirtualClock } from '../../src/sandbox/clock';
import { KubeletOptions } from '../../src/sandbox/controllers';
import { Sandbox, startSandbox } from '../../src/sandbox/start-sandbox';
import { runtimeClockOf } from '../runtime/in-process-cluster';
import { isReady, statefulSetManifest } from '../runtime/promotion-fixture';
import { kubectl, KubectlResult } from '../sandbox/server/sandbox-clients';

/** What one kubectl-stage run printed and returned. */
export interface CliResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly code: number;
}

/** A sandbox with helpers to create workloads and run both CLIs. */
export interface CliSandbox {
  readonly sandbox: Sandbox;
  /**
   * Runs kubectl-stage with the sandbox's kubeconfig, moving virtual time until it returns; `connector` replaces how it
   * connects (to wrap the cluster, e.g. to record its requests).
   */
  stage(args: readonly string[], options?: { isTTY?: boolean; signal?: AbortSignal; connector?: ClusterConnector }): Promise<CliResult>;
  /** Runs the real kubectl. */
  kubectl(args: readonly string[]): Promise<KubectlResult>;
  pods(app: string): KubePod[];
  /** Creates a StatefulSet on `image` (rolling updates, no pin) and waits for its pods. */
  createStatefulSet(name: string, replicas: number, image: string, spec?: Record<string, unknown>): Promise<void>;
  /** Changes the first container's image (and the change-cause annotation, when given). */
  setImage(kind: 'statefulSets' | 'daemonSets', name: string, image: string, changeCause?: string): void;
  /** Moves virtual time until `predicate` holds. */
  until(predicate: () => boolean): Promise<void>;
}

/** Starts a virtual-clock sandbox with fast kubelets. */
export async function startCliSandbox(kubelet: KubeletOptions = {}, nodes = 3): Promise<CliSandbox> {
  const sandbox = await startSandbox({
    clock: 'virtual', nodes, kubelet: { imagePullMs: 500, containerStartMs: 1500, terminationMs: 500, ...kubelet },
  });
  const clock = runtimeClockOf(sandbox.clock as VirtualClock);
  const pods = (app: string) => (sandbox.api.list(RESOURCES.pods, { namespace: 'default', labelSelector: `app=${app}` }).items as unknown as KubePod[])
    .sort((a, b) => (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''));
  const cli: CliSandbox = {
    sandbox,
    async stage(args, options = {}) {
      let stdout = '';
      let stderr = '';
      const running = run(['--kubeconfig', sandbox.kubeconfigPath, ...args], {
        stdout: (text) => { stdout += text; },
        stderr: (text) => { stderr += text; },
        isTTY: options.isTTY ?? false,
        env: {},
        clock,
        signal: options.signal,
      }, options.connector);
      await sandbox.runUntil(running);
      return { stdout, stderr, code: await running };
    },
    kubectl: (args) => kubectl(sandbox, args),
    pods,
    async createStatefulSet(name, replicas, image, spec = {}) {
      sandbox.api.create(RESOURCES.statefulSets, statefulSetManifest(name, replicas, image, { updateStrategy: { type: 'RollingUpdate' }, ...spec }));
      await sandbox.runUntil(() => pods(name).filter(isReady).length === replicas);
    },
    setImage(kind, name, image, changeCause) {
      const object = sandbox.api.get(RESOURCES[kind], 'default', name) as KubeObject;
      object.spec.template.spec.containers[0].image = image;
      if (changeCause) {
        object.metadata.annotations = { ...object.metadata.annotations, 'kubernetes.io/change-cause': changeCause };
      }
      sandbox.api.update(RESOURCES[kind], object);
    },
    until: (predicate) => sandbox.runUntil(predicate),
  };
  return cli;
}

/** Whether every pod of `app` runs `image` and is Ready (and there are `count` of them). */
export function allOn(cli: CliSandbox, app: string, image: string, count: number): boolean {
  const pods = cli.pods(app).filter((pod) => !pod.metadata.deletionTimestamp);
  return pods.length === count && pods.every((pod) => isReady(pod) && pod.spec?.containers?.[0]?.image === image);
}
