// The least OpenAPI that kubectl's apply, create and patch need, and why:
// - kubectl validates manifests by default (--validate=strict). It first asks the OpenAPI v3 document of the
//   object's group-version whether the PATCH operation tagged with the object's group-version-kind
//   (`x-kubernetes-group-version-kind`) takes the `fieldValidation` query parameter (QueryParamVerifierV3). When it
//   does, kubectl leaves validation to the server and needs no schema at all; without it kubectl would download the
//   full v2 schema to validate client-side, or fail with "failed to download openapi".
// - `kubectl apply` computes its three-way strategic merge patch from the OpenAPI v3 schema only when the PATCH
//   operation declares an `application/strategic-merge-patch+json` request body; these operations declare none, so
//   kubectl uses the patch metadata compiled into it for the built-in kinds (the same merge keys upstream's schema
//   carries), and /openapi/v2 answers 404, which kubectl's apply treats as "no schema".
// So each group-version document lists, per resource, the PATCH and PUT operations with their GVK and query
// parameters, and no schemas.
import { RESOURCES, ResourceType } from '../api';
import { SERVER_VERSION } from './discovery';

const TYPES: readonly ResourceType[] = Object.values(RESOURCES);

// The query parameters upstream declares on PATCH and PUT.
const WRITE_PARAMETERS = ['dryRun', 'fieldManager', 'fieldValidation', 'pretty']
  .map((name) => ({ name, in: 'query', schema: { type: 'string', uniqueItems: true } }));

/** The body of GET /openapi/v3: where each group-version's document is. */
export function openapiV3Root(): Record<string, unknown> {
  const paths: Record<string, { serverRelativeURL: string }> = {};
  for (const type of TYPES) {
    const path = groupVersionPath(type.group, type.version);
    paths[path] = { serverRelativeURL: `/openapi/v3/${path}?hash=${SERVER_VERSION.gitVersion}` };
  }
  return { paths };
}

/** The body of GET /openapi/v3/api/v1 or /openapi/v3/apis/<group>/<version>. */
export function openapiV3GroupVersion(group: string, version: string): Record<string, unknown> {
  const paths: Record<string, unknown> = {};
  for (const type of TYPES.filter((candidate) => candidate.group === group && candidate.version === version)) {
    const gvk = { group: type.group, version: type.version, kind: type.kind };
    const operation = (action: string) => ({
      'operationId': `${action}${type.kind}`,
      'parameters': WRITE_PARAMETERS,
      'responses': { 200: { description: 'OK' } },
      'x-kubernetes-action': action,
      'x-kubernetes-group-version-kind': gvk,
    });
    const collection = type.namespaced
      ? `/${groupVersionPath(group, version)}/namespaces/{namespace}/${type.resource}`
      : `/${groupVersionPath(group, version)}/${type.resource}`;
    paths[`${collection}/{name}`] = { put: operation('replace'), patch: operation('patch') };
  }
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: SERVER_VERSION.gitVersion },
    paths,
    components: { schemas: {} },
  };
}

function groupVersionPath(group: string, version: string): string {
  return group ? `apis/${group}/${version}` : `api/${version}`;
}
