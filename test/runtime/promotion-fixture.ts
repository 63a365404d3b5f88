// A staged StatefulSet in the in-process sandbox, and a promotion driven on its VirtualClock.
import { InProcessCluster, runtimeClockOf } from './in-process-cluster';
import { RolloutKeys } from '../../src/keys';
import { PartitionPlan } from '../../src/partition-plan';
import { RuntimeClock } from '../../src/runtime/clock';
import { Cluster } from '../../src/runtime/cluster/cluster';
import { KubePod, KubeStatefulSet } from '../../src/runtime/kube/kube-types';
import { PromotionEvent, PromotionOptions, PromotionOutcome } from '../../src/runtime/promotion/promotion-contract';
import { decodePromotionState, PromotionState } from '../../src/runtime/promotion/promotion-state';
import { promoteStatefulSet } from '../../src/runtime/statefulset/partition-promotion';
import { KubeObject, RESOURCES, SandboxApi } from '../../src/sandbox/api';
import { VirtualClock } from '../../src/sandbox/clock';
import { Controllers, KubeletOptions, startControllers } from '../../src/sandbox/controllers';
import { makeNodes } from '../../src/sandbox/nodes';
import { createSandboxApi } from '../../src/sandbox/store';

/** Fast kubelets: a pod runs 2 s after it is scheduled. */
export const FAST_KUBELET: KubeletOptions = { imagePullMs: 500, containerStartMs: 1500, terminationMs: 500 };

/** An in-process sandbox with a Cluster view of it. */
export interface PromotionSandbox {
  readonly api: SandboxApi;
  readonly clock: VirtualClock;
  readonly runtimeClock: RuntimeClock;
  readonly cluster: InProcessCluster;
  readonly controllers: Controllers;
  /** Advances virtual time (letting promises settle between timers) until `predicate` holds. */
  runUntil(predicate: () => boolean, maxVirtualMs?: number): Promise<void>;
  /** Creates a StatefulSet on `image`, staged (partition pinned), and waits until every pod is Ready. */
  createStaged(name: string, replicas: number, options?: { image?: string; spec?: Record<string, unknown> }): Promise<void>;
  /** Changes the image (the update the promotion rolls out), with optional template annotations. */
  stageImage(name: string, image: string, podAnnotations?: Record<string, string>): void;
  sts(name: string): KubeStatefulSet;
  pods(name: string): KubePod[];
  state(name: string): PromotionState | undefined;
  stop(): void;
}

/** Starts the sandbox with `nodes` nodes. */
export function startPromotionSandbox(nodes = 3, kubelet: KubeletOptions = FAST_KUBELET): PromotionSandbox {
  const clock = new VirtualClock();
  const api = createSandboxApi({ clock });
  for (const node of makeNodes(nodes, clock.now())) {
    api.create(RESOURCES.nodes, node);
  }
  const controllers = startControllers(api, { clock, kubelet });
  const sandbox: PromotionSandbox = {
    api,
    clock,
    runtimeClock: runtimeClockOf(clock),
    cluster: new InProcessCluster(api),
    controllers,
    runUntil: (predicate, maxVirtualMs = 3_600_000) => clock.runUntil(predicate, { maxVirtualMs }),
    async createStaged(name, replicas, options = {}) {
      api.create(RESOURCES.statefulSets, statefulSetManifest(name, replicas, options.image ?? `${name}:1`, options.spec));
      await sandbox.runUntil(() => sandbox.pods(name).length === replicas && sandbox.pods(name).every(isReady));
    },
    stageImage(name, image, podAnnotations) {
      const sts = api.get(RESOURCES.statefulSets, 'default', name)!;
      const template = sts.spec.template;
      template.spec.containers[0].image = image;
      if (podAnnotations) {
        template.metadata.annotations = { ...template.metadata.annotations, ...podAnnotations };
      }
      api.update(RESOURCES.statefulSets, sts);
    },
    sts: (name) => api.get(RESOURCES.statefulSets, 'default', name) as unknown as KubeStatefulSet,
    pods: (name) => api.list(RESOURCES.pods, { namespace: 'default', labelSelector: `app=${name}` }).items
      .sort((a, b) => ordinal(a) - ordinal(b)) as unknown as KubePod[],
    state: (name) => decodePromotionState(sandbox.sts(name).metadata.annotations?.[RolloutKeys.STATE_ANNOTATION], `statefulset/${name}`),
    stop: () => controllers.stop(),
  };
  return sandbox;
}

/** A StatefulSet selecting `app=<name>` with the update staged (partition pinned at 32767). */
export function statefulSetManifest(name: string, replicas: number, image: string, spec: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name, namespace: 'default' },
    spec: {
      replicas,
      serviceName: name,
      selector: { matchLabels: { app: name } },
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: PartitionPlan.STAGED_PARTITION } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name, image }] } },
      ...spec,
    },
  };
}

/** Whether a pod is Ready. */
export function isReady(pod: KubePod): boolean {
  return (pod.status?.conditions ?? []).some((condition) => condition.type === 'Ready' && condition.status === 'True');
}

/** The pods' images by name, e.g. `{ 'kafka-0': 'kafka:1' }`. */
export function imagesOf(pods: readonly KubePod[]): Record<string, string> {
  return Object.fromEntries(pods.map((pod) => [pod.metadata.name, pod.spec?.containers?.[0]?.image ?? '']));
}

function ordinal(pod: KubeObject): number {
  return Number(/-(\d+)$/.exec(pod.metadata.name ?? '')?.[1] ?? 0);
}

/** The partitions a promotion wrote, in order, from its `step-started` events. */
export function partitionsWritten(events: readonly PromotionEvent[]): number[] {
  return events.flatMap((event) => (event.type === 'step-started' ? [event.partition] : []));
}

/** A running promotion: its events as they arrive and its result once settled. */
export interface RunningPromotion {
  readonly events: PromotionEvent[];
  readonly promise: Promise<PromotionOutcome>;
  settled(): boolean;
  /** The outcome, or throws the promotion's error. */
  result(): Promise<PromotionOutcome>;
}

/** Starts a promotion against `cluster` (the sandbox's by default). */
export function startPromotion(sandbox: PromotionSandbox,
  options: Partial<PromotionOptions> & { name: string; cluster?: Cluster }): RunningPromotion {
  const events: PromotionEvent[] = [];
  let settled = false;
  const { name, ...rest } = options;
  const promise = promoteStatefulSet({
    cluster: sandbox.cluster,
    clock: sandbox.runtimeClock,
    workload: { kind: 'StatefulSet', namespace: 'default', name },
    holder: 'test-promoter',
    ...rest,
    onEvent: (event) => {
      events.push(event);
      rest.onEvent?.(event);
    },
  });
  promise.then(() => { settled = true; }, () => { settled = true; });
  return { events, promise, settled: () => settled, result: () => promise };
}
