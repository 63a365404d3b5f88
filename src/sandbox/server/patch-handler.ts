// PATCH of an object, its status or its scale: read, apply the patch (src/sandbox/patch), write back with the read
// resourceVersion as the precondition. Upstream's patcher retries when another writer slips in between its read and
// its write; here the read, the patch and the write run in one synchronous step of the single-threaded store, so no
// write can slip in and a patch without a resourceVersion never conflicts. A patch that sets metadata.resourceVersion
// makes it a precondition, and a stale one is the client's 409, as upstream.
import { apiVersionOf, KubeObject, SandboxApi, WriteOptions } from '../api';
import { notFound } from '../api-errors';
import { applyPatch } from '../patch';
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
  const target = patchTarget(api, request, options);
  const current = api.get(route.type, route.namespace, route.name);
  if (!current) {
    if (route.subresource === undefined && isServerSideApply(request.contentType)) {
      return { status: 201, body: applyToCreate(api, request, options) };
    }
    throw notFound(route.type, route.name);
  }
  const view = target.view(current);
  const patched = applyPatch(route.type, view, request.body, request.contentType);
  const precondition = patched.metadata?.resourceVersion || current.metadata.resourceVersion;
  return { status: 200, body: target.write(current, { ...patched, metadata: { ...patched.metadata, resourceVersion: precondition } }) };
}

// Server-side apply of an object that does not exist creates it (upstream's patcher with createOnUpdate).
function isServerSideApply(contentType: string): boolean {
  return contentType.split(';')[0].trim().toLowerCase() === 'application/apply-patch+yaml';
}

function applyToCreate(api: SandboxApi, request: ApiRequest, options: WriteOptions): KubeObject {
  const { type, namespace, name } = request.route;
  const skeleton: KubeObject = { apiVersion: apiVersionOf(type), kind: type.kind, metadata: { name, ...(type.namespaced ? { namespace } : {}) } };
  return api.create(type, applyPatch(type, skeleton, request.body, request.contentType), options);
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
