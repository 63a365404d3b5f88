// Required node affinity as the scheduler and the DaemonSet controller evaluate it
// (component-helpers/scheduling/corev1/nodeaffinity): spec.nodeSelector AND any one of the
// requiredDuringSchedulingIgnoredDuringExecution node selector terms.
import type { KubeObject } from '../api';

/** The field DaemonSet pods are pinned with (`matchFields: [{ key: metadata.name, operator: In, values: [node] }]`). */
export const NODE_NAME_FIELD = 'metadata.name';

interface NodeSelectorRequirement {
  readonly key: string;
  readonly operator: string;
  readonly values?: readonly string[];
}

interface NodeSelectorTerm {
  readonly matchExpressions?: readonly NodeSelectorRequirement[];
  readonly matchFields?: readonly NodeSelectorRequirement[];
}

/** Whether `node` satisfies the pod spec's nodeSelector and required node affinity. */
export function podMatchesNodeSelectorAndAffinity(podSpec: any, node: KubeObject): boolean {
  const nodeLabels: Record<string, string> = node.metadata.labels ?? {};
  for (const [key, value] of Object.entries<string>(podSpec?.nodeSelector ?? {})) {
    if (nodeLabels[key] !== value) {
      return false;
    }
  }
  const required = podSpec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  if (!required) {
    return true;
  }
  return nodeSelectorTermsMatch(required.nodeSelectorTerms ?? [], node);
}

/** Whether any of the terms matches the node; a term without requirements matches nothing. */
export function nodeSelectorTermsMatch(terms: readonly NodeSelectorTerm[], node: KubeObject): boolean {
  return terms.some((term) => termMatches(term, node));
}

function termMatches(term: NodeSelectorTerm, node: KubeObject): boolean {
  const expressions = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  if (expressions.length === 0 && fields.length === 0) {
    return false;
  }
  const labels: Record<string, string> = node.metadata.labels ?? {};
  const fieldValues: Record<string, string> = { [NODE_NAME_FIELD]: node.metadata.name ?? '' };
  return expressions.every((requirement) => requirementMatches(requirement, labels))
    && fields.every((requirement) => requirementMatches(requirement, fieldValues));
}

function requirementMatches(requirement: NodeSelectorRequirement, values: Record<string, string>): boolean {
  const present = Object.prototype.hasOwnProperty.call(values, requirement.key);
  const actual = values[requirement.key];
  const expected = requirement.values ?? [];
  switch (requirement.operator) {
    case 'In':
      return present && expected.includes(actual);
    case 'NotIn':
      return !present || !expected.includes(actual);
    case 'Exists':
      return present;
    case 'DoesNotExist':
      return !present;
    case 'Gt':
    case 'Lt': {
      if (!present || expected.length !== 1) {
        return false;
      }
      const left = Number.parseInt(actual, 10);
      const right = Number.parseInt(expected[0], 10);
      if (Number.isNaN(left) || Number.isNaN(right)) {
        return false;
      }
      return requirement.operator === 'Gt' ? left > right : left < right;
    }
    default:
      throw new Error(`node selector requirement for key "${requirement.key}": operator "${requirement.operator}" is not valid (expected In, NotIn, Exists, DoesNotExist, Gt or Lt)`);
  }
}
