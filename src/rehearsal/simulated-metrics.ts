// What a rehearsal's pods answer on their metrics port, so a StatefulSet that declares a restart order or data-aware
// gates (`kafka`, `zookeeper`) is rehearsed as promote would run it instead of failing for want of metrics: no server
// runs in the sandbox. The simulated cluster is healthy whenever its pods run: brokers report no under-replicated,
// offline or under-min-ISR partitions, and the ZooKeeper leader counts every running follower as synced; a pod that
// does not run (a failure injected, a restart) does not answer, so the gates wait for it as they would for a real one.
// Leadership is simulated as ZooKeeper's fast leader election settles an ensemble whose servers have the same zxid
// (the highest server id wins, and ZooKeeperEnsemble numbers servers by ordinal, so the highest ordinal leads), and a
// leader that stops hands over to the highest running pod; a KRaft quorum is modelled the same way. Enough to rehearse
// the order, the gates and their timing, not to predict which pod leads in a real cluster.
import { RolloutKeys } from '../keys';
import { parseRestartOrder, RestartOrder } from '../restart-order';
import { DataGateSpec } from '../runtime/promotion/gate-spec';
import { OFFLINE_PARTITIONS, UNDER_MIN_ISR, UNDER_REPLICATED } from '../runtime/promotion/kafka-health';
import { QUORUM_SIZE, SYNCED_FOLLOWERS } from '../runtime/promotion/zookeeper-health';
import { KubeObject, RESOURCES, SandboxApi } from '../sandbox/api';
import { PodMetrics } from '../sandbox/pod-metrics';

/** The container port the promoter reads metrics from when a gate names none. */
const METRICS_PORT_NAME = 'metrics';

/**
 * Serves simulated metrics on every pod of `sts` for its restart order and its data-aware `gates`, on the container
 * port named `metrics` (and any port a gate names); does nothing when it declares neither, or has no such port (the
 * promotion then says what is missing).
 */
export function serveSimulatedMetrics(podMetrics: PodMetrics, api: SandboxApi, sts: KubeObject, gates: readonly DataGateSpec[]): void {
  const order = parseRestartOrder(sts.metadata.annotations?.[RolloutKeys.RESTART_ORDER_ANNOTATION] ?? '');
  const named = (sts.spec?.template?.spec?.containers ?? []).flatMap((container: any) => container.ports ?? [])
    .find((candidate: any) => candidate.name === METRICS_PORT_NAME)?.containerPort;
  const ports = new Set<number>(gates.flatMap((gate) => gate.port === undefined ? [] : [gate.port]));
  if (typeof named === 'number' && (order !== undefined || gates.some((gate) => gate.port === undefined))) {
    ports.add(named);
  }
  if (ports.size === 0) {
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
  const kafka = gates.some((gate) => gate.type === 'kafka');
  const zookeeper = order === RestartOrder.ZOOKEEPER_LEADER_LAST || gates.some((gate) => gate.type === 'zookeeper');
  const page = (pod: KubeObject): string => {
    const leads = pod.metadata.name === currentLeader();
    const lines: string[] = [];
    if (order === RestartOrder.KRAFT_CONTROLLER_LAST) {
      lines.push(`kafka_controller_kafkacontroller_activecontrollercount ${leads ? 1 : 0}`);
    }
    if (kafka) {
      // Every broker registers the controller's gauges; only the active controller's count can be non-zero.
      lines.push(`${UNDER_REPLICATED} 0`, `${UNDER_MIN_ISR} 0`, `${OFFLINE_PARTITIONS} 0`);
    }
    if (zookeeper) {
      lines.push(`${QUORUM_SIZE} ${replicas}`, ...leads ? [`${SYNCED_FOLLOWERS} ${running().length - 1}`] : []);
    }
    return lines.map((line) => `${line}\n`).join('');
  };
  for (const podName of names) {
    for (const port of ports) {
      podMetrics.set(namespace, podName, port, page);
    }
  }
}

// Running with every container started, as the pod proxy requires to answer.
function isRunning(pod: KubeObject): boolean {
  const statuses: any[] = pod.status?.containerStatuses ?? [];
  return !pod.metadata.deletionTimestamp && pod.status?.phase === 'Running' && statuses.length > 0
    && statuses.every((status) => status.state?.running !== undefined);
}
