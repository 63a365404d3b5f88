// The real control plane's public entry point (`cdk8s-staged-rollouts/control-plane`): etcd, kube-apiserver,
// kube-controller-manager, kube-scheduler and kwok nodes started on this machine, for tests that must run on
// upstream Kubernetes code.
export * from './start-kube-cluster';
export * from './binaries';
export * from './kwok-stages';
