// DELETE of an object or a collection, with DeleteOptions from the body or the query (kubectl sends
// `{"propagationPolicy":"Background"}`; client libraries may send gracePeriodSeconds and preconditions).
import { ApiError, apiVersionOf, DeleteOptions, KubeObject, SandboxApi } from '../api';
import { notFound } from '../api-errors';
import { decodeKubernetesProtobuf } from './protobuf/kube-protobuf';
import { ApiRequest, ApiResponse, dryRunOf, isProtobuf, listOptionsOf, parseJsonBody } from './request';
import { badRequest, methodNotAllowed, successStatus } from './status';

const PROPAGATION_POLICIES = ['Orphan', 'Background', 'Foreground'];

/**
 * Serves DELETE. A pending deletion (graceful pod termination, finalizers) answers 202 with the marked object; a
 * completed one answers 200 with the deleted object for pods (upstream's ReturnDeletedObject) and a Success Status
 * for other kinds. A collection delete answers the list of deleted objects.
 */
export function handleDelete(api: SandboxApi, request: ApiRequest): ApiResponse {
  const { route } = request;
  if (route.subresource !== undefined) {
    throw methodNotAllowed();
  }
  const options = deleteOptionsOf(request);
  if (route.name === undefined) {
    if (route.type.namespaced && !route.namespace) {
      throw methodNotAllowed();
    }
    const items = api.listView(route.type, listOptionsOf(request)).items
      .map((item) => api.delete(route.type, item.metadata.namespace, item.metadata.name!, options))
      .filter((item): item is KubeObject => item !== undefined);
    return { status: 200, body: { apiVersion: apiVersionOf(route.type), kind: `${route.type.kind}List`, metadata: {}, items } };
  }
  const result = api.delete(route.type, route.namespace, route.name, options);
  if (!result) {
    throw notFound(route.type, route.name);
  }
  // A dry run deletes nothing: what it answers follows from whether the deletion would only have marked the object.
  const pending = options.dryRun ? result.metadata.deletionTimestamp !== undefined
    : api.get(route.type, route.namespace, route.name)?.metadata.uid === result.metadata.uid;
  if (pending) {
    return { status: 202, body: result };
  }
  if (route.type.resource === 'pods') {
    return { status: 200, body: result };
  }
  return { status: 200, body: successStatus({ name: route.name, group: route.type.group, kind: route.type.resource, uid: result.metadata.uid }) };
}

/** The DeleteOptions of a request: the body's (JSON, or protobuf as kubectl 1.32+ sends), with the query's gracePeriodSeconds and propagationPolicy taking precedence as upstream. */
export function deleteOptionsOf(request: ApiRequest): DeleteOptions {
  const body = isProtobuf(request) ? decodeKubernetesProtobuf(request.bytes) : parseJsonBody(request) ?? {};
  if (typeof body !== 'object' || Array.isArray(body)) {
    throw badRequest('the body of a DELETE must be a DeleteOptions object');
  }
  return parseDeleteOptions(body as Record<string, any>, request.query);
}

/** DeleteOptions from their JSON form (a DELETE's body, an Eviction's deleteOptions), the query's parameters taking precedence. */
export function parseDeleteOptions(body: Record<string, any>, query: URLSearchParams = new URLSearchParams()): DeleteOptions {
  const grace = query.get('gracePeriodSeconds') ?? body.gracePeriodSeconds;
  const policy = query.get('propagationPolicy') ?? body.propagationPolicy ?? (body.orphanDependents === true ? 'Orphan' : undefined);
  const options: DeleteOptions = {};
  if (grace !== undefined && grace !== null && grace !== '') {
    const seconds = Number(grace);
    if (!Number.isInteger(seconds)) {
      throw badRequest(`gracePeriodSeconds: Invalid value: ${JSON.stringify(grace)}: must be an integer`);
    }
    options.gracePeriodSeconds = Math.max(0, seconds);
  }
  if (policy !== undefined && policy !== null) {
    if (!PROPAGATION_POLICIES.includes(policy)) {
      const message = `propagationPolicy: Unsupported value: ${JSON.stringify(policy)}: supported values: "Foreground", "Background", "Orphan", "nil"`;
      throw new ApiError(422, 'Invalid', `DeleteOptions.meta.k8s.io "" is invalid: ${message}`,
        { group: 'meta.k8s.io', kind: 'DeleteOptions', causes: [{ reason: 'FieldValueNotSupported', message, field: 'propagationPolicy' }] });
    }
    options.propagationPolicy = policy;
  }
  const dryRun = [...query.getAll('dryRun'), ...(Array.isArray(body.dryRun) ? body.dryRun.map(String) : [])];
  if (dryRunOf(new URLSearchParams(dryRun.map((value): [string, string] => ['dryRun', value])))) {
    options.dryRun = true;
  }
  if (body.preconditions) {
    options.preconditions = { uid: body.preconditions.uid, resourceVersion: body.preconditions.resourceVersion };
  }
  return options;
}
