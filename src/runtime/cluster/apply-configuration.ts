// The body of a server-side apply (PatchType `apply`): the fields the runtime states, with the identity of the object
// they apply to, which an apply configuration must carry (apiVersion, kind, metadata.name and namespace).

/** `fields` as an apply configuration for the object `kind` `namespace/name` of `apiVersion`. */
export function applyConfiguration(apiVersion: string, kind: string, namespace: string, name: string, fields: unknown): Record<string, unknown> {
  const body = (fields ?? {}) as { metadata?: Record<string, unknown> };
  return { ...body, apiVersion, kind, metadata: { ...body.metadata, name, namespace } };
}
