// A small, pure model of Kubernetes RBAC, enough to test a Role against the requests a command actually makes: the
// request's authorization attributes and upstream's rule matching (plugin/pkg/auth/authorizer/rbac/rbac.go RuleAllows,
// pkg/apis/rbac/v1/evaluation_helpers.go). A list or watch names an object only through a `metadata.name=` field
// selector, and a create never names one: rules with resourceNames cannot allow those.
import { CLUSTER_RESOURCES } from '../../src/rehearsal/sandbox-cluster';
import { ClusterRequest } from '../../src/runtime/cluster/cluster-decorator';

/** An RBAC PolicyRule as synthesized. */
export interface PolicyRule {
  readonly apiGroups?: readonly string[];
  readonly resources?: readonly string[];
  readonly verbs: readonly string[];
  readonly resourceNames?: readonly string[];
}

/** What the authorizer sees of a resource request. */
export interface RequestAttributes {
  readonly verb: string;
  readonly apiGroup: string;
  readonly resource: string;
  /** Undefined for cluster-scoped resources. */
  readonly namespace?: string;
  /** Empty when the request names no object. */
  readonly name: string;
}

/**
 * The RBAC verbs of the Cluster operations: a replace is an HTTP PUT, authorized as `update`; a pod proxy request is a
 * `get` of the `pods/proxy` subresource.
 */
const VERBS: Record<ClusterRequest['verb'], string> = {
  get: 'get', list: 'list', watch: 'watch', create: 'create', replace: 'update', patch: 'patch', delete: 'delete', proxy: 'get',
};

/** The attributes of one recorded request (as the API server's RequestInfoFactory derives them). */
export function requestAttributes(request: ClusterRequest): RequestAttributes {
  const type = CLUSTER_RESOURCES[request.kind];
  const byName = /^metadata\.name=([^,]+)$/.exec(request.selector?.fieldSelector ?? '');
  const name = request.verb === 'list' || request.verb === 'watch' ? byName?.[1] ?? '' : request.name ?? '';
  const namespace = type.namespaced ? request.namespace : undefined;
  const resource = request.verb === 'proxy' ? `${type.resource}/proxy` : type.resource;
  return { verb: VERBS[request.verb], apiGroup: type.group, resource, namespace, name };
}

/** Whether `rule` allows `request` (RuleAllows: verb, API group, resource and resource name all match). */
export function ruleAllows(rule: PolicyRule, request: RequestAttributes): boolean {
  const has = (values: readonly string[] | undefined, value: string) => (values ?? []).some((entry) => entry === '*' || entry === value);
  const names = rule.resourceNames ?? [];
  return has(rule.verbs, request.verb) && has(rule.apiGroups, request.apiGroup) && has(rule.resources, request.resource)
    && (names.length === 0 || names.includes(request.name));
}

/** What a ServiceAccount is bound to: a Role's rules in its namespace, and ClusterRoles' rules everywhere. */
export interface Grants {
  readonly namespace: string;
  readonly roleRules: readonly PolicyRule[];
  readonly clusterRules: readonly PolicyRule[];
}

/** Whether `grants` allow `request`. */
export function allows(grants: Grants, request: RequestAttributes): boolean {
  return grants.clusterRules.some((rule) => ruleAllows(rule, request))
    || (request.namespace === grants.namespace && grants.roleRules.some((rule) => ruleAllows(rule, request)));
}

/**
 * The permissions of `grants` no request used, one per rule, API group, resource and verb (`list apps/daemonsets`):
 * each must be needed by some request, or the rule grants more than the commands use.
 */
export function unusedPermissions(grants: Grants, requests: readonly RequestAttributes[]): string[] {
  const unused: string[] = [];
  const check = (rules: readonly PolicyRule[], namespace: string | undefined) => {
    for (const rule of rules) {
      for (const apiGroup of rule.apiGroups ?? []) {
        for (const resource of rule.resources ?? []) {
          for (const verb of rule.verbs) {
            const atom: PolicyRule = { apiGroups: [apiGroup], resources: [resource], verbs: [verb], resourceNames: rule.resourceNames };
            const used = requests.some((request) => (namespace === undefined || request.namespace === namespace) && ruleAllows(atom, request));
            if (!used) {
              const names = rule.resourceNames?.length ? ` ${rule.resourceNames.join(',')}` : '';
              unused.push(`${verb} ${apiGroup === '' ? '' : `${apiGroup}/`}${resource}${names}`);
            }
          }
        }
      }
    }
  };
  check(grants.roleRules, grants.namespace);
  check(grants.clusterRules, undefined);
  return unused;
}
