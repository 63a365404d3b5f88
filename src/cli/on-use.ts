// What a command needs once it runs, loaded then rather than at start-up: every command module is loaded to register
// its flags, so anything they imported statically would be paid by `--help`, `--version` and a flag error too (issue 16).
// require() rather than import(): under the node16 module setting an import() is an ES import, which ts-node and
// jest without --experimental-vm-modules cannot follow to a TypeScript file; a bundler keeps both lazy.
/* eslint-disable @typescript-eslint/no-require-imports */

export const controlPlaneBinaries = (): typeof import('../control-plane/binaries') => require('../control-plane/binaries');
export const controllerLog = (): typeof import('../runtime/controller/controller-log') => require('../runtime/controller/controller-log');
export const controllerProcess = (): typeof import('../runtime/controller/controller-process') => require('../runtime/controller/controller-process');
export const controllerServer = (): typeof import('../runtime/controller/controller-server') => require('../runtime/controller/controller-server');
export const daemonsetCanary = (): typeof import('../runtime/daemonset/daemonset-canary') => require('../runtime/daemonset/daemonset-canary');
export const declaredGates = (): typeof import('../runtime/promotion/declared-gates') => require('../runtime/promotion/declared-gates');
export const declaredPolicy = (): typeof import('../runtime/promotion/declared-policy') => require('../runtime/promotion/declared-policy');
export const externalGates = (): typeof import('../runtime/promotion/external-gates') => require('../runtime/promotion/external-gates');
export const gateSpec = (): typeof import('../runtime/promotion/gate-spec') => require('../runtime/promotion/gate-spec');
export const historyText = (): typeof import('./render/history-text') => require('./render/history-text');
export const kubeCluster = (): typeof import('../runtime/cluster/kube-cluster') => require('../runtime/cluster/kube-cluster');
export const kubeconfigFile = (): typeof import('../sandbox/kubeconfig-file') => require('../sandbox/kubeconfig-file');
export const labelSelector = (): typeof import('../internal/label-selector') => require('../internal/label-selector');
export const liveView = (): typeof import('./render/live-view') => require('./render/live-view');
export const manifestFile = (): typeof import('./commands/manifest-file') => require('./commands/manifest-file');
export const partitionPromotion = (): typeof import('../runtime/statefulset/partition-promotion') => require('../runtime/statefulset/partition-promotion');
export const planPreview = (): typeof import('../runtime/statefulset/plan-preview') => require('../runtime/statefulset/plan-preview');
export const planSource = (): typeof import('../runtime/promotion/plan-source') => require('../runtime/promotion/plan-source');
export const podTemplateDescription = (): typeof import('./render/pod-template-description') => require('./render/pod-template-description');
export const promoterIdentity = (): typeof import('./promoter-identity') => require('./promoter-identity');
export const promotionControl = (): typeof import('../runtime/promotion/promotion-control') => require('../runtime/promotion/promotion-control');
export const promotionState = (): typeof import('../runtime/promotion/promotion-state') => require('../runtime/promotion/promotion-state');
export const promotionText = (): typeof import('./render/promotion-text') => require('./render/promotion-text');
export const rehearsalJson = (): typeof import('../rehearsal/render/rehearsal-json') => require('../rehearsal/render/rehearsal-json');
export const rehearsalMarkdown = (): typeof import('../rehearsal/render/rehearsal-markdown') => require('../rehearsal/render/rehearsal-markdown');
export const rehearsalText = (): typeof import('./render/rehearsal-text') => require('./render/rehearsal-text');
export const rehearse = (): typeof import('../rehearsal/rehearse') => require('../rehearsal/rehearse');
export const reportText = (): typeof import('./render/report-text') => require('./render/report-text');
export const retryingCluster = (): typeof import('../runtime/cluster/retrying-cluster') => require('../runtime/cluster/retrying-cluster');
export const revisionHistory = (): typeof import('../runtime/kube/revision-history') => require('../runtime/kube/revision-history');
export const rolloutSnapshot = (): typeof import('../runtime/cluster/rollout-snapshot') => require('../runtime/cluster/rollout-snapshot');
export const rolloutStage = (): typeof import('../runtime/rollout/stage') => require('../runtime/rollout/stage');
export const rolloutWatch = (): typeof import('../runtime/rollout/rollout-watch') => require('../runtime/rollout/rollout-watch');
export const sandboxStartError = (): typeof import('../sandbox/sandbox-start-error') => require('../sandbox/sandbox-start-error');
export const startKubeCluster = (): typeof import('../control-plane/start-kube-cluster') => require('../control-plane/start-kube-cluster');
export const startSandbox = (): typeof import('../sandbox/start-sandbox') => require('../sandbox/start-sandbox');
export const statefulsetFacts = (): typeof import('../runtime/kube/statefulset-facts') => require('../runtime/kube/statefulset-facts');
export const tabWriter = (): typeof import('./render/tab-writer') => require('./render/tab-writer');
export const undoWorkload = (): typeof import('../runtime/rollout/undo-workload') => require('../runtime/rollout/undo-workload');
export const webhookMessage = (): typeof import('../runtime/promotion/webhook-message') => require('../runtime/promotion/webhook-message');
export const webhookNotifier = (): typeof import('../runtime/promotion/webhook-notifier') => require('../runtime/promotion/webhook-notifier');
