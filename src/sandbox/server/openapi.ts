// The least OpenAPI that kubectl's apply, create and patch need, and why:
// - kubectl validates manifests by default (--validate=strict). It first asks the OpenAPI v3 document of the
//   object's group-version whether the PATCH operation tagged with the object's group-version-kind
//   (`x-kubernetes-group-version-kind`) takes the `fieldValidation` query parameter (QueryParamVerifierV3). When it
//   does, kubectl leaves validation to the server and needs no schema at all.
// - For a `kind: List` (which has no PATCH operation) kubectl validates client-side against the OpenAPI v2 schema,
//   and skips any kind the schema does not define; without a v2 document it fails with "error validating data".
//   So /openapi/v2 is served with no definitions: in protobuf (the only form kubectl asks for) that is a Document
//   carrying just `swagger: "2.0"`.
// - `kubectl apply` computes its three-way strategic merge patch from the OpenAPI v3 schema only when the PATCH
//   operation declares an `application/strategic-merge-patch+json` request body, and from the v2 schema only when it
//   defines the kind; neither does here, so kubectl uses the patch metadata compiled into it for the built-in kinds
//   (the same merge keys upstream's schema carries).
// So each v3 group-version document lists, per resource, the PATCH and PUT operations with their GVK and query
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

/** The media type kubectl asks /openapi/v2 for. */
export const OPENAPI_V2_PROTOBUF = 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf';
// What upstream's kube-openapi answers it with: Go's mime parser rejects the '@' of the requested form.
const OPENAPI_V2_PROTOBUF_RESPONSE = 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf';

/** The body of GET /openapi/v2: a Swagger 2.0 document without definitions, as protobuf or JSON per `accept`. */
export function openapiV2(accept: string): { contentType: string; body: Buffer } {
  if (accept.includes(OPENAPI_V2_PROTOBUF)) {
    // gnostic's openapi_v2.Document with field 1 (swagger, a string) = "2.0": tag 0x0a, length 3.
    return { contentType: OPENAPI_V2_PROTOBUF_RESPONSE, body: Buffer.from([0x0a, 0x03, ...Buffer.from('2.0')]) };
  }
  const document = { swagger: '2.0', info: { title: 'Kubernetes', version: SERVER_VERSION.gitVersion }, paths: {}, definitions: {} };
  return { contentType: 'application/json', body: Buffer.from(JSON.stringify(document)) };
}
