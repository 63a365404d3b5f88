// Label selectors as the API machinery defines them (k8s.io/apimachinery/pkg/labels and metav1.LabelSelector):
// one implementation shared by the runtime, the sandbox's API server and its controllers. Not part of the jsii API.
import { labelValueProblems, qualifiedNameProblems } from './kube-validation';

/** One set-based requirement, as in `metav1.LabelSelectorRequirement`. */
export interface LabelSelectorRequirement {
  /** The label key. */
  readonly key: string;
  /** In, NotIn, Exists or DoesNotExist. */
  readonly operator: string;
  /**
   * The values for In and NotIn.
   * @default []
   */
  readonly values?: readonly string[];
}

/** A `metav1.LabelSelector`. */
export interface LabelSelector {
  /**
   * Labels that must be present with exactly these values.
   * @default {}
   */
  readonly matchLabels?: Readonly<Record<string, string>>;
  /**
   * Set-based requirements, all of which must hold.
   * @default []
   */
  readonly matchExpressions?: readonly LabelSelectorRequirement[];
}

/** A requirement in the parsed form the `labels` package uses (equality terms become In/NotIn with one value). */
export interface LabelRequirement {
  /** The label key. */
  readonly key: string;
  /** The operator (`Gt` and `Lt` only in the query syntax, `count>3`; a metav1.LabelSelector has neither). */
  readonly operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist' | 'Gt' | 'Lt';
  /** The values for In and NotIn; empty for Exists and DoesNotExist. */
  readonly values: readonly string[];
}

/** A selector that cannot be read or uses an operator the API does not define. */
export class LabelSelectorError extends Error {
  /**
   * @param message what is wrong, naming the selector
   * @param problem upstream's own text for it (what the API server answers), without the selector
   */
  constructor(message: string, public readonly problem: string = message) {
    super(message);
    this.name = 'LabelSelectorError';
  }
}

const OPERATORS: readonly string[] = ['In', 'NotIn', 'Exists', 'DoesNotExist'];

/**
 * Converts a `metav1.LabelSelector` into requirements, as `metav1.LabelSelectorAsSelector` does.
 *
 * @throws LabelSelectorError for an operator the API does not define
 */
export function selectorRequirements(selector: LabelSelector): LabelRequirement[] {
  const requirements: LabelRequirement[] = [];
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    requirements.push({ key, operator: 'In', values: [value] });
  }
  for (const expression of selector.matchExpressions ?? []) {
    if (!OPERATORS.includes(expression.operator)) {
      throw new LabelSelectorError(
        `label selector requirement for key "${expression.key}": operator "${expression.operator}" is not valid (expected In, NotIn, Exists or DoesNotExist)`);
    }
    requirements.push({ key: expression.key, operator: expression.operator as LabelRequirement['operator'], values: expression.values ?? [] });
  }
  return requirements;
}

/**
 * The query-string form of a selector, as `LabelSelectorAsSelector(...).String()` prints it (requirements sorted by key).
 *
 * @throws LabelSelectorError for an operator the API does not define
 */
export function labelSelectorToString(selector: LabelSelector): string {
  return selectorRequirements(selector)
    .sort((a, b) => a.key < b.key ? -1 : a.key > b.key ? 1 : 0)
    .map(formatRequirement)
    .join(',');
}

function formatRequirement(requirement: LabelRequirement): string {
  switch (requirement.operator) {
    case 'Exists':
      return requirement.key;
    case 'DoesNotExist':
      return `!${requirement.key}`;
    case 'In':
      return requirement.values.length === 1
        ? `${requirement.key}=${requirement.values[0]}`
        : `${requirement.key} in (${[...requirement.values].sort().join(',')})`;
    case 'NotIn':
      return requirement.values.length === 1
        ? `${requirement.key}!=${requirement.values[0]}`
        : `${requirement.key} notin (${[...requirement.values].sort().join(',')})`;
    case 'Gt':
      return `${requirement.key}>${requirement.values[0]}`;
    case 'Lt':
      return `${requirement.key}<${requirement.values[0]}`;
  }
}

/**
 * Parses a selector in the `labelSelector` query / kubectl `-l` syntax: `zone=a`, `zone==a`, `zone!=a`,
 * `zone in (a,b)`, `zone notin (a,b)`, `canary`, `!canary`, `count>3`, `count<3`, joined by commas. The empty string
 * selects everything. A port of k8s.io/apimachinery/pkg/labels/selector.go (Lexer, Parser, NewRequirement): what it
 * accepts, refuses and how it words a refusal; `x in ()` is `x in ("")`, as there.
 *
 * @throws LabelSelectorError naming the selector, with upstream's text as its `problem`
 */
export function parseLabelSelector(text: string): LabelRequirement[] {
  try {
    return new SelectorParser(text).parse();
  } catch (error) {
    if (error instanceof SelectorSyntaxError) {
      throw new LabelSelectorError(`invalid label selector "${text}": ${error.message}`, error.message);
    }
    throw error;
  }
}

class SelectorSyntaxError extends Error {}

