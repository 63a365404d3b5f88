// The discovery documents kubectl and client libraries read before any request: /version, /api, /apis, the group
// and the group-version resource lists. Built from RESOURCES, so a resource added there is discovered everywhere.
// Only the legacy (unaggregated) forms are served; kubectl asks for the aggregated APIGroupDiscoveryList first and
// falls back to these when the response's Content-Type is plain application/json.
import { RESOURCES, ResourceType } from '../api';

/** The Kubernetes version the sandbox claims: kubectl's dispatcher picks the matching kubectl minor from it. */
export const SERVER_VERSION = { major: '1', minor: '33', gitVersion: 'v1.33.0' } as const;

const TYPES: readonly ResourceType[] = Object.values(RESOURCES);

// Resources `kubectl get all` lists (upstream's "all" category).
const ALL_CATEGORY = new Set(['pods', 'services', 'statefulsets', 'daemonsets']);

const OBJECT_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
// Upstream's namespace registry has no deletecollection.
const NAMESPACE_VERBS = ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'];
const SUBRESOURCE_VERBS = ['get', 'patch', 'update'];

/** The body of GET /version. */
export function versionInfo(): Record<string, unknown> {
  return {
    major: SERVER_VERSION.major,
    minor: SERVER_VERSION.minor,
    gitVersion: SERVER_VERSION.gitVersion,
    gitCommit: '0000000000000000000000000000000000000000',
    gitTreeState: 'clean',
    buildDate: '2025-04-22T00:00:00Z',
    goVersion: 'go1.24.2',
    compiler: 'gc',
    platform: 'linux/amd64',
  };
}

/** The body of GET /api: the core group's versions. */
export function apiVersions(serverAddress: string): Record<string, unknown> {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

/** The body of GET /apis: every named group. */
export function apiGroupList(): Record<string, unknown> {
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: namedGroups().map(apiGroup) };
}

/** The body of GET /apis/<group>. */
export function apiGroup(group: string): Record<string, unknown> {
  const versions = [...new Set(TYPES.filter((type) => type.group === group).map((type) => type.version))]
    .map((version) => ({ groupVersion: `${group}/${version}`, version }));
  return { kind: 'APIGroup', apiVersion: 'v1', name: group, versions, preferredVersion: versions[0] };
}

/** The body of GET /api/v1 or /apis/<group>/<version>: the resources and subresources served there. */
export function apiResourceList(group: string, version: string): Record<string, unknown> {
  const resources = TYPES.filter((type) => type.group === group && type.version === version).flatMap(discoveryEntries);
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: group ? `${group}/${version}` : version,
    resources,
  };
}

function namedGroups(): string[] {
  return [...new Set(TYPES.map((type) => type.group).filter((group) => group !== ''))];
}

function discoveryEntries(type: ResourceType): Array<Record<string, unknown>> {
  const entries: Array<Record<string, unknown>> = [{
    name: type.resource,
    singularName: type.singular,
    namespaced: type.namespaced,
    kind: type.kind,
    verbs: type.resource === 'namespaces' ? NAMESPACE_VERBS : OBJECT_VERBS,
    ...(type.shortNames.length > 0 ? { shortNames: [...type.shortNames] } : {}),
    ...(ALL_CATEGORY.has(type.resource) ? { categories: ['all'] } : {}),
  }];
  if (type.hasStatus) {
    entries.push({ name: `${type.resource}/status`, singularName: '', namespaced: type.namespaced, kind: type.kind, verbs: SUBRESOURCE_VERBS });
  }
  if (type.hasScale) {
    entries.push({
      name: `${type.resource}/scale`,
      singularName: '',
      namespaced: type.namespaced,
      group: 'autoscaling',
      version: 'v1',
      kind: 'Scale',
      verbs: SUBRESOURCE_VERBS,
    });
  }
  if (type.resource === 'pods') {
    entries.push({ name: 'pods/binding', singularName: '', namespaced: true, kind: 'Binding', verbs: ['create'] });
    // kubectl drain evicts (rather than deletes) only when discovery lists this subresource with its group and version.
    entries.push({ name: 'pods/eviction', singularName: '', namespaced: true, group: 'policy', version: 'v1', kind: 'Eviction', verbs: ['create'] });
  }
  return entries;
}
