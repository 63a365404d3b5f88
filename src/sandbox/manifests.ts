// YAML manifests (cdk8s synth output, kubectl -f files) read into objects the sandbox serves, each with its resource.
import { parseAllDocuments } from 'yaml';
import { apiVersionOf, KubeObject, RESOURCES, ResourceType } from './api';

/** One object of a manifest file and the resource it is created as. */
export interface ManifestObject {
  /** The object, in the `default` namespace when it is namespaced and names none. */
  readonly object: KubeObject;
  /** The resource the sandbox serves it as. */
  readonly type: ResourceType;
}

/** The resource serving `kind` at `apiVersion` (`v1`, `apps/v1` ...), or undefined when the sandbox does not serve it. */
export function resourceTypeFor(apiVersion: string, kind: string): ResourceType | undefined {
  return (Object.values(RESOURCES) as ResourceType[]).find((type) => type.kind === kind && apiVersionOf(type) === apiVersion);
}

/** An object of a manifest whose kind the sandbox does not serve. */
export interface UnservedObject {
  /** The object as written. */
  readonly object: KubeObject;
  /** Its document's position in the text (1-based), for messages. */
  readonly document: number;
}

/** A manifest text read: the objects the sandbox serves, and those it does not. */
export interface ManifestRead {
  /** The objects the sandbox serves, in order. */
  readonly objects: readonly ManifestObject[];
  /** The objects of kinds the sandbox does not serve, in order. */
  readonly unserved: readonly UnservedObject[];
}

/**
 * Every object of a multi-document YAML text, in order; empty documents are skipped, and objects of kinds the sandbox
 * does not serve are set apart (for a caller that can go on without them, as a rehearsal does).
 *
 * @param text the YAML
 * @param source where the text came from, for error messages (a file name)
 * @throws Error naming the source and the document (1-based) when a document is not YAML or not an object with
 *   apiVersion and kind
 */
export function readManifests(text: string, source: string): ManifestRead {
  const objects: ManifestObject[] = [];
  const unserved: UnservedObject[] = [];
  parseAllDocuments(text).forEach((document, index) => {
    if (document.errors.length > 0) {
      throw new Error(`${source}: document ${index + 1} is not valid YAML: ${document.errors[0].message}`);
    }
    const object = document.toJS() as KubeObject | null;
    if (object === null) {
      return;
    }
    if (typeof object !== 'object' || typeof object.apiVersion !== 'string' || typeof object.kind !== 'string') {
      throw new Error(`${source}: document ${index + 1} is not a Kubernetes object: it needs string apiVersion and kind fields`);
    }
    const type = resourceTypeFor(object.apiVersion, object.kind);
    if (!type) {
      unserved.push({ object, document: index + 1 });
      return;
    }
    objects.push({ object: type.namespaced ? { ...object, metadata: { namespace: 'default', ...object.metadata } } : object, type });
  });
  return { objects, unserved };
}

/**
 * Every object of a multi-document YAML text, in order; empty documents are skipped.
 *
 * @param text the YAML
 * @param source where the text came from, for error messages (a file name)
 * @throws Error naming the source and the document (1-based) when a document is not YAML, not an object with
 *   apiVersion and kind, or a kind the sandbox does not serve
 */
export function parseManifests(text: string, source: string): ManifestObject[] {
  const { objects, unserved } = readManifests(text, source);
  if (unserved.length > 0) {
    const { object, document } = unserved[0];
    throw new Error(`${source}: document ${document} is ${object.apiVersion}/${object.kind}, which the sandbox does not serve `
      + `(it serves ${Object.values(RESOURCES).map((candidate) => candidate.kind).join(', ')})`);
  }
  return [...objects];
}
