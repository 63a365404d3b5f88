// The one way a test starts a sandbox: the sandbox's store, nodes, controllers and kubelets on a VirtualClock the test
// moves, reached either in process (the store itself, and InProcessCluster as the runtime's Cluster) or over HTTP (the
// sandbox's HTTPS API server, and the runtime's client-node Cluster connected through its kubeconfig, exactly as
// kubectl-stage reaches a cluster), with the reads and writes the tests of every tier share.
import { InProcessCluster } from './in-process-cluster';
import { isReady } from './pod-readiness';
import { statefulSetManifest, StatefulSetManifestOptions } from './workload-manifests';
import { RolloutKeys } from '../../src/keys';
import { CLUSTER_RESOURCES } from '../../src/rehearsal/sandbox-cluster';
import { runtimeClockOf } from '../../src/rehearsal/virtual-runtime-clock';
import { RuntimeClock } from '../../src/runtime/clock';
import { Cluster } from '../../src/runtime/cluster/cluster';
import { connectCluster } from '../../src/runtime/cluster/kube-cluster';
import { RetryingCluster } from '../../src/runtime/cluster/retrying-cluster';
import { KubeStatefulSet } from '../../src/runtime/kube/kube-types';
import { decodePromotionState, PromotionState } from '../../src/runtime/promotion/promotion-state';
import { KubeObject, RESOURCES, SandboxApi } from '../../src/sandbox/api';
import { VirtualClock } from '../../src/sandbox/clock';
import { KubeletOptions, KubeletSimulator, startControllers } from '../../src/sandbox/controllers';
import { makeNodes, NodeSpecInput } from '../../src/sandbox/nodes';
import { PodMetrics } from '../../src/sandbox/pod-metrics';
import { Sandbox, startSandbox } from '../../src/sandbox/start-sandbox';
import { createSandboxApi } from '../../src/sandbox/store';

/** Fast kubelets: a pod runs 2 s after it is scheduled. */
const FAST_KUBELET: KubeletOptions = { imagePullMs: 500, containerStartMs: 1500, terminationMs: 500 };

/**
 * The kubelet timing the `kubelet` options are laid over: 'fast' ({@link FAST_KUBELET}) or 'sandbox' (the sandbox's own
 * defaults, the seeds' timing: a pod runs 10 s after it is scheduled).
 */
export type KubeletTiming = 'fast' | 'sandbox';

/** Options of both transports. */
export interface SandboxKitCommonOptions {
  /** The timing the kubelet options are laid over. @default 'fast' */
  readonly kubeletTiming?: KubeletTiming;
  /** Kubelet options laid over the timing (failure rules, a slower pull ...). @default {} */
  readonly kubelet?: KubeletOptions;
}

/** Options of an in-process sandbox. */
export interface InProcessSandboxKitOptions extends SandboxKitCommonOptions {
  /** How the test reaches the sandbox. @default 'in-process' */
  readonly transport?: 'in-process';
  /** Nodes: a count of default nodes, or one spec per node. @default 3 */
  readonly nodes?: number | NodeSpecInput[];
  /** Whether StatefulSets honour `rollingUpdate.maxUnavailable`. @default true */
  readonly maxUnavailableStatefulSet?: boolean;
}

/** Options of a sandbox served over HTTP. */
export interface HttpSandboxKitOptions extends SandboxKitCommonOptions {
  /** How the test reaches the sandbox. */
  readonly transport: 'http';
  /** Default nodes. @default 3 */
  readonly nodes?: number;
}

/** Which workload a kit method reads or changes, besides its name. */
export interface WorkloadOptions {
  /** The workload's kind. @default 'StatefulSet' */
  readonly kind?: 'StatefulSet' | 'DaemonSet';
  /** The workload's namespace. @default 'default' */
  readonly namespace?: string;
}

