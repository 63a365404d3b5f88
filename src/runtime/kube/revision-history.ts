// The revisions of a StatefulSet or DaemonSet as `kubectl rollout history` finds them (history.go): the
// ControllerRevisions the workload controls, by revision number, each a strategic patch replacing the pod template.
import { KubeControllerRevision, KubePod, KubePodTemplate, KubeWorkload } from './kube-types';
import { podName, podNodeName, podRevision, statefulSetPodOrdinal } from './pod-facts';
import { goJson } from '../../internal/go-json';
import { RolloutKeys } from '../../keys';
import { RuntimeError } from '../runtime-error';
import { WorkloadKind } from './workload-ref';

/** kubectl's answer when a workload controls no ControllerRevision. */
export const NO_ROLLOUT_HISTORY = 'No rollout history found.';

/** kubectl's error for `rollout history --revision N` when there is no revision N. */
export const REVISION_NOT_FOUND_IN_HISTORY = 'unable to find the specified revision';

/** One revision of a workload, with what it runs and where. */
export interface RevisionRow {
  /** The revision number (`.revision`). */
  readonly revision: number;
  /** The ControllerRevision's name (`kafka-5d8f7c9b6`). */
  readonly name: string;
  /** The value pods of this revision carry in `controller-revision-hash`. */
  readonly hash: string;
  /** The `kubernetes.io/change-cause` annotation of the ControllerRevision, if any. */
  readonly changeCause?: string;
  /** `container=image` for every init container and container of the revision's template, in template order. */
  readonly images: readonly string[];
  /** The pods running this revision: their names, ordered by ordinal (StatefulSet) or name (DaemonSet). */
  readonly pods: readonly string[];
  /** For a DaemonSet, the nodes of those pods, in the same order. */
  readonly nodes: readonly string[];
}

/**
 * The ControllerRevisions `owner` controls, oldest revision first. As kubectl's `controlledHistoryV1`, a revision
 * belongs to the workload when its controller reference carries the workload's uid (`metav1.IsControlledBy`); a
 * revision left behind by a deleted workload of the same name does not.
 */
export function controlledRevisions(owner: KubeWorkload, revisions: readonly KubeControllerRevision[]): KubeControllerRevision[] {
  const uid = owner.metadata.uid;
  return revisions
    .filter((revision) => uid !== undefined
      && (revision.metadata.ownerReferences ?? []).some((ref) => ref.controller === true && ref.uid === uid))
    .sort((a, b) => a.revision - b.revision);
}

/**
 * The pod template a revision restores: its data is `{"spec":{"template":{..., "$patch":"replace"}}}`, so applying it
 * (what kubectl's `applyStatefulSetHistory` does) yields exactly that template.
 *
 * @throws RuntimeError (`api`) when the revision's data has no template
 */
export function revisionTemplate(revision: KubeControllerRevision): KubePodTemplate {
  const data = revision.data as { spec?: { template?: Record<string, unknown> } } | undefined;
  const template = data?.spec?.template;
  if (typeof template !== 'object' || template === null) {
    throw new RuntimeError('api', `ControllerRevision ${revision.metadata.name ?? ''} (revision ${revision.revision}) holds no pod template`);
  }
  const { $patch: _replace, ...rest } = template;
  return rest as KubePodTemplate;
}

/**
 * The bytes kubectl compares with a revision's data to tell whether the live template already is that revision
 * (`getStatefulSetPatch` / `getDaemonSetPatch`): the template with `"$patch":"replace"`, under `spec`, as Go writes JSON.
 */
export function templatePatchBytes(workload: KubeWorkload): string {
  const template = workload.spec.template;
  // kubectl decodes the object into Go structs and encodes it again, and Go before Kubernetes 1.34 always writes the
  // template's `metadata.creationTimestamp` (a struct, so `omitempty` does not drop it): as null when unset.
  const metadata = { ...template.metadata, creationTimestamp: template.metadata?.creationTimestamp ?? null };
  return goJson({ spec: { template: { ...template, metadata, $patch: 'replace' } } });
}

/**
 * The encodings of the live template a controller may have stored as a revision's data: with the null
 * `creationTimestamp` (controllers before Kubernetes 1.34) and without it (1.34 and later mark the field `omitzero`).
 * Measured on a 1.36 control plane: its revisions have no `creationTimestamp`, so kubectl 1.33 there answers `rolled
 * back` where kubectl 1.36 answers `skipped rollback`; we answer as the kubectl of the server's own version would.
 */
