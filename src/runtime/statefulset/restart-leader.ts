// Which pod an ordered restart keeps for last (restart-order.ts): the order a StatefulSet declares, and the ZooKeeper
// leader or the active KRaft controller from the pods' Prometheus metrics as read through the pod proxy. Pure: the
// readings in, the leader or why it cannot be told out. An ordered restart never guesses: a pod whose metrics cannot be
// read might be the leader.
import { RolloutKeys } from '../../keys';
import { parseRestartOrder, RestartOrder } from '../../restart-order';
import { KubeStatefulSet } from '../kube/kube-types';
import { PodReading } from '../promotion/pod-reading';
import { SYNCED_FOLLOWERS, zookeeperHealth } from '../promotion/zookeeper-health';
import { RuntimeError } from '../runtime-error';

/**
 * KafkaController.ActiveControllerCount as the JMX exporter's generic gauge rule names it (src/kafka-jmx-exporter.ts:
 * `kafka.controller<type=KafkaController, name=ActiveControllerCount><>Value`, lower-cased): 1 on the active
 * controller, 0 on the other controllers (and brokers).
 */
export const ACTIVE_CONTROLLER_COUNT = 'kafka_controller_kafkacontroller_activecontrollercount';

/**
 * The restart order `sts` declares in its annotation; undefined when it declares none.
 *
 * @param where `statefulset/zk`, for the message
 * @throws RuntimeError (`bad-input`) naming the annotation and the orders there are, when it names none of them
 */
export function restartOrderOf(sts: KubeStatefulSet, where: string): RestartOrder | undefined {
  const text = sts.metadata.annotations?.[RolloutKeys.RESTART_ORDER_ANNOTATION];
  if (text === undefined || text.trim() === '') {
    return undefined;
  }
  const order = parseRestartOrder(text);
  if (!order) {
    throw new RuntimeError('bad-input', `annotation ${RolloutKeys.RESTART_ORDER_ANNOTATION} on ${where} is ${JSON.stringify(text)}; `
      + `use one of ${Object.values(RestartOrder).join(', ')}, or remove it with "kubectl annotate ${where} ${RolloutKeys.RESTART_ORDER_ANNOTATION}-"`);
  }
  return order;
}

/** How `order` restarts a StatefulSet's pods, in the words of `kubectl-stage plan`. */
export function describeRestartOrder(order: RestartOrder): string {
  const role = order === RestartOrder.KRAFT_CONTROLLER_LAST ? 'the active controller' : 'the leader';
  return `one pod at a time: the others by descending ordinal, then ${role}, found from the pods' metrics at promotion time `
    + `(${order}; the StatefulSet is OnDelete while it is promoted)`;
}

/** The leader found, or why none could be. */
export type LeaderVerdict =
  | { readonly leader: string }
  | { readonly problem: string };

/** What an order calls the pod it keeps for last, for messages. */
export function leaderRole(order: RestartOrder): string {
  return order === RestartOrder.KRAFT_CONTROLLER_LAST ? 'active controller' : 'leader';
}

/**
 * The pod `order` restarts last: the one ZooKeeper server reporting `synced_followers` (only a leader registers it),
 * or the one pod reporting an active controller count of 1. Every pod's metrics must have been read.
 */
export function findLeader(order: RestartOrder, readings: readonly PodReading[]): LeaderVerdict {
  const unread = readings.filter((reading) => reading.error !== undefined || !reading.samples);
  if (unread.length > 0) {
    return { problem: unread.map((reading) => `${reading.pod}: ${reading.error ?? 'no metrics'}`).join('; ') };
  }
  const [metric, isLeader] = order === RestartOrder.KRAFT_CONTROLLER_LAST
    ? [ACTIVE_CONTROLLER_COUNT, (value: number) => value === 1]
    : [SYNCED_FOLLOWERS, () => true];
  const leaders = readings.filter((reading) => reading.samples!.some((sample) => sample.name === metric && isLeader(sample.value)));
  const role = leaderRole(order);
  if (leaders.length === 1) {
    return { leader: leaders[0].pod };
  }
  if (leaders.length === 0) {
    return { problem: `no pod reports being ${role} (${metric}${order === RestartOrder.KRAFT_CONTROLLER_LAST ? ' = 1' : ''})` };
  }
  return { problem: `${leaders.length} pods report being ${role} (${leaders.map((reading) => reading.pod).join(', ')})` };
}

/**
 * Whether the next restart may happen, and which pod leads: the leader must be known and, for ZooKeeper, the ensemble
 * whole (the `zookeeper` gate's verdict: every server in the quorum and synced with the leader), so a follower that is
 * Ready but still syncing is waited for before the next server goes down.
 */
export function restartReadiness(order: RestartOrder, readings: readonly PodReading[]): LeaderVerdict {
  const found = findLeader(order, readings);
  if ('problem' in found) {
    return { problem: `cannot tell which pod is the ${leaderRole(order)}: ${found.problem}` };
  }
  if (order === RestartOrder.ZOOKEEPER_LEADER_LAST) {
    const health = zookeeperHealth(readings);
    if (!health.passed) {
      return { problem: `the ensemble is not ready for the next restart: ${health.message}` };
    }
  }
  return found;
}

/**
 * The pod to restart next among `candidates` (the pods not yet on the update revision, in the order tried: descending
 * ordinal): the first that is not the leader, or the leader once it is the only one left.
 */
export function nextToRestart<P extends { readonly pod: string }>(candidates: readonly P[], leader: string): P | undefined {
  return candidates.find((candidate) => candidate.pod !== leader) ?? candidates[0];
}
