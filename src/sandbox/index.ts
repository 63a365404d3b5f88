// The sandbox's public entry point (`cdk8s-staged-rollouts/sandbox`): the in-process API server, its contract and clocks.
export * from './api';
export * from './clock';
export { createSandboxApi, SandboxStore } from './store';
export type { SandboxApiOptions } from './store';
export * from './start-sandbox';
export * from './kubeconfig';
export * from './manifests';
export { PodMetrics, METRICS_PATH } from './pod-metrics';
export type { MetricsPage, PodProxyAnswer } from './pod-metrics';
export { KubeletSimulator, PodFailureMode, POD_FAILURE_ANNOTATION, CONTAINER_FAILURE_ENV } from './controllers';
export type { KubeletOptions, PodFailureRule } from './controllers';
export type { FaultOptions, FaultDecision } from './server/faults';
