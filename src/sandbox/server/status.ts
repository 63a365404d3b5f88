// metav1.Status bodies: how the apiserver reports failures (and some successes) so kubectl prints
// `Error from server (NotFound): statefulsets.apps "x" not found` and client libraries see code, reason and details.
import { ApiError } from '../api';

/** A metav1.Status as JSON. */
export type StatusBody = Record<string, unknown> & { readonly code: number };

/** The Status body of a failure. */
export function failureStatus(code: number, reason: string, message: string, details?: Record<string, unknown>): StatusBody {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    // Go's omitempty: a Status without a reason (an error upstream does not map) has no reason field.
    ...(reason ? { reason } : {}),
    ...(details ? { details } : {}),
    code,
  };
}

/** A Success Status (upstream's answer to a completed delete or a binding). */
export function successStatus(details: Record<string, unknown>, code: number = 200): StatusBody {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details, code };
}

/** The Status for any error thrown while serving: ApiErrors keep their code, anything else is a 500. */
export function statusOfError(error: unknown): StatusBody {
  if (error instanceof ApiError) {
    return failureStatus(error.code, error.reason, error.message, error.details);
  }
  const message = error instanceof Error ? error.message : String(error);
  return failureStatus(500, 'InternalError', `Internal error occurred: ${message}`, { causes: [{ message }] });
}

/** 400 BadRequest, as upstream words a malformed request. */
export function badRequest(message: string): ApiError {
  return new ApiError(400, 'BadRequest', message);
}

/** 404 for a path or subresource the server does not serve (upstream's generic NotFound). */
export function notServed(): ApiError {
  return new ApiError(404, 'NotFound', 'the server could not find the requested resource', {});
}

/** 405 for a verb a path does not support, as upstream words it. */
export function methodNotAllowed(): ApiError {
  return new ApiError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource', {});
}
