// The jsii public API: constructs and rollout-strategy value types only. The runtime and the sandbox are
// exported through package.json subpaths (`cdk8s-staged-rollouts/runtime`, `cdk8s-staged-rollouts/sandbox`).
export * from './keys';
export * from './partition-plan';
export * from './workload-options';
export * from './headless-service';
export * from './disruption-budget';
export * from './stateful-service';
export * from './zookeeper-ensemble';
export * from './node-agent';
export * from './node-exporter';
export * from './log-collector';
export * from './kafka-cluster';
export * from './kafka-listener';
export * from './kafka-metrics';
export * from './percent-or-count';
export * from './rollout-budget';
export * from './rollout-gate';
export * from './statefulset-rollout';
export * from './daemonset-rollout';
export * from './change-cause';
export * from './staged-rollout-runner';
export * from './staged-rollout-controller';
export { Errors } from './validation-error';
export * from './warnings';
export * from './prometheus-monitor';
export * from './zookeeper-client-tls';
export { RestartOrder } from './restart-order';
export * from './promotion-policy-options';
