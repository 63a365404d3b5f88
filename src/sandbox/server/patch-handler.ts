// PATCH of an object, its status or its scale: read, apply the patch (src/sandbox/patch), write back with the read
// resourceVersion as the precondition (server-side apply has its own handler, apply-handler.ts). Upstream's patcher
// retries when another writer slips in between its read and its write; here the read, the patch and the write run in one synchronous step of the single-threaded store, so no
// write can slip in and a patch without a resourceVersion never conflicts. A patch that sets metadata.resourceVersion
// makes it a precondition, and a stale one is the client's 409, as upstream.
import { ApiError, KubeObject, SandboxApi, WriteOptions } from '../api';
import { notFound } from '../api-errors';
import { applyPatch } from '../patch';
import { handleApply, isServerSideApply } from './apply-handler';
import { ApiRequest, ApiResponse } from './request';
import { scaleOf, withScale } from './scale';
import { methodNotAllowed, notServed } from './status';
import { writeOptionsOf } from './write-options';

/** Serves PATCH. */
export function handlePatch(api: SandboxApi, request: ApiRequest): ApiResponse {
  const options = writeOptionsOf(request);
  const { route } = request;
  if (route.name === undefined) {
    throw methodNotAllowed();
  }
  if (isServerSideApply(request.contentType)) {
    return handleApply(api, request);
  }
  if (request.query.has('force')) {
    throw new ApiError(422, 'Invalid', 'PatchOptions.meta.k8s.io "" is invalid: force: Forbidden: may not be specified for non-apply patch', {
      group: 'meta.k8s.io', kind: 'PatchOptions', causes: [{ reason: 'FieldValueForbidden', message: 'Forbidden: may not be specified for non-apply patch', field: 'force' }],
    });
  }
  const target = patchTarget(api, request, options);
  const current = api.get(route.type, route.namespace, route.name);
  if (!current) {
    throw notFound(route.type, route.name);
  }
  const view = target.view(current);
  const patched = applyPatch(route.type, view, request.body, request.contentType);
  const precondition = patched.metadata?.resourceVersion || current.metadata.resourceVersion;
  return { status: 200, body: target.write(current, { ...patched, metadata: { ...patched.metadata, resourceVersion: precondition } }) };
}

interface PatchTarget {
  /** What the patch applies to, given the stored object. */
  view(current: KubeObject): KubeObject;
  /** Writes the patched view back; returns the response body. */
  write(current: KubeObject, patched: KubeObject): unknown;
}

function patchTarget(api: SandboxApi, request: ApiRequest, options: WriteOptions): PatchTarget {
  const { type, subresource } = request.route;
  switch (subresource) {
    case undefined:
      return { view: (current) => current, write: (_current, patched) => api.update(type, patched, options) };
    case 'status':
      if (!type.hasStatus) {
        throw notServed();
      }
      return { view: (current) => current, write: (_current, patched) => api.updateStatus(type, patched, options) };
    case 'scale':
      if (!type.hasScale) {
        throw notServed();
      }
      return { view: scaleOf, write: (current, patched) => scaleOf(api.update(type, withScale(current, patched), options)) };
    default:
      throw notServed();
  }
}