function templatePatchEncodings(workload: KubeWorkload): string[] {
  const withNull = templatePatchBytes(workload);
  if (workload.spec.template.metadata?.creationTimestamp) {
    return [withNull];
  }
  const { creationTimestamp: _unset, ...metadata } = workload.spec.template.metadata ?? {};
  return [withNull, goJson({ spec: { template: { ...workload.spec.template, metadata, $patch: 'replace' } } })];
}

/** Whether the workload's live template is the one `revision` stores, byte for byte as kubectl decides it. */
export function templateMatchesRevision(workload: KubeWorkload, revision: KubeControllerRevision): boolean {
  return templatePatchEncodings(workload).includes(goJson(revision.data));
}

/**
 * The hash pods of a revision carry in `controller-revision-hash`: StatefulSet pods carry the revision's name, DaemonSet
 * pods the hash the controller also put in the revision's own `controller-revision-hash` label.
 */
export function revisionHash(kind: WorkloadKind, revision: KubeControllerRevision): string {
  const name = revision.metadata.name ?? '';
  if (kind === 'StatefulSet') {
    return name;
  }
  return revision.metadata.labels?.[RolloutKeys.CONTROLLER_REVISION_HASH_LABEL] ?? name.slice(name.lastIndexOf('-') + 1);
}

/**
 * The revision the DaemonSet's live template corresponds to, the one its controller labels new pods with: the highest
 * revision whose data matches the template. Undefined when the controller has not recorded it yet.
 */
export function liveRevision(workload: KubeWorkload, revisions: readonly KubeControllerRevision[]): KubeControllerRevision | undefined {
  return [...revisions].sort((a, b) => b.revision - a.revision).find((revision) => templateMatchesRevision(workload, revision));
}

/**
 * The history rows of a workload: every controlled revision, oldest first, with its change-cause, images and the pods
 * running it (matched by `controller-revision-hash`).
 */
export function revisionRows(
  kind: WorkloadKind, workload: KubeWorkload, revisions: readonly KubeControllerRevision[], pods: readonly KubePod[],
): RevisionRow[] {
  const setName = workload.metadata.name ?? '';
  const live = pods.filter((pod) => !pod.metadata.deletionTimestamp);
  return controlledRevisions(workload, revisions).map((revision) => {
    const hash = revisionHash(kind, revision);
    const running = live.filter((pod) => podRevision(pod) === hash).sort(kind === 'StatefulSet'
      ? (a, b) => (statefulSetPodOrdinal(a, setName) ?? 0) - (statefulSetPodOrdinal(b, setName) ?? 0)
      // A DaemonSet's pod names end in random letters: its nodes, in natural order (node-2 before node-10), read better.
      : (a, b) => (podNodeName(a) ?? '').localeCompare(podNodeName(b) ?? '', 'en', { numeric: true }) || podName(a).localeCompare(podName(b)));
    const template = revisionTemplate(revision);
    const containers = [...(template.spec?.initContainers ?? []), ...(template.spec?.containers ?? [])];
    return {
      revision: revision.revision,
      name: revision.metadata.name ?? '',
      hash,
      changeCause: revision.metadata.annotations?.[RolloutKeys.CHANGE_CAUSE_ANNOTATION] || undefined,
      images: containers.map((container) => `${container.name}=${container.image ?? ''}`),
      pods: running.map(podName),
      nodes: kind === 'DaemonSet' ? running.map((pod) => podNodeName(pod) ?? '') : [],
    };
  });
}

/**
 * The revision `rollout history --revision N` shows, chosen as kubectl does: a StatefulSet accepts any non-zero number,
 * a DaemonSet only a positive one (0 and below list the history instead).
 *
 * @returns the revision, or undefined when the history list is wanted
 * @throws RuntimeError (`bad-input`) with kubectl's `unable to find the specified revision`
 */
export function selectHistoryRevision(
  kind: WorkloadKind, revisions: readonly KubeControllerRevision[], wanted: number,
): KubeControllerRevision | undefined {
  const detail = kind === 'StatefulSet' ? wanted !== 0 : wanted > 0;
  if (!detail) {
    return undefined;
  }
  // kubectl indexes revisions by number in a map, so of two with the same number the later one wins.
  const found = [...revisions].reverse().find((revision) => revision.revision === wanted);
  if (!found) {
    throw new RuntimeError('bad-input', REVISION_NOT_FOUND_IN_HISTORY);
  }
  return found;
}
