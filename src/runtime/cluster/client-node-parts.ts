// The parts of @kubernetes/client-node the Cluster adapter uses (kube-cluster.ts): its client module is typed as
// exactly these, and the published bundles (projenrc/bundle.ts) inline only these, so a part the adapter starts using
// must be added here or it does not compile. Inlining the whole client (every API group) would triple the bundles.

/** The names kube-cluster.ts takes from client-node's index. */
export const CLIENT_NODE_PARTS = [
  'KubeConfig', 'CoreV1Api', 'AppsV1Api', 'CoordinationV1Api', 'PatchStrategy', 'Watch', 'setHeaderOptions',
] as const;

/** One of CLIENT_NODE_PARTS. */
export type ClientNodePart = typeof CLIENT_NODE_PARTS[number];
