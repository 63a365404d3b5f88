// The Status an injected fault answers with, worded as the apiserver words a real conflict, throttle or failure,
// so clients take the same retry paths they would against a cluster.
import { ApiError } from '../api';
import { qualifiedResource } from '../api-errors';
import type { ResourceRoute } from './routes';

/** The error of an injected 409, 429 or 500 for a request to `route`. */
export function injectedFault(status: 409 | 429 | 500, route: ResourceRoute): ApiError {
  switch (status) {
    case 409:
      return new ApiError(409, 'Conflict',
        `Operation cannot be fulfilled on ${qualifiedResource(route.type)} "${route.name ?? ''}": the object has been modified; please apply your changes to the latest version and try again`,
        { name: route.name ?? '', group: route.type.group, kind: route.type.resource });
    case 429:
      return new ApiError(429, 'TooManyRequests', 'Too many requests, please try again later.', { retryAfterSeconds: 1 });
    case 500:
      return new ApiError(500, 'InternalError', 'Internal error occurred: injected server error (sandbox fault injection)',
        { causes: [{ message: 'injected server error (sandbox fault injection)' }] });
  }
}
