// What a rehearsal's pods answer on their metrics port when their StatefulSet declares a restart order, so the ordered
// restart is rehearsed (followers first, the leader last) instead of failing for want of metrics: no server runs in the
// sandbox. Leadership is simulated as ZooKeeper's fast leader election settles an ensemble whose servers have the same
// zxid (the highest server id wins, and ZooKeeperEnsemble numbers servers by ordinal, so the highest ordinal leads),
// and a leader that stops hands over to the highest running pod; a KRaft quorum is modelled the same way. Enough to
// rehearse the order and its timing, not to predict which pod leads in a real cluster.
import { RolloutKeys } from '../keys';
import { parseRestartOrder, RestartOrder } from '../restart-order';
import { KubeObject, RESOURCES, SandboxApi } from '../sandbox/api';
import { PodMetrics } from '../sandbox/pod-metrics';

/** The container port the promoter reads leadership from (the data-aware gates' `metrics` port). */
const METRICS_PORT_NAME = 'metrics';

/**
 * Serves simulated leadership metrics on every pod of `sts` when it declares a restart order and its pods have a
 * container port named `metrics`; does nothing otherwise (the promotion then says what is missing).
 */
export function serveSimulatedLeadership(podMetrics: PodMetrics, api: SandboxApi, sts: KubeObject): void {
  const order = parseRestartOrder(sts.metadata.annotations?.[RolloutKeys.RESTART_ORDER_ANNOTATION] ?? '');
  const port = (sts.spec?.template?.spec?.containers ?? []).flatMap((container: any) => container.ports ?? [])
    .find((candidate: any) => candidate.name === METRICS_PORT_NAME)?.containerPort;
  if (!order || typeof port !== 'number') {
    return;
  }
  const namespace: string = sts.metadata.namespace ?? 'default';
  const name: string = sts.metadata.name!;
  const replicas: number = sts.spec?.replicas ?? 1;
  const start: number = sts.spec?.ordinals?.start ?? 0;
  const names = Array.from({ length: replicas }, (_, index) => `${name}-${start + index}`);
  // The leader's pod name and uid: a pod recreated under the same name is a restart, which ends its leadership.
  let leader: { name: string; uid: string } | undefined;
  const running = () => names.map((podName) => api.get(RESOURCES.pods, namespace, podName))
    .filter((pod): pod is KubeObject => pod !== undefined && isRunning(pod));
  const currentLeader = (): string | undefined => {
    const live = running();
    if (!leader || !live.some((pod) => pod.metadata.name === leader!.name && pod.metadata.uid === leader!.uid)) {
      const highest = live[live.length - 1];
      leader = highest ? { name: highest.metadata.name!, uid: highest.metadata.uid! } : undefined;
    }
    return leader?.name;
  };
  for (const podName of names) {
    podMetrics.set(namespace, podName, port, (pod) => {
      const leads = pod.metadata.name === currentLeader();
      if (order === RestartOrder.KRAFT_CONTROLLER_LAST) {
        return `kafka_controller_kafkacontroller_activecontrollercount ${leads ? 1 : 0}\n`;
      }
      const servers = running().length;
      return `quorum_size ${replicas}\n${leads ? `synced_followers ${servers - 1}\n` : ''}`;
    });
  }
}

// Running with every container started, as the pod proxy requires to answer.
function isRunning(pod: KubeObject): boolean {
  const statuses: any[] = pod.status?.containerStatuses ?? [];
  return !pod.metadata.deletionTimestamp && pod.status?.phase === 'Running' && statuses.length > 0
    && statuses.every((status) => status.state?.running !== undefined);
}
