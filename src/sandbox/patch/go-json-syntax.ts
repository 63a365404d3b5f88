// The syntax check of Go's encoding/json scanner, reduced to what it reports: the first error's text
// ("invalid character 'x' after object key", "unexpected end of JSON input" ...). The API server returns these
// texts for a malformed patch body, so the sandbox reproduces them rather than JavaScript's parser messages.

/** Go's text for the first syntax error in `text`, or undefined when `text` is valid JSON. */
export function goJsonSyntaxError(text: string): string | undefined {
  const scanner = new Scanner(text);
  try {
    scanner.value('looking for beginning of value');
    scanner.skipSpace();
    if (scanner.position < text.length) {
      throw scanner.invalid('after top-level value');
    }
    return undefined;
  } catch (error) {
    if (error instanceof SyntaxFailure) {
      return error.message;
    }
    throw error;
  }
}

class SyntaxFailure extends Error {}

// scanner.go's quoteChar: the offending character as a Go character literal.
function quoteChar(character: string): string {
  if (character === '\'') {
    return '\'\\\'\'';
  }
  if (character === '"') {
    return '\'"\'';
  }
  const quoted = JSON.stringify(character);
  return `'${quoted.slice(1, -1)}'`;
}

class Scanner {
  position = 0;

  constructor(private readonly text: string) {}

  invalid(context: string): SyntaxFailure {
    if (this.position >= this.text.length) {
      return new SyntaxFailure('unexpected end of JSON input');
    }
    return new SyntaxFailure(`invalid character ${quoteChar(this.text[this.position])} ${context}`);
  }

  skipSpace(): void {
    while (this.position < this.text.length && ' \t\r\n'.includes(this.text[this.position])) {
      this.position++;
    }
  }

  private peek(): string | undefined {
    return this.text[this.position];
  }

  value(context: string): void {
    this.skipSpace();
    const character = this.peek();
    if (character === '{') {
      this.object();
    } else if (character === '[') {
      this.array();
    } else if (character === '"') {
      this.string();
    } else if (character === '-' || (character !== undefined && character >= '0' && character <= '9')) {
      this.number();
    } else if (character === 't' || character === 'f' || character === 'n') {
      this.literal({ t: 'true', f: 'false', n: 'null' }[character]);
    } else {
      throw this.invalid(context);
    }
  }

  private object(): void {
    this.position++;
    this.skipSpace();
    if (this.peek() === '}') {
      this.position++;
      return;
    }
    for (;;) {
      this.skipSpace();
      if (this.peek() !== '"') {
        throw this.invalid('looking for beginning of object key string');
      }
      this.string();
      this.skipSpace();
      if (this.peek() !== ':') {
        throw this.invalid('after object key');
      }
      this.position++;
      this.value('looking for beginning of value');
      this.skipSpace();
      if (this.peek() === ',') {
        this.position++;
      } else if (this.peek() === '}') {
        this.position++;
        return;
      } else {
        throw this.invalid('after object key:value pair');
      }
    }
  }

  private array(): void {
    this.position++;
    this.skipSpace();
    if (this.peek() === ']') {
      this.position++;
      return;
    }
    for (;;) {
      this.value('looking for beginning of value');
      this.skipSpace();
      if (this.peek() === ',') {
        this.position++;
      } else if (this.peek() === ']') {
        this.position++;
        return;
      } else {
        throw this.invalid('after array element');
      }
    }
  }

  private string(): void {
    this.position++;
    for (;;) {
      const character = this.peek();
      if (character === undefined) {
        throw this.invalid('in string literal');
      }
      if (character === '"') {
        this.position++;
        return;
      }
      if (character < ' ') {
        throw this.invalid('in string literal');
      }
      this.position++;
      if (character === '\\') {
        const escape = this.peek();
        if (escape === 'u') {
          this.position++;
          for (let digit = 0; digit < 4; digit++) {
            if (!/^[0-9a-fA-F]$/.test(this.peek() ?? '')) {
              throw this.invalid('in \\u hexadecimal character escape');
            }
            this.position++;
          }
        } else if (escape !== undefined && 'bfnrt\\/"'.includes(escape)) {
          this.position++;
        } else {
          throw this.invalid('in string escape code');
        }
      }
    }
  }

  private digits(): number {
    const start = this.position;
    while (/^[0-9]$/.test(this.peek() ?? '')) {
      this.position++;
    }
    return this.position - start;
  }

  private number(): void {
    if (this.peek() === '-') {
      this.position++;
      if (!/^[0-9]$/.test(this.peek() ?? '')) {
        throw this.invalid('in numeric literal');
      }
    }
    if (this.peek() === '0') {
      this.position++;
    } else {
      this.digits();
    }
    if (this.peek() === '.') {
      this.position++;
      if (this.digits() === 0) {
        throw this.invalid('after decimal point in numeric literal');
      }
    }
    if (this.peek() === 'e' || this.peek() === 'E') {
      this.position++;
      if (this.peek() === '+' || this.peek() === '-') {
        this.position++;
      }
      if (this.digits() === 0) {
        throw this.invalid('in exponent of numeric literal');
      }
    }
  }

  private literal(word: string): void {
    this.position++;
    for (const expected of word.slice(1)) {
      if (this.peek() !== expected) {
        throw this.invalid(`in literal ${word} (expecting ${quoteChar(expected)})`);
      }
      this.position++;
    }
  }
}
