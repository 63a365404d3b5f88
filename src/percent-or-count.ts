import { k8s } from 'cdk8s-plus-28';
import { scaledValueFromIntOrPercent } from './internal/int-or-percent';
import { ValidationError } from './validation-error';

/**
 * A rolling-update budget (`maxUnavailable`, `maxSurge`): an absolute number of pods or a percentage of the
 * workload's pods, which each upstream controller rounds in its own way (see `RolloutBudget`).
 *
 * @example
 * DaemonSetRollout.rollingUpdate({ maxUnavailable: PercentOrCount.percent(25) });
 * PercentOrCount.parse('25%').toString(); // '25%'
 */
export class PercentOrCount {
  /**
   * An absolute number of pods.
   * @param n a non-negative integer
   */
  public static count(n: number): PercentOrCount {
    if (!Number.isInteger(n) || n < 0 || n > 2147483647) {
      throw new ValidationError('PercentOrCount.count', 'n', n, 'use a whole number from 0 to 2147483647, such as 1');
    }
    return new PercentOrCount(n, false);
  }

  /**
   * A percentage of the workload's pods, written as `"P%"` in the manifest.
   * @param p a non-negative integer (Kubernetes accepts only whole percentages)
   */
  public static percent(p: number): PercentOrCount {
    if (!Number.isInteger(p) || p < 0 || p > 2147483647) {
      throw new ValidationError('PercentOrCount.percent', 'p', p, 'use a whole number from 0 to 2147483647, such as 25 (for "25%")');
    }
    return new PercentOrCount(p, true);
  }

  /**
   * Reads the manifest form: `"25%"` is a percentage, `"3"` a count.
   * @param text a whole number, optionally followed by `%`
   */
  public static parse(text: string): PercentOrCount {
    const match = /^\s*(\d+)(%?)\s*$/.exec(text);
    if (!match) {
      throw new ValidationError('PercentOrCount.parse', 'text', text, 'use a count such as "1" or a percentage such as "25%"');
    }
    const value = Number(match[1]);
    return match[2] === '%' ? PercentOrCount.percent(value) : PercentOrCount.count(value);
  }

  /** The number of pods, or the percentage (25 for `25%`). */
  public readonly value: number;
  /** Whether `value` is a percentage of the workload's pods. */
  public readonly isPercent: boolean;

  private constructor(value: number, isPercent: boolean) {
    this.value = value;
    this.isPercent = isPercent;
  }

  /** Whether this budget allows no pod at all (`0` or `0%`). */
  public get isZero(): boolean {
    return this.value === 0;
  }

  /** The manifest form: `"25%"` or `"1"`. */
  public toString(): string {
    return this.isPercent ? `${this.value}%` : `${this.value}`;
  }

  /**
   * The number of pods this budget allows out of `total`, rounded as the calling controller rounds.
   * @internal
   */
  public _scale(field: string, total: number, roundUp: boolean): number {
    return scaledValueFromIntOrPercent(field, this.isPercent ? this.toString() : this.value, total, roundUp);
  }

  /**
   * The value in Kubernetes JSON shape: a number for a count, a `"P%"` string for a percentage.
   * @internal
   */
  public _toKube(): k8s.IntOrString {
    return this.isPercent ? k8s.IntOrString.fromString(this.toString()) : k8s.IntOrString.fromNumber(this.value);
  }

  /**
   * Throws unless this budget is at most 100%, the limit upstream API validation puts on `maxUnavailable`
   * (and, for DaemonSets, on `maxSurge`).
   * @param where the factory the budget was given to, e.g. `RolloutBudget.daemonSet`
   * @param property the budget's name there, e.g. `maxSurge`
   * @internal
   */
  public _requireAtMostHundredPercent(where: string, property: string): void {
    if (this.isPercent && this.value > 100) {
      throw new ValidationError(where, property, this.toString(), 'a percentage must not be greater than 100%');
    }
  }
}
