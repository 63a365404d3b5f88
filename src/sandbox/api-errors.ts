// The errors of the sandbox's API contract (api.ts) that every layer raises alike, worded as upstream's apiserver
// words them, so the store, the HTTP handlers and the controllers name a resource the same way.
import { ApiError, ResourceType } from './api';

/** `statefulsets.apps`, or `pods` for the core group: how upstream names a resource in messages. */
export function qualifiedResource(type: ResourceType): string {
  return type.group ? `${type.resource}.${type.group}` : type.resource;
}

/** The 404 upstream returns for a missing object: `statefulsets.apps "zk" not found`. */
export function notFound(type: ResourceType, name: string): ApiError {
  return new ApiError(404, 'NotFound', `${qualifiedResource(type)} "${name}" not found`, { name, group: type.group, kind: type.resource });
}
