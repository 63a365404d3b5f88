// A DaemonSet `agent` on four nodes for the node canary's decision tests: revision 1 (`old`, agent:1) and revision 2
// (`new`, agent:2), pods built with kube-fixtures' `pod` and owned by the DaemonSet.
import { pod, PodShape } from './kube-fixtures';
import { RolloutKeys } from '../../src/keys';
import { DaemonSetObservation } from '../../src/runtime/daemonset/daemonset-canary-step';
import { KubeControllerRevision, KubeDaemonSet, KubeDaemonSetUpdateStrategy, KubePod } from '../../src/runtime/kube/kube-types';

const UID = 'ds-uid';
const OWNER = [{ apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'agent', uid: UID, controller: true }];

function template(image: string) {
  return { metadata: { labels: { app: 'agent' } }, spec: { containers: [{ name: 'agent', image }] } };
}

/** What a test DaemonSet looks like. */
export interface DaemonSetShape {
  readonly image?: string;
  readonly desired?: number;
  readonly generation?: number;
  readonly observed?: number;
  readonly minReadySeconds?: number;
  readonly strategy?: KubeDaemonSetUpdateStrategy;
  readonly annotations?: Record<string, string>;
}

/** The DaemonSet on agent:2 (revision `new`), OnDelete, observed, 4 nodes desired, unless the shape says otherwise. */
export function daemonSet(shape: DaemonSetShape = {}): KubeDaemonSet {
  return {
    metadata: {
      name: 'agent',
      namespace: 'default',
      uid: UID,
      resourceVersion: '42',
      generation: shape.generation ?? 3,
      annotations: { 'deprecated.daemonset.template.generation': '3', ...shape.annotations },
    },
    spec: {
      selector: { matchLabels: { app: 'agent' } },
      template: template(shape.image ?? 'agent:2'),
      updateStrategy: shape.strategy ?? { type: 'OnDelete' },
      minReadySeconds: shape.minReadySeconds,
    },
    status: { observedGeneration: shape.observed ?? 3, desiredNumberScheduled: shape.desired ?? 4 },
  };
}

function revision(number: number, hash: string, image: string): KubeControllerRevision {
  return {
    metadata: { name: `agent-${hash}`, labels: { [RolloutKeys.CONTROLLER_REVISION_HASH_LABEL]: hash }, ownerReferences: OWNER },
    revision: number,
    // As the controller stores it: Go writes the template's null creationTimestamp.
    data: { spec: { template: { ...template(image), metadata: { ...template(image).metadata, creationTimestamp: null }, $patch: 'replace' } } },
  };
}

/** Revision 1 (`old`, agent:1) and revision 2 (`new`, agent:2). */
export const REVISIONS: readonly KubeControllerRevision[] = [revision(1, 'old', 'agent:1'), revision(2, 'new', 'agent:2')];

/** The daemon pod `agent-<hash>-<node>` on `node-<node>`, Ready for 10 minutes unless the shape says otherwise. */
export function daemonPod(node: number, revisionHash: 'old' | 'new', shape: PodShape = {}): KubePod {
  const base = pod({ name: `agent-${revisionHash}-${node}`, revision: revisionHash, node: `node-${node}`, readyForSeconds: 600, ...shape });
  return { ...base, metadata: { ...base.metadata, ownerReferences: OWNER } };
}

/** An observation of `ds` and `pods` on node-1..node-4 (node-1 and node-2 in zone a). */
export function observe(pods: KubePod[], ds = daemonSet()): DaemonSetObservation {
  const nodes = [1, 2, 3, 4].map((n) => ({ metadata: { name: `node-${n}`, labels: { zone: n <= 2 ? 'a' : 'b' } } }));
  return { ds, pods, revisions: REVISIONS, nodes };
}

/** Pods of revision `hash` on the given nodes (node-1..node-4 by default). */
export function podsOn(hash: 'old' | 'new', nodes: readonly number[] = [1, 2, 3, 4]): KubePod[] {
  return nodes.map((n) => daemonPod(n, hash));
}
