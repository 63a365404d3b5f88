// POST and PUT: create, replace, the status and scale subresources, and pod binding.
import { SandboxApi } from '../api';
import { notFound } from '../api-errors';
import {
  ApiRequest, ApiResponse, ensureNameMatches, ensureNamespaceMatches, objectBody, parseJsonBody,
} from './request';
import { scaleOf, withScale } from './scale';
import { badRequest, methodNotAllowed, notServed, successStatus } from './status';
import { writeOptionsOf } from './write-options';

/** Serves POST to a collection (create, 201 with the stored object) or to pods/<name>/binding. */
export function handleCreate(api: SandboxApi, request: ApiRequest): ApiResponse {
  const options = writeOptionsOf(request);
  const { route } = request;
  if (route.name !== undefined) {
    if (route.type.resource === 'pods' && route.subresource === 'binding') {
      return bind(api, request);
    }
    throw methodNotAllowed();
  }
  const obj = objectBody(request);
  ensureNamespaceMatches(request, obj);
  return { status: 201, body: api.create(route.type, obj, options) };
}

/** Serves PUT of an object (200 with the stored object), its status or its scale. */
export function handleUpdate(api: SandboxApi, request: ApiRequest): ApiResponse {
  const options = writeOptionsOf(request);
  const { route } = request;
  if (route.name === undefined) {
    throw methodNotAllowed();
  }
  const obj = objectBody(request);
  ensureNamespaceMatches(request, obj);
  switch (route.subresource) {
    case undefined:
      ensureNameMatches(request, obj);
      return { status: 200, body: api.update(route.type, obj, options) };
    case 'status':
      if (!route.type.hasStatus) {
        throw notServed();
      }
      ensureNameMatches(request, obj);
      return { status: 200, body: api.updateStatus(route.type, obj, options) };
    case 'scale': {
      if (!route.type.hasScale) {
        throw notServed();
      }
      const current = api.get(route.type, route.namespace, route.name);
      if (!current) {
        throw notFound(route.type, route.name);
      }
      return { status: 200, body: scaleOf(api.update(route.type, withScale(current, obj), options)) };
    }
    default:
      throw notServed();
  }
}

// POST pods/<name>/binding with a v1 Binding (what a scheduler sends).
function bind(api: SandboxApi, request: ApiRequest): ApiResponse {
  const binding = parseJsonBody(request) as { target?: { name?: string } } | undefined;
  const nodeName = binding?.target?.name;
  if (!nodeName) {
    throw badRequest('Binding.target.name: Required value: the node to bind the pod to');
  }
  api.bind(request.route.namespace!, request.route.name!, nodeName);
  return { status: 201, body: successStatus({}, 201) };
}
