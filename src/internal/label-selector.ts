// Label selectors as the API machinery defines them (k8s.io/apimachinery/pkg/labels and metav1.LabelSelector):
// one implementation shared by the runtime, the sandbox's API server and its controllers. Not part of the jsii API.

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
  /** The operator. */
  readonly operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  /** The values for In and NotIn; empty for Exists and DoesNotExist. */
  readonly values: readonly string[];
}

/** A selector that cannot be read or uses an operator the API does not define. */
export class LabelSelectorError extends Error {
  constructor(message: string) {
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
  }
}

/**
 * Parses a selector in the `labelSelector` query / kubectl `-l` syntax: `zone=a`, `zone==a`, `zone!=a`,
 * `zone in (a,b)`, `zone notin (a,b)`, `canary`, `!canary`, joined by commas. The empty string selects everything.
 *
 * @throws LabelSelectorError naming the selector and the part that could not be read
 */
export function parseLabelSelector(text: string): LabelRequirement[] {
  const requirements: LabelRequirement[] = [];
  for (const part of splitTopLevel(text)) {
    const term = part.trim();
    const set = /^([^\s!=(),]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(term);
    const equality = /^([^\s!=(),]+)\s*(==|=|!=)\s*([^\s!=(),]*)$/.exec(term);
    const exists = /^(!?)([^\s!=(),]+)$/.exec(term);
    if (set) {
      const values = set[3].split(',').map((value) => value.trim()).filter((value) => value.length > 0);
      requirements.push({ key: set[1], operator: set[2] === 'in' ? 'In' : 'NotIn', values });
    } else if (equality) {
      requirements.push({ key: equality[1], operator: equality[2] === '!=' ? 'NotIn' : 'In', values: [equality[3]] });
    } else if (exists) {
      requirements.push({ key: exists[2], operator: exists[1] ? 'DoesNotExist' : 'Exists', values: [] });
    } else {
      throw new LabelSelectorError(
        `invalid label selector "${text}": cannot read "${term}" (use key=value, key!=value, key in (a,b), key notin (a,b), key or !key)`);
    }
  }
  return requirements;
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
    }
  });
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
