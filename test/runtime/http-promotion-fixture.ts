// The sandbox's HTTP API server on a virtual clock, a staged StatefulSet in it, and promotions that reach it through
// @kubernetes/client-node (kube-cluster.ts) exactly as `kubectl-stage` does.
import { runtimeClockOf } from './in-process-cluster';
import { isReady, statefulSetManifest } from './promotion-fixture';
import { RuntimeClock } from '../../src/runtime/clock';
import { Cluster } from '../../src/runtime/cluster/cluster';
import { connectCluster } from '../../src/runtime/cluster/kube-cluster';
import { RetryingCluster } from '../../src/runtime/cluster/retrying-cluster';
import { KubePod, KubeStatefulSet } from '../../src/runtime/kube/kube-types';
import { PromotionEvent, PromotionOptions, PromotionOutcome } from '../../src/runtime/promotion/promotion-contract';
import { promoteStatefulSet } from '../../src/runtime/statefulset/partition-promotion';
import { RESOURCES } from '../../src/sandbox/api';
import { VirtualClock } from '../../src/sandbox/clock';
import { Sandbox, startSandbox } from '../../src/sandbox/start-sandbox';

/** A sandbox served over HTTP and a client-node Cluster connected to it through its kubeconfig file. */
export interface HttpPromotionSandbox {
  readonly sandbox: Sandbox;
  readonly clock: RuntimeClock;
  /** The client-node Cluster, behind the retrying layer. */
  readonly cluster: Cluster;
  pods(name: string): KubePod[];
  sts(name: string): KubeStatefulSet;
  /** Creates `name` staged on `<name>:1`, waits for its pods, then stages `image`. */
  stage(name: string, replicas: number, image: string, podAnnotations?: Record<string, string>): Promise<void>;
  /** Runs a promotion to its end on virtual time. */
  promote(options: Partial<PromotionOptions> & { name: string }): Promise<{ outcome: PromotionOutcome; events: PromotionEvent[] }>;
}

/** Starts the sandbox (fast kubelets) and connects to it. */
export async function startHttpPromotionSandbox(): Promise<HttpPromotionSandbox> {
  const sandbox = await startSandbox({ clock: 'virtual', kubelet: { imagePullMs: 500, containerStartMs: 1500, terminationMs: 500 } });
  const clock = runtimeClockOf(sandbox.clock as VirtualClock);
  const connected = await connectCluster({ kubeconfig: sandbox.kubeconfigPath });
  const cluster = new RetryingCluster(connected.cluster, clock);
  const fixture: HttpPromotionSandbox = {
    sandbox,
    clock,
    cluster,
    pods: (name) => (sandbox.api.list(RESOURCES.pods, { namespace: 'default', labelSelector: `app=${name}` }).items as unknown as KubePod[])
      .sort((a, b) => (a.metadata.name ?? '').localeCompare(b.metadata.name ?? '')),
    sts: (name) => sandbox.api.get(RESOURCES.statefulSets, 'default', name) as unknown as KubeStatefulSet,
    async stage(name, replicas, image, podAnnotations) {
      sandbox.api.create(RESOURCES.statefulSets, statefulSetManifest(name, replicas, `${name}:1`));
      await sandbox.runUntil(() => fixture.pods(name).filter(isReady).length === replicas);
      const sts = sandbox.api.get(RESOURCES.statefulSets, 'default', name)!;
      sts.spec.template.spec.containers[0].image = image;
      sts.spec.template.metadata.annotations = { ...sts.spec.template.metadata.annotations, ...podAnnotations };
      sandbox.api.update(RESOURCES.statefulSets, sts);
    },
    async promote(options) {
      const events: PromotionEvent[] = [];
      const { name, ...rest } = options;
      const promotion = promoteStatefulSet({
        cluster,
        clock,
        workload: { kind: 'StatefulSet', namespace: 'default', name },
        holder: 'http-test',
        onEvent: (event) => events.push(event),
        ...rest,
      });
      await sandbox.runUntil(promotion);
      return { outcome: await promotion, events };
    },
  };
  return fixture;
}
