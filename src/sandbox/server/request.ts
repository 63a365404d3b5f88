// One parsed API request as the handlers see it, and the reading of its query parameters and body.
import { ApiError, apiVersionOf, KubeObject, ListOptions } from '../api';
import { decodeKubernetesProtobuf, KUBERNETES_PROTOBUF } from './protobuf/kube-protobuf';
import { ResourceRoute } from './routes';
import { badRequest, methodNotAllowed } from './status';

/** A request to a resource path, read in full. */
export interface ApiRequest {
  /** HTTP method. */
  readonly method: string;
  /** The resource addressed. */
  readonly route: ResourceRoute;
  /** Query parameters. */
  readonly query: URLSearchParams;
  /** The Accept header ('' when absent). */
  readonly accept: string;
  /** The Content-Type header ('' when absent). */
  readonly contentType: string;
  /**
   * The User-Agent header, which names the manager of a write that gives no fieldManager.
   * @default - none
   */
  readonly userAgent?: string;
  /** The body as text ('' when absent). */
  readonly body: string;
  /** The body's bytes (protobuf bodies are binary). */
  readonly bytes: Uint8Array;
}

/** What a handler answers: a status code and a JSON body. */
export interface ApiResponse {
  /** HTTP status code. */
  readonly status: number;
  /** The body, serialized as JSON. */
  readonly body: unknown;
}

/** The list/watch filters of a request: the path's namespace and the labelSelector and fieldSelector parameters. */
export function listOptionsOf(request: ApiRequest): ListOptions {
  const { route, query } = request;
  return {
    namespace: route.type.namespaced ? route.namespace : undefined,
    labelSelector: query.get('labelSelector') || undefined,
    fieldSelector: query.get('fieldSelector') || undefined,
  };
}

/** Whether the client asked for a meta.k8s.io/v1 Table (kubectl get does). */
export function wantsTable(accept: string): boolean {
  return accept.split(',').some((part) => {
    const params = part.split(';').map((param) => param.trim());
    return params.includes('as=Table') && params.includes('g=meta.k8s.io') && params.includes('v=v1');
  });
}

/** The `includeObject` parameter of a Table request (kubectl asks for Object when it needs the rows' objects). */
export function includeObjectOf(query: URLSearchParams): 'None' | 'Metadata' | 'Object' | undefined {
  const value = query.get('includeObject');
  if (value === null || value === '') {
    return undefined;
  }
  if (value !== 'None' && value !== 'Metadata' && value !== 'Object') {
    throw badRequest(`includeObject: Unsupported value: "${value}": supported values: "None", "Metadata", "Object"`);
  }
  return value;
}

/** Whether the query has `watch=true` or `watch=1` (or the path used the legacy /watch/ prefix). */
export function isWatch(request: ApiRequest): boolean {
  const watch = request.query.get('watch');
  return request.route.legacyWatch || watch === 'true' || watch === '1';
}

/**
 * Whether the request is a server-side dry run (`dryRun=All`): validated and admitted, answered as if done, not
 * stored. Any other value is upstream's 400.
 */
export function dryRunOf(query: URLSearchParams): boolean {
  const values = query.getAll('dryRun').filter((value) => value !== '');
  const unsupported = values.find((value) => value !== 'All');
  if (unsupported !== undefined) {
    throw badRequest(`dryRun: Unsupported value: "${unsupported}": supported values: "All"`);
  }
  return values.length > 0;
}

/** The JSON object of a create or update body, with apiVersion and kind defaulted from the path as upstream decodes. */
export function objectBody(request: ApiRequest): KubeObject {
  const parsed = isProtobuf(request) ? decodeKubernetesProtobuf(request.bytes) : parseJsonBody(request);
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw badRequest('the body of the request was not a JSON object');
  }
  const obj = parsed as KubeObject;
  obj.apiVersion ||= apiVersionOf(request.route.type);
  obj.kind ||= request.route.type.kind;
  obj.metadata ??= {};
  return obj;
}

/** The parsed JSON body, or undefined when the body is empty. */
export function parseJsonBody(request: ApiRequest): unknown {
  if (request.body.trim() === '') {
    return undefined;
  }
  const mediaType = mediaTypeOf(request);
  if (mediaType !== '' && mediaType !== 'application/json' && mediaType !== '*/*') {
    throw unsupportedMediaType(mediaType);
  }
  try {
    return JSON.parse(request.body);
  } catch (error) {
    throw badRequest(`the body of the request could not be decoded: ${(error as Error).message}`);
  }
}

/** Whether the body is in Kubernetes' protobuf encoding. */
export function isProtobuf(request: ApiRequest): boolean {
  return mediaTypeOf(request) === KUBERNETES_PROTOBUF && request.bytes.length > 0;
}

function mediaTypeOf(request: ApiRequest): string {
  return request.contentType.split(';')[0].trim().toLowerCase();
}

/** 415 for a body the server cannot decode, as upstream words it. */
export function unsupportedMediaType(mediaType: string): ApiError {
  return new ApiError(415, 'UnsupportedMediaType',
    `the body of the request was in an unknown format - accepted media types include: application/json, ${KUBERNETES_PROTOBUF} (got ${mediaType})`);
}

/** Checks the body's namespace against the path's, and fills it in when absent (upstream's rest.EnsureObjectNamespaceMatchesRequestNamespace). */
export function ensureNamespaceMatches(request: ApiRequest, obj: KubeObject): void {
  const { route } = request;
  if (!route.type.namespaced) {
    return;
  }
  const namespace = route.namespace;
  if (!namespace) {
    // Upstream serves only list and watch on /<resource> of a namespaced resource.
    throw methodNotAllowed();
  }
  if (obj.metadata.namespace && obj.metadata.namespace !== namespace) {
    throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
  }
  obj.metadata.namespace = namespace;
}

/** Checks the body's name against the path's (upstream's update handler). */
export function ensureNameMatches(request: ApiRequest, obj: KubeObject): void {
  const name = request.route.name!;
  if (obj.metadata.name && obj.metadata.name !== name) {
    throw badRequest(`the name of the object (${obj.metadata.name}) does not match the name on the URL (${name})`);
  }
  obj.metadata.name = name;
}

/**
 * The `resourceVersion` parameter, or undefined when absent or empty. Upstream parses it as an unsigned 64-bit
 * integer (storage.APIObjectVersioner.ParseResourceVersion) and refuses anything else.
 *
 * @throws ApiError 400 BadRequest with upstream's text for a value that is not one
 */
export function resourceVersionOf(query: URLSearchParams): string | undefined {
  const value = query.get('resourceVersion');
  if (!value) {
    return undefined;
  }
  const problem = !/^[0-9]+$/.test(value) ? 'invalid syntax' : BigInt(value) >= 2n ** 64n ? 'value out of range' : undefined;
  if (problem) {
    throw badRequest(`invalid resource version: resourceVersion: Invalid value: ${JSON.stringify(value)}: strconv.ParseUint: parsing ${JSON.stringify(value)}: ${problem}`);
  }
  return value;
}