type Token = 'error' | 'end' | ')' | ',' | '!' | '==' | '=' | '>' | 'identifier' | 'in' | '<' | '!=' | 'notin' | '(';

const KEYWORDS: Readonly<Record<string, Token>> = {
  ')': ')', ',': ',', '!': '!', '==': '==', '=': '=', '>': '>', 'in': 'in', '<': '<', '!=': '!=', 'notin': 'notin', '(': '(',
};

const isWhitespace = (character: string) => character === ' ' || character === '\t' || character === '\r' || character === '\n';
const isSpecialSymbol = (character: string) => '=!(),><'.includes(character);

// labels.Lexer: every token of the selector, up to and including 'end'.
function scan(text: string): Array<{ token: Token; literal: string }> {
  const items: Array<{ token: Token; literal: string }> = [];
  let position = 0;
  for (;;) {
    while (position < text.length && isWhitespace(text[position])) {
      position++;
    }
    if (position >= text.length) {
      items.push({ token: 'end', literal: '' });
      return items;
    }
    let buffer = '';
    if (isSpecialSymbol(text[position])) {
      // The longest run of special symbols that is an operator: '!=' rather than '!' then '='.
      let last: { token: Token; literal: string } | undefined;
      while (position < text.length && isSpecialSymbol(text[position])) {
        const keyword = KEYWORDS[buffer + text[position]];
        if (!keyword && last) {
          break;
        }
        buffer += text[position++];
        if (keyword) {
          last = { token: keyword, literal: buffer };
        }
      }
      items.push(last ?? { token: 'error', literal: `error expected: keyword found '${buffer}'` });
    } else {
      while (position < text.length && !isSpecialSymbol(text[position]) && !isWhitespace(text[position])) {
        buffer += text[position++];
      }
      const keyword = KEYWORDS[buffer];
      items.push({ token: keyword ?? 'identifier', literal: buffer });
    }
  }
}

const BINARY_OPERATORS = 'in, notin, =, ==, !=, gt, lt';

// labels.Parser: the recursive descent over the scanned tokens. In a value position 'in' and 'notin' are identifiers.
class SelectorParser {
  private readonly items: Array<{ token: Token; literal: string }>;
  private position = 0;

  constructor(text: string) {
    this.items = scan(text);
  }

  parse(): LabelRequirement[] {
    const requirements: LabelRequirement[] = [];
    for (;;) {
      const { token, literal } = this.lookahead(true);
      if (token === 'end') {
        return requirements;
      }
      if (token !== 'identifier' && token !== '!') {
        throw new SelectorSyntaxError(`found '${literal}', expected: !, identifier, or 'end of string'`);
      }
      try {
        requirements.push(this.requirement());
      } catch (error) {
        throw error instanceof SelectorSyntaxError ? new SelectorSyntaxError(`unable to parse requirement: ${error.message}`) : error;
      }
      const next = this.consume(true);
      if (next.token === 'end') {
        return requirements;
      }
      if (next.token !== ',') {
        throw new SelectorSyntaxError(`found '${next.literal}', expected: ',' or 'end of string'`);
      }
      const after = this.lookahead(true);
      if (after.token !== 'identifier' && after.token !== '!') {
        throw new SelectorSyntaxError(`found '${after.literal}', expected: identifier after ','`);
      }
    }
  }

  private lookahead(values: boolean): { token: Token; literal: string } {
    return asValue(this.items[this.position], values);
  }

  private consume(values: boolean): { token: Token; literal: string } {
    return asValue(this.items[this.position++], values);
  }

  private requirement(): LabelRequirement {
    let { token, literal } = this.consume(true);
    const negated = token === '!';
    if (negated) {
      ({ token, literal } = this.consume(true));
    }
    if (token !== 'identifier') {
      throw new SelectorSyntaxError(`found '${literal}', expected: identifier`);
    }
    const key = literal;
    const keyProblems = qualifiedNameProblems(key);
    if (keyProblems.length > 0) {
      // Upstream validates the key here with the parser's (nil) field path, which prints as "<nil>".
      throw new SelectorSyntaxError(`<nil>: Invalid value: ${JSON.stringify(key)}: ${keyProblems.join('; ')}`);
    }
    const next = this.lookahead(true).token;
    if (negated || next === 'end' || next === ',') {
      return newRequirement(key, negated ? 'DoesNotExist' : 'Exists', []);
    }
    const operator = this.consume(false);
    switch (operator.token) {
      case 'in':
      case 'notin':
        return newRequirement(key, operator.token === 'in' ? 'In' : 'NotIn', this.setValues());
      case '=':
      case '==':
      case '!=':
        return newRequirement(key, operator.token === '!=' ? 'NotIn' : 'In', this.exactValue());
      case '>':
      case '<':
        return newRequirement(key, operator.token === '>' ? 'Gt' : 'Lt', this.exactValue());
      default:
        throw new SelectorSyntaxError(`found '${operator.literal}', expected: ${BINARY_OPERATORS}`);
    }
  }

