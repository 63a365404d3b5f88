// The order in which a staged StatefulSet's pods are restarted by `kubectl-stage promote`, declared by the constructs in
// the `staged-rollouts.io/restart-order` annotation and read by the runtime (src/runtime/statefulset/ordered-restart.ts).

/**
 * Which pod of a staged StatefulSet a promotion restarts last. A partition can only move the highest ordinals first,
 * so with an order the promoter switches the StatefulSet to `OnDelete` for the promotion and deletes pods one at a
 * time: the others by descending ordinal, then the one this order names, found from the pods' Prometheus metrics
 * (their container port named `metrics`) before every restart, since leadership moves when pods restart.
 */
export enum RestartOrder {
  /** The ZooKeeper leader last: the server reporting `synced_followers` (ZooKeeper's Prometheus metrics provider). */
  ZOOKEEPER_LEADER_LAST = 'zookeeper-leader-last',
  /** The active KRaft controller last: the pod whose `kafka_controller_kafkacontroller_activecontrollercount` is 1. */
  KRAFT_CONTROLLER_LAST = 'kraft-controller-last',
}

/** The restart order written as `text` (the annotation's value), or undefined when it names none. */
export function parseRestartOrder(text: string): RestartOrder | undefined {
  return Object.values(RestartOrder).find((order) => order === text.trim());
}
