// Decoding a request body with the error texts Go's encoding/json produces, because the API server answers a
// malformed patch with those texts verbatim (400 BadRequest) and kubectl prints them.

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

/**
 * Parses `text` as JSON. Syntax errors carry Go's wording for the common cases (empty or truncated input, a character
 * that cannot start a value); deeper syntax errors keep the position the JavaScript parser reports.
 */
export function decodeGoJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new GoJsonDecodeError(goSyntaxMessage(text, (error as Error).message));
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

function goSyntaxMessage(text: string, javascriptMessage: string): string {
  const start = text.search(/\S/);
  if (start < 0) {
    return 'unexpected end of JSON input';
  }
  if (!/^[\[{"\-0-9tfn]/.test(text[start])) {
    return `invalid character ${goQuoteCharacter(text[start])} looking for beginning of value`;
  }
  if (/Unexpected end of JSON input|Unterminated string/i.test(javascriptMessage)) {
    return 'unexpected end of JSON input';
  }
  const position = /position (\d+)/.exec(javascriptMessage);
  if (position) {
    const index = Number(position[1]);
    return index >= text.length
      ? 'unexpected end of JSON input'
      : `invalid character ${goQuoteCharacter(text[index])} at offset ${index + 1}`;
  }
  return javascriptMessage;
}

// Go's scanner quotes the offending byte as a character literal: 'x', '\'' or '"'.
function goQuoteCharacter(character: string): string {
  if (character === '\'') {
    return '\'\\\'\'';
  }
  if (character === '"') {
    return '\'"\'';
  }
  return `'${character}'`;
}
