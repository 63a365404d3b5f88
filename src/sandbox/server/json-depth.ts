// The nesting limit of JSON request bodies. Go's encoding/json (and sigs.k8s.io/json, which the API server decodes
// with) refuses a document nested deeper than 10,000 arrays and objects; JavaScript's recursive functions (copying,
// merging, serializing an object) run out of stack well before that, which answered 500 `Maximum call stack size
// exceeded`. The sandbox refuses bodies nested deeper than it can handle, with the scanner's text.
import { KUBERNETES_PROTOBUF } from './protobuf/kube-protobuf';
import type { ApiRequest } from './request';
import { badRequest } from './status';

/**
 * The deepest nesting the sandbox accepts. Upstream accepts 10,000 levels, but no field of a served kind nests more
 * than a few dozen: deeper levels can only be unknown fields, which upstream drops (or refuses under kubectl's
 * `fieldValidation=Strict`) after decoding.
 */
export const MAX_JSON_DEPTH = 1000;

/**
 * Go's scanner error for the first array or object opened beyond `maxDepth` levels (`invalid character '[' exceeded
 * max depth`), or undefined. Reads `text` once, iteratively, without parsing it: a body that is not JSON at all is left
 * to the decoder to refuse.
 */
export function nestingDepthError(text: string, maxDepth: number = MAX_JSON_DEPTH): string | undefined {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const character = text[i];
    if (inString) {
      if (character === '\\') {
        i++;
      } else if (character === '"') {
        inString = false;
      }
    } else if (character === '"') {
      inString = true;
    } else if (character === '{' || character === '[') {
      depth++;
      if (depth > maxDepth) {
        return `invalid character '${character}' exceeded max depth`;
      }
    } else if (character === '}' || character === ']') {
      depth--;
    }
  }
  return undefined;
}

/**
 * Refuses a JSON body nested deeper than {@link MAX_JSON_DEPTH}, worded as the handler of its verb words a body it
 * cannot decode: a merge patch as json-patch's `Invalid JSON Patch`, other patches with the scanner's text, objects
 * as the sandbox's decode error.
 *
 * @throws ApiError 400 BadRequest
 */
export function refuseDeepBody(request: ApiRequest): void {
  const mediaType = request.contentType.split(';')[0].trim().toLowerCase();
  // A protobuf body is binary: its bytes are not brackets.
  const problem = request.body === '' || mediaType === KUBERNETES_PROTOBUF ? undefined : nestingDepthError(request.body);
  if (!problem) {
    return;
  }
  if (request.method !== 'PATCH') {
    throw badRequest(`the body of the request could not be decoded: ${problem}`);
  }
  throw badRequest(mediaType === 'application/merge-patch+json' ? 'Invalid JSON Patch' : problem);
}
