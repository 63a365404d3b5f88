// The PATCH verb's body handling: decode the body as its content type says, apply it to the stored object and
// answer failures with the Status codes and texts the API server uses (k8s.io/apiserver endpoints/handlers/patch.go).

import { ApiError, KubeObject, ResourceType } from '../api';
import { decodeGoJsonAs, goJsonKind, GoJsonDecodeError } from './go-json-decode';
import { applyJsonPatch, JsonPatchError } from './json-patch';
import { applyMergePatch } from './merge-patch';
import { applyStrategicMergePatch, StrategicMergePatchError } from './strategic-merge-patch';

/** The patch content types of the PATCH verb. */
export type PatchContentType =
  | 'application/json-patch+json'
  | 'application/merge-patch+json'
  | 'application/strategic-merge-patch+json'
  | 'application/apply-patch+yaml';

const SUPPORTED: readonly string[] = [
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/strategic-merge-patch+json',
  'application/apply-patch+yaml',
];

/**
 * Applies a patch to a copy of `current`.
 *
 * @param type the resource being patched (strategic merge patch looks up its fields' merge keys by kind)
 * @param current the stored object
 * @param body the request body
 * @param contentType the request's Content-Type (parameters such as `charset` are ignored)
 * @throws ApiError 400 BadRequest for a body that does not decode, 415 UnsupportedMediaType for another content type
 *   (server-side apply is the store's `apply`, not a patch of this module), 422 Invalid when a JSON patch operation does not apply, and upstream's code for a
 *   strategic merge patch it refuses
 */
export function applyPatch(type: ResourceType, current: KubeObject, body: string, contentType: string): KubeObject {
  const mediaType = contentType.split(';')[0].trim().toLowerCase();
  try {
    switch (mediaType) {
      case 'application/json-patch+json':
        return jsonPatch(current, body);
      case 'application/merge-patch+json':
        return mergePatch(current, body);
      case 'application/strategic-merge-patch+json':
        return strategicPatch(type, current, body);
      default:
        throw new ApiError(415, 'UnsupportedMediaType',
          `the body of the request was in an unknown format - accepted media types include: ${SUPPORTED.join(', ')}`);
    }
  } catch (error) {
    if (error instanceof GoJsonDecodeError) {
      throw new ApiError(400, 'BadRequest', error.message);
    }
    throw error;
  }
}

function jsonPatch(current: KubeObject, body: string): KubeObject {
  const operations: unknown[] = decodeGoJsonAs(body, 'array', 'jsonpatch.Patch') ?? [];
  const malformed = operations.find((operation) => operation !== null && goJsonKind(operation) !== 'object');
  if (malformed !== undefined) {
    throw new ApiError(400, 'BadRequest', `json: cannot unmarshal ${goJsonKind(malformed)} into Go value of type jsonpatch.Operation`);
  }
  try {
    return applyJsonPatch(current, operations.map((operation) => (operation ?? {}) as Record<string, unknown>)) as KubeObject;
  } catch (error) {
    if (error instanceof JsonPatchError) {
      // Upstream answers with a generic Invalid status and keeps json-patch's own text out of the response.
      throw new ApiError(422, 'Invalid', 'the server rejected our request due to an error in our request', {});
    }
    throw error;
  }
}

function mergePatch(current: KubeObject, body: string): KubeObject {
  let patch: unknown;
  try {
    patch = decodeGoJsonAs(body, 'object', 'map[string]interface {}');
  } catch {
    throw new ApiError(400, 'BadRequest', 'Invalid JSON Patch');
  }
  return applyMergePatch(current, patch ?? {}) as KubeObject;
}

function strategicPatch(type: ResourceType, current: KubeObject, body: string): KubeObject {
  const patch = decodeGoJsonAs(body, 'object', 'map[string]interface {}') ?? {};
  try {
    return applyStrategicMergePatch(type.kind, current, patch) as KubeObject;
  } catch (error) {
    if (error instanceof StrategicMergePatchError) {
      // Errors upstream does not convert to a Status become 500 with an empty (Unknown) reason.
      const reason = { 400: 'BadRequest', 422: 'Invalid', 500: '' }[error.code];
      throw new ApiError(error.code, reason, error.message, error.code === 500 ? undefined : {});
    }
    throw error;
  }
}
