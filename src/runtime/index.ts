// The library API of `cdk8s-staged-rollouts/runtime`: the parsers, the clock, and the pure decisions the engine builds on.
export * from './clock';
export * from './duration';
export * from './external-gates';
export * from './gate-spec';
export * from './infant-mortality';
export * from './kube-types';
export * from './kubectl-rollout-status';
export * from './plan-source';
export * from './pod-facts';
export * from './promotion-state';
export * from './promotion-target';
export * from './runtime-error';
export * from './statefulset-facts';
export * from './step-gate';
export * from './workload-ref';
