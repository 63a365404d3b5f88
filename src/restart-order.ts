// The order in which a staged StatefulSet's pods are restarted by `kubectl-stage promote`, declared by the constructs in
// the `staged-rollouts.io/restart-order` annotation and read by the runtime (src/runtime/statefulset/ordered-restart.ts).
import { IConstruct } from 'constructs';
import { invalidProp } from './validation-error';

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

/** The restart order a workload's pods can take. */
export interface RestartOrderFit {
  /** The order that fits; undefined when none does. */
  readonly order?: RestartOrder;
  /** What to do instead when the declared order does not fit. */
  readonly otherwise: string;
  /** Whether the pods serve their metrics on a container port named `metrics`, where the promoter finds the leader. */
  readonly metrics: boolean;
}

/** The problems with `declared` (a rollout's order) on the workload `scope` builds, as synth-time validation errors. */
export function restartOrderProblems(scope: IConstruct, declared: RestartOrder | undefined, fit: RestartOrderFit): string[] {
  if (declared === undefined) {
    return [];
  }
  if (declared !== fit.order) {
    return [invalidProp(scope, 'rollout.order', declared, fit.otherwise)];
  }
  if (!fit.metrics) {
    return [invalidProp(scope, 'rollout.order', declared,
      'the promoter finds the pod to restart last from each pod\'s container port named "metrics", which only `metrics` adds: set metrics, or leave the order out')];
  }
  return [];
}
