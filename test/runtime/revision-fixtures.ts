// ControllerRevisions as the StatefulSet and DaemonSet controllers write them, for history and undo tests.
import { RolloutKeys } from '../../src/keys';
import { KubeControllerRevision, KubePodTemplate, KubeWorkload } from '../../src/runtime/kube/kube-types';

/** A template running `image` in container `app`, shaped as the API server returns it. */
export function template(image: string, extra: Record<string, unknown> = {}): KubePodTemplate {
  return {
    metadata: { creationTimestamp: null, labels: { app: 'web' } },
    spec: { containers: [{ name: 'app', image, resources: {} } as never], restartPolicy: 'Always', ...extra },
  };
}

/** What a test revision looks like. */
export interface RevisionShape {
  readonly revision: number;
  readonly image: string;
  /** The hash suffix of the name. @default `h<revision>` */
  readonly hash?: string;
  readonly ownerUid?: string;
  readonly controller?: boolean;
  readonly changeCause?: string;
  readonly owner?: string;
}

/** A ControllerRevision of workload `web` (uid `uid-web`) holding `template(image)`. */
export function revision(shape: RevisionShape): KubeControllerRevision {
  const hash = shape.hash ?? `h${shape.revision}`;
  const owner = shape.owner ?? 'web';
  return {
    apiVersion: 'apps/v1',
    kind: 'ControllerRevision',
    metadata: {
      name: `${owner}-${hash}`,
      namespace: 'default',
      labels: { app: owner, [RolloutKeys.CONTROLLER_REVISION_HASH_LABEL]: hash },
      annotations: shape.changeCause ? { [RolloutKeys.CHANGE_CAUSE_ANNOTATION]: shape.changeCause } : undefined,
      ownerReferences: [{
        apiVersion: 'apps/v1',
        kind: 'StatefulSet',
        name: owner,
        uid: shape.ownerUid ?? `uid-${owner}`,
        controller: shape.controller ?? true,
      }],
    },
    revision: shape.revision,
    data: { spec: { template: { ...template(shape.image), $patch: 'replace' } } },
  };
}

/** `workload` with uid `uid-<name>` and its template replaced by `template(image)`. */
export function withTemplate<T extends KubeWorkload>(workload: T, image: string): T {
  return {
    ...workload,
    metadata: { ...workload.metadata, uid: `uid-${workload.metadata.name}` },
    spec: { ...workload.spec, template: template(image) },
  };
}