  // parseValues: '(' a comma-separated list, possibly with empty members, ')'; '()' is the empty string alone.
  private setValues(): string[] {
    const open = this.consume(true);
    if (open.token !== '(') {
      throw new SelectorSyntaxError(`found '${open.literal}' expected: '('`);
    }
    const first = this.lookahead(true);
    if (first.token === ')') {
      this.consume(true);
      return [''];
    }
    if (first.token !== 'identifier' && first.token !== ',') {
      throw new SelectorSyntaxError(`found '${first.literal}', expected: ',', ')' or identifier`);
    }
    const values = new Set<string>();
    for (;;) {
      const { token, literal } = this.consume(true);
      if (token === 'identifier') {
        values.add(literal);
        const next = this.lookahead(true);
        if (next.token === ')') {
          break;
        }
        if (next.token !== ',') {
          throw new SelectorSyntaxError(`found '${next.literal}', expected: ',' or ')'`);
        }
      } else if (token === ',') {
        if (values.size === 0) {
          values.add('');
        }
        const next = this.lookahead(true).token;
        if (next === ')') {
          values.add('');
          break;
        }
        if (next === ',') {
          values.add('');
        }
      } else {
        throw new SelectorSyntaxError(`found '${literal}', expected: ',', or identifier`);
      }
    }
    this.consume(true);
    return [...values].sort();
  }

  // parseExactValue: one identifier, or nothing before ',' or the end (the empty value).
  private exactValue(): string[] {
    const next = this.lookahead(true).token;
    if (next === 'end' || next === ',') {
      return [''];
    }
    const { token, literal } = this.consume(true);
    if (token !== 'identifier') {
      throw new SelectorSyntaxError(`found '${literal}', expected: identifier`);
    }
    return [literal];
  }
}

function asValue(item: { token: Token; literal: string }, values: boolean): { token: Token; literal: string } {
  return values && (item.token === 'in' || item.token === 'notin') ? { token: 'identifier', literal: item.literal } : item;
}

// NewRequirement's checks of the values (the key was checked while parsing).
function newRequirement(key: string, operator: LabelRequirement['operator'], values: string[]): LabelRequirement {
  const problems: string[] = [];
  if (operator === 'Gt' || operator === 'Lt') {
    values.forEach((value, index) => {
      if (parseInt64(value) === undefined) {
        problems.push(`values[${index}]: Invalid value: ${JSON.stringify(value)}: for 'Gt', 'Lt' operators, the value must be an integer`);
      }
    });
  }
  values.forEach((value, index) => {
    const valueProblems = labelValueProblems(value);
    if (valueProblems.length > 0) {
      problems.push(`values[${index}][${key}]: Invalid value: ${JSON.stringify(value)}: ${valueProblems.join('; ')}`);
    }
  });
  if (problems.length > 0) {
    // field.ErrorList.ToAggregate: one error alone, several in brackets.
    throw new SelectorSyntaxError(problems.length === 1 ? problems[0] : `[${problems.join(', ')}]`);
  }
  return { key, operator, values };
}

/** Whether `labels` satisfy every requirement (no requirement selects everything). */
export function matchesRequirements(requirements: readonly LabelRequirement[], labels: Readonly<Record<string, string>> | undefined): boolean {
  const actual = labels ?? {};
  return requirements.every((requirement) => {
    const has = Object.prototype.hasOwnProperty.call(actual, requirement.key);
    switch (requirement.operator) {
      case 'Exists':
        return has;
      case 'DoesNotExist':
        return !has;
      case 'In':
        return has && requirement.values.includes(actual[requirement.key]);
      case 'NotIn':
        return !has || !requirement.values.includes(actual[requirement.key]);
      case 'Gt':
      case 'Lt': {
        // A label whose value is not an integer matches neither, as upstream's Requirement.Matches.
        const value = has ? parseInt64(actual[requirement.key]) : undefined;
        const bound = parseInt64(requirement.values[0] ?? '');
        return value !== undefined && bound !== undefined && (requirement.operator === 'Gt' ? value > bound : value < bound);
      }
    }
  });
}

// strconv.ParseInt(text, 10, 64): an optional sign and decimal digits, within int64.
function parseInt64(text: string): bigint | undefined {
  if (!/^[+-]?[0-9]+$/.test(text)) {
    return undefined;
  }
  const value = BigInt(text);
  return value >= -(2n ** 63n) && value < 2n ** 63n ? value : undefined;
}

/**
 * Whether `labels` satisfy `selector`. As upstream's `LabelSelectorAsSelector`, an absent selector selects nothing
 * and an empty one selects everything.
 *
 * @throws LabelSelectorError for an operator the API does not define
 */
export function labelSelectorMatches(selector: LabelSelector | undefined | null, labels: Readonly<Record<string, string>> | undefined): boolean {
  return selector ? matchesRequirements(selectorRequirements(selector), labels) : false;
}

/**
 * Splits on commas outside `( ... )`, so `zone in (a,b),tier=edge` is two requirements; empty parts are dropped.
 * The node canary plan splits its steps the same way.
 */
export function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '(') depth++;
    if (text[i] === ')') depth--;
    if (text[i] === ',' && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts.filter((part) => part.trim().length > 0);
}