/** What {@link SandboxKit.setImage} changes besides the image. */
export interface SetImageOptions extends WorkloadOptions {
  /** Annotations merged into the pod template. @default - none */
  readonly podAnnotations?: Record<string, string>;
  /** The workload's `kubernetes.io/change-cause` annotation (what `rollout history` shows). @default - unchanged */
  readonly changeCause?: string;
}

/** A started sandbox on a virtual clock, and the runtime's view of it. */
export interface SandboxKit<C extends Cluster = Cluster> {
  /** The sandbox's store (tests read and seed objects directly). */
  readonly api: SandboxApi;
  /** The virtual clock everything runs on. */
  readonly clock: VirtualClock;
  /** The same clock as the runtime's RuntimeClock. */
  readonly runtimeClock: RuntimeClock;
  /** The runtime's Cluster over the transport. */
  readonly cluster: C;
  /** The simulated kubelets (to add or clear failure rules while the sandbox runs). */
  readonly kubelet: KubeletSimulator;
  /** The pods' simulated metrics endpoints, which the runtime reaches through the pod proxy. */
  readonly podMetrics: PodMetrics;
  /**
   * Advances virtual time, letting promises (and over HTTP, requests) settle between timers, until `until()` holds or
   * the promise settles.
   */
  runUntil(until: (() => boolean) | Promise<unknown>, maxVirtualMs?: number): Promise<void>;
  /**
   * Fires timers one by one, synchronously, until `predicate` holds (for the controllers, which need no promise to
   * settle); throws after `maxVirtualMs` of virtual time or when no timer is left.
   */
  advanceUntil(predicate: () => boolean, maxVirtualMs?: number): void;
  /** Pods of namespace default labelled `app=<app>`, by name (ordinals in numeric order). */
  pods(app: string): KubeObject[];
  /** The StatefulSet, which must exist. */
  statefulSet(name: string): KubeStatefulSet;
  /** The promotion state annotated on workload `name`, if any. */
  promotionState(name: string, options?: WorkloadOptions): PromotionState | undefined;
  /** Creates a StatefulSet and waits until all its pods are Ready. */
  createStatefulSet(name: string, options?: StatefulSetManifestOptions): Promise<void>;
  /** Changes the first container's image of workload `name` (the update a rollout rolls out). */
  setImage(name: string, image: string, options?: SetImageOptions): void;
  /** Stops the controllers (and over HTTP, the server). */
  stop(): Promise<void>;
}

/** An in-process sandbox: its Cluster records calls, injects faults and ends watches. */
export type InProcessSandboxKit = SandboxKit<InProcessCluster>;

/** A sandbox served over HTTP: its Cluster is the client-node one behind the retrying layer. */
export interface HttpSandboxKit extends SandboxKit {
  /** The running sandbox (kubeconfig, faults, nodes, restarts). */
  readonly sandbox: Sandbox;
}

/** Starts a sandbox reached over HTTP. */
export function startSandboxKit(options: HttpSandboxKitOptions): Promise<HttpSandboxKit>;
/** Starts a sandbox reached in process. */
export function startSandboxKit(options?: InProcessSandboxKitOptions): Promise<InProcessSandboxKit>;
export async function startSandboxKit(options: InProcessSandboxKitOptions | HttpSandboxKitOptions = {}): Promise<SandboxKit> {
  const kubelet = { ...(options.kubeletTiming === 'sandbox' ? {} : FAST_KUBELET), ...options.kubelet };
  return options.transport === 'http' ? startOverHttp(options, kubelet) : startInProcess(options, kubelet);
}

function startInProcess(options: InProcessSandboxKitOptions, kubelet: KubeletOptions): InProcessSandboxKit {
  const clock = new VirtualClock();
  const api = createSandboxApi({ clock });
  for (const node of makeNodes(options.nodes ?? 3, clock.now())) {
    api.create(RESOURCES.nodes, node);
  }
  const controllers = startControllers(api, { clock, kubelet, maxUnavailableStatefulSet: options.maxUnavailableStatefulSet });
  const podMetrics = new PodMetrics();
  return kitOver(api, clock, new InProcessCluster(api, podMetrics), controllers.kubelet, podMetrics, {
    runUntil: (until, maxVirtualMs) => clock.runUntil(until, { maxVirtualMs }),
    stop: async () => controllers.stop(),
  });
}

