// PATCH of an object, its status or its scale: read, apply the patch (src/sandbox/patch), write back with the read
// resourceVersion as the precondition. As upstream's patcher, a write that loses a race with another writer is
// retried on fresh state, unless the patch itself carried a resourceVersion (then the 409 is the client's answer).
import { ApiError, KubeObject, SandboxApi } from '../api';
import { applyPatch } from '../patch';
import { notFound } from '../store';
import { ApiRequest, ApiResponse, rejectDryRun } from './request';
import { apiVersionOf } from './routes';
import { scaleOf, withScale } from './scale';
import { methodNotAllowed, notServed } from './status';

/** How many times a patch is re-applied after losing a write race (upstream's patcher retries on conflict too). */
export const PATCH_CONFLICT_RETRIES = 5;

/** Serves PATCH. */
export function handlePatch(api: SandboxApi, request: ApiRequest): ApiResponse {
  rejectDryRun(request.query);
  const { route } = request;
  if (route.name === undefined) {
    throw methodNotAllowed();
  }
  const target = patchTarget(api, request);
  for (let attempt = 0; ; attempt++) {
    const current = api.get(route.type, route.namespace, route.name);
    if (!current) {
      if (route.subresource === undefined && isServerSideApply(request.contentType)) {
        return { status: 201, body: applyToCreate(api, request) };
      }
      throw notFound(route.type, route.name);
    }
    const view = target.view(current);
    const patched = applyPatch(route.type, view, request.body, request.contentType);
    const readVersion = current.metadata.resourceVersion;
    // A patch that sets its own resourceVersion makes it a precondition: its conflict goes to the client.
    const patchSetVersion = (patched.metadata?.resourceVersion ?? readVersion) !== view.metadata.resourceVersion;
    const precondition = patchSetVersion ? patched.metadata.resourceVersion : readVersion;
    try {
      return { status: 200, body: target.write(current, { ...patched, metadata: { ...patched.metadata, resourceVersion: precondition } }) };
    } catch (error) {
      if (!(error instanceof ApiError) || error.code !== 409 || error.reason !== 'Conflict' || patchSetVersion || attempt >= PATCH_CONFLICT_RETRIES) {
        throw error;
      }
    }
  }
}

// Server-side apply of an object that does not exist creates it (upstream's patcher with createOnUpdate).
function isServerSideApply(contentType: string): boolean {
  return contentType.split(';')[0].trim().toLowerCase() === 'application/apply-patch+yaml';
}

function applyToCreate(api: SandboxApi, request: ApiRequest): KubeObject {
  const { type, namespace, name } = request.route;
  const skeleton: KubeObject = { apiVersion: apiVersionOf(type), kind: type.kind, metadata: { name, ...(type.namespaced ? { namespace } : {}) } };
  return api.create(type, applyPatch(type, skeleton, request.body, request.contentType));
}

interface PatchTarget {
  /** What the patch applies to, given the stored object. */
  view(current: KubeObject): KubeObject;
  /** Writes the patched view back; returns the response body. */
  write(current: KubeObject, patched: KubeObject): unknown;
}

function patchTarget(api: SandboxApi, request: ApiRequest): PatchTarget {
  const { type, subresource } = request.route;
  switch (subresource) {
    case undefined:
      return { view: (current) => current, write: (_current, patched) => api.update(type, patched) };
    case 'status':
      if (!type.hasStatus) {
        throw notServed();
      }
      return { view: (current) => current, write: (_current, patched) => api.updateStatus(type, patched) };
    case 'scale':
      if (!type.hasScale) {
        throw notServed();
      }
      return { view: scaleOf, write: (current, patched) => scaleOf(api.update(type, withScale(current, patched))) };
    default:
      throw notServed();
  }
}
