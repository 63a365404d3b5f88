// The rehearsal's public entry point (`cdk8s-staged-rollouts/rehearse`): rehearse() and the report it returns.
export * from './rehearsal-report';
export { rehearse } from './rehearse';
export type { RehearsalOptions, RehearsalKubeletTiming } from './rehearse';
export { synthYaml } from './synth-yaml';
