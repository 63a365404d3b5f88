// `intstr.GetScaledValueFromIntOrPercent`: maxUnavailable and maxSurge are either a count or a
// percentage of a total, rounded up or down depending on the caller.

/**
 * Resolves an int-or-percent value against `total`.
 * @throws when `value` is a string that is not a percentage, naming the field.
 */
export function scaledValueFromIntOrPercent(field: string, value: number | string | undefined, total: number, roundUp: boolean): number {
  if (value === undefined || value === null) {
    return 0;
  }
  if (typeof value === 'number') {
    return value;
  }
  const match = /^(\d+)%$/.exec(value);
  if (!match) {
    throw new Error(`${field}: invalid value "${value}": a string must be a percentage such as "25%"; use a number for an absolute count`);
  }
  const scaled = (Number(match[1]) * total) / 100;
  return roundUp ? Math.ceil(scaled) : Math.floor(scaled);
}
