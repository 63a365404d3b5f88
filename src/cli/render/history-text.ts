// The text of `kubectl-stage history`: kubectl's first line, then one row per revision with its change-cause, images
// and the ordinals or nodes running it.
import { alignTabs } from './tab-writer';
import { statefulSetPodOrdinal } from '../../runtime/kube/pod-facts';
import { RevisionRow } from '../../runtime/kube/revision-history';
import { WorkloadRef } from '../../runtime/kube/workload-ref';

/** `statefulset.apps/kafka`, as kubectl's name printer writes an object. */
export function kubectlObjectName(ref: WorkloadRef): string {
  return `${ref.kind.toLowerCase()}.apps/${ref.name}`;
}

/** The history table (ends with a newline). */
export function renderHistory(ref: WorkloadRef, rows: readonly RevisionRow[]): string {
  const where = ref.kind === 'StatefulSet' ? 'ORDINALS' : 'NODES';
  const table = [`REVISION\tCHANGE-CAUSE\tIMAGES\t${where}`];
  for (const row of rows) {
    const placement = ref.kind === 'StatefulSet'
      ? row.pods.map((pod) => String(statefulSetPodOrdinal({ metadata: { name: pod } }, ref.name) ?? pod))
      : row.nodes;
    table.push(`${row.revision}\t${row.changeCause ?? '<none>'}\t${row.images.join(',')}\t${placement.join(',') || '<none>'}`);
  }
  return `${kubectlObjectName(ref)}\n${alignTabs(table.join('\n'))}\n`;
}
