// Decoding a request body with the error texts Go's encoding/json produces, because the API server answers a
// malformed patch with those texts verbatim (400 BadRequest) and kubectl prints them.

import { goJsonSyntaxError } from './go-json-syntax';

/** A body that Go's encoding/json would refuse, with Go's error text as the message. */
export class GoJsonDecodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GoJsonDecodeError';
  }
}

/** The JSON kinds Go names in "cannot unmarshal X into Go value of type Y". */
export function goJsonKind(value: unknown): string {
  if (value === null) {
    return 'null';
  }
  if (Array.isArray(value)) {
    return 'array';
  }
  return typeof value === 'object' ? 'object' : typeof value;
}

/** Parses `text` as JSON; a syntax error carries the text Go's scanner reports for it. */
export function decodeGoJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new GoJsonDecodeError(goJsonSyntaxError(text) ?? (error as Error).message);
  }
}

/**
 * Parses `text` and checks it is of `expectedKind`; otherwise throws Go's unmarshal type error naming `goType`
 * (e.g. `map[string]interface {}`).
 */
export function decodeGoJsonAs(text: string, expectedKind: 'object' | 'array', goType: string): any {
  const value = decodeGoJson(text);
  const kind = goJsonKind(value);
  // Go decodes a JSON null into a map or slice as the zero value, without an error.
  if (kind !== expectedKind && kind !== 'null') {
    throw new GoJsonDecodeError(`json: cannot unmarshal ${kind} into Go value of type ${goType}`);
  }
  return value;
}
