// The library API of `cdk8s-staged-rollouts/runtime`: the parsers, the clock, the pure decisions and the runs that perform them.
// Basics: the clock, durations, the error every runtime failure is.
export * from './clock';
export * from './duration';
export * from './runtime-error';
// What the runtime reads from Kubernetes objects: their shapes and the facts kubectl and the controllers derive.
export * from './kube/kube-types';
export * from './kube/pod-facts';
export * from './kube/revision-history';
export * from './kube/statefulset-facts';
export * from './kube/workload-ref';
// The I/O boundary: the Cluster interface, its decorators, the client-node adapter, the list+watch observer.
export * from './cluster/cluster';
export * from './cluster/cluster-decorator';
export * from './cluster/counting-cluster';
export * from './cluster/kube-cluster';
export * from './cluster/retrying-cluster';
export * from './cluster/rollout-snapshot';
export * from './cluster/watch-until-change';
export * from './cluster/workload-observer';
// What a promotion is, whatever the kind: its contract, state, Lease, gates, the shared step walk and the session.
export * from './promotion/external-gates';
export * from './promotion/gate-spec';
export * from './promotion/infant-mortality';
export * from './promotion/lease-holder';
export * from './promotion/plan-source';
export * from './promotion/promotion-contract';
export * from './promotion/promotion-control';
export * from './promotion/promotion-lock';
export * from './promotion/promotion-session';
export * from './promotion/promotion-state';
export * from './promotion/promotion-target';
export * from './promotion/step-gate';
export * from './promotion/step-walk';
export * from './promotion/webhook-message';
export * from './promotion/webhook-notifier';
export * from './promotion/workload-events';
// StatefulSet promotions along a partition plan.
export * from './statefulset/forced-rollback-trap';
export * from './statefulset/partition-decision';
export * from './statefulset/partition-promotion';
export * from './statefulset/plan-preview';
// DaemonSet node canaries.
export * from './daemonset/daemonset-canary';
export * from './daemonset/daemonset-canary-decision';
export * from './daemonset/daemonset-canary-plan';
export * from './daemonset/daemonset-canary-step';
export * from './daemonset/daemonset-canary-strategy';
// status, history, undo and stage: the kubectl-rollout-like commands over either kind.
export * from './rollout/kubectl-rollout-status';
export * from './rollout/rollout-report';
export * from './rollout/rollout-watch';
export * from './rollout/stage';
export * from './rollout/undo';
export * from './rollout/undo-workload';
