// PATCH with `application/apply-patch+yaml`: server-side apply (k8s.io/apiserver endpoints/handlers/patch.go's
// applyPatcher and the field manager's checks), answered 201 when it creates the object and 200 otherwise.
import { parse } from 'yaml';
import { ApiError, apiVersionOf, KubeObject, SandboxApi } from '../api';
import { ApiRequest, ApiResponse, dryRunOf } from './request';
import { badRequest } from './status';

/** Whether a request's Content-Type is server-side apply's. */
export function isServerSideApply(contentType: string): boolean {
  return contentType.split(';')[0].trim().toLowerCase() === 'application/apply-patch+yaml';
}

/** Serves a server-side apply of an object. */
export function handleApply(api: SandboxApi, request: ApiRequest): ApiResponse {
  const { type, namespace, name, subresource } = request.route;
  if (subresource !== undefined) {
    throw new ApiError(415, 'UnsupportedMediaType', `the sandbox serves server-side apply of objects, not of their ${subresource} subresource`);
  }
  const fieldManager = request.query.get('fieldManager');
  if (!fieldManager) {
    // ValidatePatchOptions: kubectl defaults the manager, controllers must name theirs.
    throw new ApiError(422, 'Invalid', 'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch', {
      group: 'meta.k8s.io', kind: 'PatchOptions', causes: [{ reason: 'FieldValueRequired', message: 'Required value: is required for apply patch', field: 'fieldManager' }],
    });
  }
  const config = decodeConfiguration(request.body);
  const apiVersion = apiVersionOf(type);
  if (config.apiVersion !== apiVersion) {
    throw badRequest(`invalid object type: ${config.apiVersion ?? ''}, Kind=${config.kind ?? ''}`);
  }
  if (config.metadata?.managedFields !== undefined) {
    throw badRequest('metadata.managedFields must be nil');
  }
  if (config.metadata?.name !== undefined && config.metadata.name !== name) {
    throw badRequest(`the name of the object (${config.metadata.name}) does not match the name on the URL (${name})`);
  }
  if (type.namespaced && config.metadata?.namespace !== undefined && config.metadata.namespace !== namespace) {
    throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
  }
  const existed = api.get(type, namespace, name!) !== undefined;
  const applied = api.apply(type, { ...config, metadata: { ...config.metadata, name, ...(type.namespaced ? { namespace } : {}) } }, {
    fieldManager, force: request.query.get('force') === 'true', dryRun: dryRunOf(request.query),
  });
  return { status: existed ? 200 : 201, body: applied };
}

function decodeConfiguration(body: string): KubeObject {
  let config: unknown;
  try {
    config = parse(body);
  } catch (error) {
    throw badRequest(`error decoding YAML: ${(error as Error).message}`);
  }
  if (config === null || typeof config !== 'object' || Array.isArray(config)) {
    throw badRequest('error decoding YAML: the applied configuration is not an object');
  }
  return config as KubeObject;
}
