// The library API of `cdk8s-staged-rollouts/runtime` (phase 1: the parsers and the clock the engine builds on).
export * from './clock';
export * from './duration';
export * from './gate-spec';
export * from './promotion-target';
export * from './runtime-error';
export * from './workload-ref';
