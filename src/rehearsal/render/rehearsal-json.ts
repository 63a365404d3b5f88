// The rehearsal report as JSON: the report itself, with every object's keys sorted, so that the output does not depend
// on the order in which the engine happened to build its objects and two runs diff byte for byte.
import { RehearsalReport } from '../rehearsal-report';

/** The report as one line of JSON (with its newline), keys sorted at every level; arrays keep their order. */
export function rehearsalJson(report: RehearsalReport): string {
  return `${JSON.stringify(report, (_key, value: unknown) => isPlainObject(value)
    ? Object.fromEntries(Object.keys(value).sort().map((key) => [key, value[key]]))
    : value)}\n`;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
