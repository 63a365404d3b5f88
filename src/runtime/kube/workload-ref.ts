import { RuntimeError } from '../runtime-error';

/** The workload kinds the runtime drives. */
export type WorkloadKind = 'StatefulSet' | 'DaemonSet';

/** Which workload a command acts on. */
export interface WorkloadRef {
  readonly kind: WorkloadKind;
  readonly namespace: string;
  readonly name: string;
}

const KIND_ALIASES: Record<string, WorkloadKind> = {
  'sts': 'StatefulSet',
  'statefulset': 'StatefulSet',
  'statefulsets': 'StatefulSet',
  'statefulset.apps': 'StatefulSet',
  'statefulsets.apps': 'StatefulSet',
  'ds': 'DaemonSet',
  'daemonset': 'DaemonSet',
  'daemonsets': 'DaemonSet',
  'daemonset.apps': 'DaemonSet',
  'daemonsets.apps': 'DaemonSet',
};

// RFC 1123 subdomain, the rule for StatefulSet and DaemonSet names.
const NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/**
 * Parses `TYPE/NAME` as kubectl writes it (`sts/kafka`, `statefulset.apps/kafka`, `ds/node-exporter`).
 *
 * @param text the argument
 * @param namespace the namespace resolved from flags and kubeconfig
 * @param allowed the kinds this command supports
 * @throws RuntimeError (`bad-input`) naming what was wrong and what is accepted
 */
export function parseWorkloadRef(text: string, namespace: string, allowed: readonly WorkloadKind[]): WorkloadRef {
  const slash = text.indexOf('/');
  const accepted = allowed.map((kind) => kind === 'StatefulSet' ? 'sts/NAME' : 'ds/NAME').join(' or ');
  if (slash <= 0 || slash === text.length - 1) {
    throw new RuntimeError('bad-input', `invalid workload "${text}": expected ${accepted}`);
  }
  const type = text.slice(0, slash).toLowerCase();
  const name = text.slice(slash + 1);
  const kind = KIND_ALIASES[type];
  if (!kind) {
    throw new RuntimeError('bad-input', `unsupported resource type "${text.slice(0, slash)}" in "${text}": expected ${accepted}`);
  }
  if (!allowed.includes(kind)) {
    throw new RuntimeError('bad-input', `this command does not support ${kind}s ("${text}"): expected ${accepted}`);
  }
  if (!NAME.test(name) || name.length > 253) {
    throw new RuntimeError('bad-input', `invalid ${kind} name "${name}": it must be a lowercase RFC 1123 name such as "kafka"`);
  }
  return { kind, namespace, name };
}

/** `statefulset/kafka` or `daemonset/node-exporter`, as kubectl names objects in messages. */
export function describeRef(ref: WorkloadRef): string {
  return `${ref.kind.toLowerCase()}/${ref.name}`;
}

/** The short form used on the command line: `sts/kafka`, `ds/node-exporter`. */
export function shortRef(ref: Pick<WorkloadRef, 'kind' | 'name'>): string {
  return `${ref.kind === 'StatefulSet' ? 'sts' : 'ds'}/${ref.name}`;
}
