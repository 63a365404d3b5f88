// RFC 7386 JSON merge patch (what `kubectl patch --type merge` and client libraries' merge patches send).

import { hasOwn, setOwn } from './own-members';

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Applies a merge patch to a deep copy of `target`: objects merge member by member, `null` removes a member, and
 * anything else (arrays included) replaces the target's value. Members added from the patch lose their nulls too.
 */
export function applyMergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) {
    return structuredClone(patch);
  }
  const result: Record<string, unknown> = isObject(target) ? structuredClone(target) : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) {
      delete result[key];
    } else {
      setOwn(result, key, applyMergePatch(hasOwn(result, key) ? result[key] : undefined, value));
    }
  }
  return result;
}