async function startOverHttp(options: HttpSandboxKitOptions, kubelet: KubeletOptions): Promise<HttpSandboxKit> {
  const sandbox = await startSandbox({ clock: 'virtual', nodes: options.nodes ?? 3, kubelet });
  const clock = sandbox.clock as VirtualClock;
  const connected = await connectCluster({ kubeconfig: sandbox.kubeconfigPath });
  const cluster = new RetryingCluster(connected.cluster, runtimeClockOf(clock));
  const kit = kitOver(sandbox.api, clock, cluster, sandbox.kubelet, sandbox.podMetrics, {
    runUntil: (until, maxVirtualMs) => sandbox.runUntil(until, { maxVirtualMs }),
    stop: () => sandbox.stop(),
  });
  return { ...kit, sandbox };
}

// What differs between the transports: how time runs with I/O in flight, and what stops.
type TransportParts = Pick<SandboxKit, 'runUntil' | 'stop'>;

function kitOver<C extends Cluster>(
  api: SandboxApi, clock: VirtualClock, cluster: C, kubelet: KubeletSimulator, podMetrics: PodMetrics, transport: TransportParts,
): SandboxKit<C> {
  const pods = (app: string) => api.list(RESOURCES.pods, { namespace: 'default', labelSelector: `app=${app}` }).items
    .sort((a, b) => a.metadata.name!.localeCompare(b.metadata.name!, 'en', { numeric: true }));
  const workload = (name: string, options: WorkloadOptions = {}) => {
    const type = CLUSTER_RESOURCES[options.kind ?? 'StatefulSet'];
    const found = api.get(type, options.namespace ?? 'default', name);
    if (!found) {
      throw new Error(`${type.resource} ${name} does not exist`);
    }
    return found;
  };
  return {
    api,
    clock,
    runtimeClock: runtimeClockOf(clock),
    cluster,
    kubelet,
    podMetrics,
    runUntil: transport.runUntil,
    advanceUntil: (predicate, maxVirtualMs = 600_000) => {
      const start = clock.now();
      while (!predicate()) {
        if (clock.now() - start > maxVirtualMs || !clock.advanceToNextTimer()) {
          throw new Error(`condition not reached within ${maxVirtualMs} ms of virtual time`);
        }
      }
    },
    pods,
    statefulSet: (name) => workload(name) as unknown as KubeStatefulSet,
    promotionState: (name, options = {}) => decodePromotionState(workload(name, options).metadata.annotations?.[RolloutKeys.STATE_ANNOTATION],
      `${(options.kind ?? 'StatefulSet').toLowerCase()}/${name}`),
    async createStatefulSet(name, manifestOptions = {}) {
      const manifest = api.create(RESOURCES.statefulSets, statefulSetManifest(name, manifestOptions));
      const replicas: number = manifest.spec.replicas;
      await transport.runUntil(() => pods(name).length === replicas && pods(name).every(isReady));
    },
    setImage(name, image, imageOptions = {}) {
      const changed = workload(name, imageOptions);
      const template = changed.spec.template;
      template.spec.containers[0].image = image;
      if (imageOptions.podAnnotations) {
        template.metadata.annotations = { ...template.metadata.annotations, ...imageOptions.podAnnotations };
      }
      if (imageOptions.changeCause) {
        changed.metadata.annotations = { ...changed.metadata.annotations, 'kubernetes.io/change-cause': imageOptions.changeCause };
      }
      api.update(CLUSTER_RESOURCES[imageOptions.kind ?? 'StatefulSet'], changed);
    },
    stop: transport.stop,
  };
}
