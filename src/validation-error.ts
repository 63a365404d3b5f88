import { IConstruct } from 'constructs';

/**
 * The error a construct throws for a prop the API server would reject or that would break at run time. Like
 * aws-cdk-lib's `ValidationError`, it is attached to the construct it was thrown from (its path), says which prop,
 * the value given and what would be valid, and carries each as a field so a program can tell a bad prop from any
 * other failure. A value type (`PartitionPlan`, `PercentOrCount`, `RolloutBudget`) has no scope: its error names the
 * factory instead, as aws-cdk-lib's `UnscopedValidationError` does. jsii cannot export a subclass of `Error`;
 * {@link Errors.isValidationError} and {@link Errors.constructPathOf} are the public way to read one.
 */
export class ValidationError extends Error {
  /** The construct path, or the value type's factory (`PartitionPlan.parse`) when no construct is involved. */
  public readonly path: string;
  /** The path of the construct the error is attached to; undefined for a value type's error. */
  public readonly constructPath?: string;
  /** The prop, as a path from the construct's props (`resources.cpu.limit`, `ports[0].name`). */
  public readonly property: string;
  /** The rejected value, rendered as text. */
  public readonly value: string;
  /** What would be valid. */
  public readonly fix: string;

  /**
   * @param where the construct the prop belongs to, or the name of the factory that rejected it
   * @param property the prop's path
   * @param value the rejected value
   * @param fix what would be valid
   */
  constructor(where: IConstruct | string, property: string, value: any, fix: string) {
    super(invalidProp(where, property, value, fix));
    Object.setPrototypeOf(this, ValidationError.prototype);
    this.name = 'ValidationError';
    this.path = typeof where === 'string' ? where : where.node.path;
    this.constructPath = typeof where === 'string' ? undefined : where.node.path;
    this.property = property;
    this.value = renderValue(value);
    this.fix = fix;
  }
}

/**
 * Recognizes the errors this library throws, as aws-cdk-lib's `Errors` does.
 *
 * @example
 * try {
 *   new ZooKeeperEnsemble(chart, 'zk', { name: 'Zk' });
 * } catch (e) {
 *   if (Errors.isValidationError(e)) console.error(e.message); // test/zk: name: "Zk" is not valid; ...
 *   Errors.constructPathOf(e); // 'test/zk'
 * }
 */
export class Errors {
  /**
   * Whether `x` is the error a construct throws for an invalid prop (its message names the construct path, the
   * prop, the value and what is valid).
   * @param x any thrown value
   */
  public static isValidationError(x: any): boolean {
    return x instanceof ValidationError;
  }

  /**
   * The path of the construct a validation error is attached to (`streaming/kafka/Servers/Budget`), to find the
   * construct in the tree: undefined for a value type's error (`PartitionPlan.parse`) and for any other error.
   *
   * jsii hands a JavaScript error to Python, Java, .NET and Go as that language's runtime exception carrying only
   * the message; there the message itself starts with the same path (`path: prop: value is not valid; fix`).
   * @param x any thrown value
   * @returns the construct path, or undefined
   */
  public static constructPathOf(x: any): string | undefined {
    return x instanceof ValidationError ? x.constructPath : undefined;
  }

  private constructor() {}
}

/**
 * The one format of every prop error: `path: property: value is not valid; what is valid`. Node validations
 * (reported at synth) return it as text; constructors throw it inside a {@link ValidationError}.
 */
export function invalidProp(where: IConstruct | string, property: string, value: unknown, valid: string): string {
  const path = typeof where === 'string' ? where : where.node.path;
  return `${path}: ${property}: ${renderValue(value)} is not valid; ${valid}`;
}

// JSON for strings and structures; numbers as JavaScript prints them, since JSON turns NaN and Infinity into null.
function renderValue(value: unknown): string {
  if (typeof value === 'number' || value === undefined || typeof value === 'bigint') {
    return String(value);
  }
  return JSON.stringify(value) ?? String(value);
}
