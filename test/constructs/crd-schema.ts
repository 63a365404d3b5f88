// Validates an object against a CRD's openAPIV3Schema (a committed fixture), for the custom resources the
// constructs write that no kubernetes-models package in the project covers. It checks what a structural schema
// says: types, required fields, enums, items, and unknown fields (which the API server would prune silently, so a
// construct writing one is a bug).
import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';

interface Schema {
  readonly type?: string;
  readonly properties?: Record<string, Schema>;
  readonly additionalProperties?: Schema;
  readonly required?: string[];
  readonly items?: Schema;
  readonly enum?: unknown[];
}

function typeProblem(schema: Schema, value: unknown): boolean {
  switch (schema.type) {
    case 'object': return value === null || typeof value !== 'object' || Array.isArray(value);
    case 'array': return !Array.isArray(value);
    case 'string': return typeof value !== 'string';
    case 'integer': return !Number.isInteger(value);
    case 'boolean': return typeof value !== 'boolean';
    default: return false;
  }
}

function problems(schema: Schema, value: unknown, at: string): string[] {
  if (typeProblem(schema, value)) {
    return [`${at}: expected ${schema.type}, got ${JSON.stringify(value)}`];
  }
  if (schema.enum && !schema.enum.includes(value)) {
    return [`${at}: ${JSON.stringify(value)} is not one of ${JSON.stringify(schema.enum)}`];
  }
  if (Array.isArray(value)) {
    return schema.items ? value.flatMap((item, index) => problems(schema.items!, item, `${at}[${index}]`)) : [];
  }
  if (schema.type !== 'object' || value === null || typeof value !== 'object') {
    return [];
  }
  const object = value as Record<string, unknown>;
  const found = (schema.required ?? []).filter((key) => object[key] === undefined).map((key) => `${at}.${key}: required`);
  for (const [key, child] of Object.entries(object)) {
    if (child === undefined) continue;
    const childSchema = schema.properties?.[key] ?? schema.additionalProperties;
    if (childSchema === undefined) {
      // `metadata: { type: object }` without properties is validated by the API server itself, not the CRD.
      if (schema.properties !== undefined) found.push(`${at}.${key}: unknown field (the API server would prune it)`);
      continue;
    }
    found.push(...problems(childSchema, child, `${at}.${key}`));
  }
  return found;
}

/** A model class for a CRD kind, shaped like kubernetes-models' (construct with the object, then `validate()`). */
export function crdModel(fixture: string): new (data: unknown) => { validate(): void } {
  const schema = parse(fs.readFileSync(path.join(__dirname, 'fixtures', fixture), 'utf8')) as Schema;
  return class {
    constructor(private readonly data: unknown) {}
    validate(): void {
      const found = problems(schema, this.data, '');
      if (found.length > 0) {
        throw new Error(`does not match ${fixture}: ${found.join('; ')}`);
      }
    }
  };
}
