// The rehearsal's public entry point (`cdk8s-staged-rollouts/rehearse`): rehearse(), the report it returns, and the
// report as Markdown (a pull-request comment) or JSON.
export * from './rehearsal-report';
export { rehearse } from './rehearse';
export type { RehearsalOptions, RehearsalKubeletTiming } from './rehearse';
export { synthYaml } from './synth-yaml';
export { rehearsalMarkdown } from './render/rehearsal-markdown';
export { rehearsalJson } from './render/rehearsal-json';
