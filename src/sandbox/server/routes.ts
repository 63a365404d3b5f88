// Where an API request is addressed: a discovery document, an OpenAPI document, or a resource (collection, object
// or subresource). Pure parsing of the URL path, following the apiserver's layout
// (/api/v1/..., /apis/<group>/<version>/..., namespaced under namespaces/<ns>/, legacy watch/ prefix).
import { RESOURCES, ResourceType } from '../api';
import { badRequest } from './status';

/** A request for a discovery or OpenAPI document. */
export interface DocumentRoute {
  /** Which document. */
  readonly kind: 'version' | 'health' | 'apiVersions' | 'groupList' | 'group' | 'resourceList' | 'openapiV2' | 'openapiV3Root' | 'openapiV3GroupVersion';
  /**
   * The API group (for `group`, `resourceList`, `openapiV3GroupVersion`); '' for the core group.
   * @default ''
   */
  readonly group?: string;
  /**
   * The group version (for `resourceList`, `openapiV3GroupVersion`).
   * @default ''
   */
  readonly version?: string;
}

/** A request for a resource collection, object or subresource. */
export interface ResourceRoute {
  /** Always 'resource'. */
  readonly kind: 'resource';
  /** The resource type addressed. */
  readonly type: ResourceType;
  /**
   * The namespace from the path.
   * @default all namespaces (collections) or none (cluster-scoped objects)
   */
  readonly namespace?: string;
  /**
   * The object name; absent for a collection.
   * @default the collection
   */
  readonly name?: string;
  /**
   * The subresource (`status`, `scale`, `binding`).
   * @default the object itself
   */
  readonly subresource?: string;
  /** Whether the path used the legacy `/watch/` prefix. */
  readonly legacyWatch: boolean;
  /**
   * For a pod's `proxy` subresource: the path after `proxy/` that is sent on to the pod.
   * @default none
   */
  readonly proxyPath?: string;
}

/** A path the server does not serve. */
export interface UnknownRoute {
  /** Always 'unknown'. */
  readonly kind: 'unknown';
}

/** Where a request is addressed. */
export type Route = DocumentRoute | ResourceRoute | UnknownRoute;

const TYPES: readonly ResourceType[] = Object.values(RESOURCES);

/** The resource type served at `group`/`version` under `resource`, if any. */
export function findResourceType(group: string, version: string, resource: string): ResourceType | undefined {
  return TYPES.find((type) => type.group === group && type.version === version && type.resource === resource);
}

/**
 * The URL of a request target as the client sent it: an origin-form path (`/api/v1/...`, `//x` included, which the
 * URL parser alone would take for a host) or an absolute URL.
 *
 * @throws ApiError 400 BadRequest for a target that is neither
 */
export function requestUrl(target: string): URL {
  try {
    return target.startsWith('/') ? new URL(`http://sandbox${target}`) : new URL(target);
  } catch {
    throw badRequest(`parse ${JSON.stringify(target)}: invalid URI for request`);
  }
}

/**
 * Parses an URL path (without the query string) into a route.
 *
 * @throws ApiError 400 BadRequest for a malformed percent-escape (Go's net/http refuses the request line)
 */
export function parseRoute(pathname: string): Route {
  const segments = pathname.split('/').filter((segment) => segment !== '').map(decodePathSegment);
  const [root, ...rest] = segments;
  switch (root) {
    case 'version':
      return rest.length === 0 ? { kind: 'version' } : UNKNOWN;
    case 'healthz':
    case 'livez':
    case 'readyz':
      return rest.length === 0 ? { kind: 'health' } : UNKNOWN;
    case 'openapi':
      return openapiRoute(rest);
    case 'api':
      if (rest.length === 0) {
        return { kind: 'apiVersions' };
      }
      return groupVersionRoute('', rest[0], rest.slice(1));
    case 'apis':
      if (rest.length === 0) {
        return { kind: 'groupList' };
      }
      if (rest.length === 1) {
        return TYPES.some((type) => type.group === rest[0]) ? { kind: 'group', group: rest[0] } : UNKNOWN;
      }
      return groupVersionRoute(rest[0], rest[1], rest.slice(2));
    default:
      return UNKNOWN;
  }
}

const UNKNOWN: UnknownRoute = { kind: 'unknown' };

// Percent-decoding as Go's url.PathUnescape: a malformed escape is refused with its error text; escapes of bytes
// that are not UTF-8 decode (to U+FFFD here), so such a name is simply not found.
function decodePathSegment(segment: string): string {
  const malformed = /%(?![0-9A-Fa-f]{2}).{0,2}/s.exec(segment);
  if (malformed) {
    throw badRequest(`invalid URL escape ${JSON.stringify(malformed[0])}`);
  }
  try {
    return decodeURIComponent(segment);
  } catch {
    return Buffer.from(segment.replace(/%([0-9A-Fa-f]{2})/g, (_escape, hex: string) => String.fromCharCode(parseInt(hex, 16))), 'latin1').toString('utf8');
  }
}

function openapiRoute(rest: string[]): Route {
  if (rest.length === 1 && rest[0] === 'v2') {
    return { kind: 'openapiV2' };
  }
  if (rest[0] !== 'v3') {
    return UNKNOWN;
  }
  if (rest.length === 1) {
    return { kind: 'openapiV3Root' };
  }
  // /openapi/v3/api/v1 or /openapi/v3/apis/<group>/<version>
  if (rest[1] === 'api' && rest.length === 3) {
    return servesGroupVersion('', rest[2]) ? { kind: 'openapiV3GroupVersion', group: '', version: rest[2] } : UNKNOWN;
  }
  if (rest[1] === 'apis' && rest.length === 4) {
    return servesGroupVersion(rest[2], rest[3]) ? { kind: 'openapiV3GroupVersion', group: rest[2], version: rest[3] } : UNKNOWN;
  }
  return UNKNOWN;
}

function servesGroupVersion(group: string, version: string): boolean {
  return TYPES.some((type) => type.group === group && type.version === version);
}

function groupVersionRoute(group: string, version: string, rest: string[]): Route {
  if (!servesGroupVersion(group, version)) {
    return UNKNOWN;
  }
  if (rest.length === 0) {
    return { kind: 'resourceList', group, version };
  }
  const legacyWatch = rest[0] === 'watch';
  const path = legacyWatch ? rest.slice(1) : rest;
  // namespaces/<ns>/<resource>/... addresses a namespaced resource; namespaces/<name>[/status|finalize] a namespace.
  if (path[0] === 'namespaces' && path.length >= 3 && !['status', 'finalize'].includes(path[2])) {
    const type = findResourceType(group, version, path[2]);
    // pods/<name>/proxy/<path...> sends the rest of the path on to the pod.
    const proxy = type === RESOURCES.pods && path[4] === 'proxy' && !legacyWatch;
    if (!type || !type.namespaced || (path.length > 5 && !proxy)) {
      return UNKNOWN;
    }
    const route: ResourceRoute = { kind: 'resource', type, namespace: path[1], name: path[3], subresource: path[4], legacyWatch };
    return proxy ? { ...route, proxyPath: path.slice(5).join('/') } : route;
  }
  const type = findResourceType(group, version, path[0]);
  // A namespaced resource is served across namespaces only as a collection (list and watch).
  if (!type || path.length > 3 || (type.namespaced && path.length > 1)) {
    return UNKNOWN;
  }
  return { kind: 'resource', type, name: path[1], subresource: path[2], legacyWatch };
}
