// A user's pod affinity, checked as validateAffinity in pkg/apis/core/validation checks it: node selector terms
// (ValidateNodeSelectorRequirement, validateNodeFieldSelectorRequirement), pod affinity terms (topology key,
// label selectors, namespaces) and the weights of preferred terms. Not part of the jsii API.
import * as kplus from 'cdk8s-plus-28';
import { IConstruct } from 'constructs';
import { dns1123LabelProblems, labelValueProblems } from './internal/kube-validation';
import { requireLabels, requireQualifiedName, requireWholeNumber } from './prop-validation';
import { ValidationError } from './validation-error';

const NODE_OPERATORS = ['In', 'NotIn', 'Exists', 'DoesNotExist', 'Gt', 'Lt'];
const LABEL_OPERATORS = ['In', 'NotIn', 'Exists', 'DoesNotExist'];

/** Throws unless `affinity` is one the API server accepts. */
export function requireAffinity(scope: IConstruct, property: string, affinity: kplus.k8s.Affinity | undefined): void {
  if (affinity === undefined) {
    return;
  }
  if (affinity === null || typeof affinity !== 'object') {
    throw new ValidationError(scope, property, affinity, 'use an Affinity: { nodeAffinity, podAffinity, podAntiAffinity }');
  }
  const node = affinity.nodeAffinity;
  if (node !== undefined) {
    const required = node.requiredDuringSchedulingIgnoredDuringExecution;
    if (required !== undefined) {
      const at = `${property}.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms`;
      if (!Array.isArray(required.nodeSelectorTerms) || required.nodeSelectorTerms.length === 0) {
        throw new ValidationError(scope, at, required.nodeSelectorTerms, 'give at least one node selector term');
      }
      required.nodeSelectorTerms.forEach((term, index) => requireNodeSelectorTerm(scope, `${at}[${index}]`, term));
    }
    (node.preferredDuringSchedulingIgnoredDuringExecution ?? []).forEach((preferred, index) => {
      const at = `${property}.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[${index}]`;
      requireWholeNumber(scope, `${at}.weight`, preferred.weight, 1, 100);
      requireNodeSelectorTerm(scope, `${at}.preference`, preferred.preference);
    });
  }
  for (const kind of ['podAffinity', 'podAntiAffinity'] as const) {
    const pod = affinity[kind];
    if (pod === undefined) {
      continue;
    }
    (pod.requiredDuringSchedulingIgnoredDuringExecution ?? []).forEach((term, index) =>
      requirePodAffinityTerm(scope, `${property}.${kind}.requiredDuringSchedulingIgnoredDuringExecution[${index}]`, term));
    (pod.preferredDuringSchedulingIgnoredDuringExecution ?? []).forEach((preferred, index) => {
      const at = `${property}.${kind}.preferredDuringSchedulingIgnoredDuringExecution[${index}]`;
      requireWholeNumber(scope, `${at}.weight`, preferred.weight, 1, 100);
      requirePodAffinityTerm(scope, `${at}.podAffinityTerm`, preferred.podAffinityTerm);
    });
  }
}

function requireNodeSelectorTerm(scope: IConstruct, at: string, term: kplus.k8s.NodeSelectorTerm): void {
  (term?.matchExpressions ?? []).forEach((requirement, index) => {
    const where = `${at}.matchExpressions[${index}]`;
    requireQualifiedName(scope, `${where}.key`, requirement.key);
    const values = requirement.values ?? [];
    switch (requirement.operator) {
      case 'In':
      case 'NotIn':
        if (values.length === 0) {
          throw new ValidationError(scope, `${where}.values`, values, `operator ${requirement.operator} needs at least one value`);
        }
        break;
      case 'Exists':
      case 'DoesNotExist':
        if (values.length > 0) {
          throw new ValidationError(scope, `${where}.values`, values, `operator ${requirement.operator} takes no values`);
        }
        break;
      case 'Gt':
      case 'Lt':
        if (values.length !== 1 || !/^-?\d+$/.test(values[0])) {
          throw new ValidationError(scope, `${where}.values`, values, `operator ${requirement.operator} takes exactly one whole number`);
        }
        break;
      default:
        throw new ValidationError(scope, `${where}.operator`, requirement.operator, `use one of ${NODE_OPERATORS.join(', ')}`);
    }
  });
  (term?.matchFields ?? []).forEach((requirement, index) => {
    const where = `${at}.matchFields[${index}]`;
    if (requirement.key !== 'metadata.name') {
      throw new ValidationError(scope, `${where}.key`, requirement.key, 'the only node field a term can match is "metadata.name"');
    }
    if (!['In', 'NotIn'].includes(requirement.operator) || (requirement.values ?? []).length !== 1) {
      throw new ValidationError(scope, where, requirement, 'a metadata.name requirement uses In or NotIn with exactly one node name');
    }
  });
}

function requirePodAffinityTerm(scope: IConstruct, at: string, term: kplus.k8s.PodAffinityTerm): void {
  if (term === undefined || term === null || typeof term.topologyKey !== 'string' || term.topologyKey === '') {
    throw new ValidationError(scope, `${at}.topologyKey`, term?.topologyKey, 'name the node label the term groups nodes by, e.g. "kubernetes.io/hostname"');
  }
  requireQualifiedName(scope, `${at}.topologyKey`, term.topologyKey);
  requireLabelSelector(scope, `${at}.labelSelector`, term.labelSelector);
  requireLabelSelector(scope, `${at}.namespaceSelector`, term.namespaceSelector);
  (term.namespaces ?? []).forEach((namespace, index) => {
    const problems = typeof namespace === 'string' ? dns1123LabelProblems(namespace) : ['must be a string'];
    if (problems.length > 0) {
      throw new ValidationError(scope, `${at}.namespaces[${index}]`, namespace, problems.join('; '));
    }
  });
}

function requireLabelSelector(scope: IConstruct, at: string, selector: kplus.k8s.LabelSelector | undefined): void {
  if (selector === undefined) {
    return;
  }
  requireLabels(scope, `${at}.matchLabels`, selector.matchLabels);
  (selector.matchExpressions ?? []).forEach((requirement, index) => {
    const where = `${at}.matchExpressions[${index}]`;
    requireQualifiedName(scope, `${where}.key`, requirement.key);
    if (!LABEL_OPERATORS.includes(requirement.operator)) {
      throw new ValidationError(scope, `${where}.operator`, requirement.operator, `use one of ${LABEL_OPERATORS.join(', ')}`);
    }
    const values = requirement.values ?? [];
    const needsValues = requirement.operator === 'In' || requirement.operator === 'NotIn';
    if (needsValues !== values.length > 0) {
      throw new ValidationError(scope, `${where}.values`, values,
        needsValues ? `operator ${requirement.operator} needs at least one value` : `operator ${requirement.operator} takes no values`);
    }
    values.forEach((value, valueIndex) => {
      const problems = labelValueProblems(value);
      if (problems.length > 0) {
        throw new ValidationError(scope, `${where}.values[${valueIndex}]`, value, problems.join('; '));
      }
    });
  });
}
