// The jsii public API: constructs and rollout-strategy value types only. The runtime and the sandbox are
// exported through package.json subpaths (`cdk8s-staged-rollouts/runtime`, `cdk8s-staged-rollouts/sandbox`).
export * from './keys';
export * from './partition-plan';
