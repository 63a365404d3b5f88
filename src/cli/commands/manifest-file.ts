// A YAML manifest file named by a flag (`sandbox --apply`, `rehearse --from/--to`), read and parsed before anything
// starts: a missing file or a document that is not a Kubernetes object is one line naming the flag and the file.
import { readFileSync } from 'node:fs';
import { RuntimeError } from '../../runtime/runtime-error';
import { ManifestObject, parseManifests } from '../../sandbox/manifests';

/** A manifest file's text and its objects. */
export interface ManifestFile {
  /** The file's text, as read. */
  readonly text: string;
  /** Its objects, in order, each with the sandbox resource it belongs to. */
  readonly objects: ManifestObject[];
}

/**
 * Reads and parses `file`.
 *
 * @param flag the flag that named the file, for the error message (`--apply`)
 * @throws RuntimeError (`bad-input`) naming the flag and the file: it cannot be read, or a document does not parse
 */
export function readManifestFile(file: string, flag: string): ManifestFile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new RuntimeError('bad-input', `${flag} ${file}: ${(error as Error).message}`);
  }
  try {
    return { text, objects: parseManifests(text, file) };
  } catch (error) {
    throw new RuntimeError('bad-input', `${flag} ${firstLine(error)}`);
  }
}

/** The first line of an error's message, without a trailing colon: a YAML error goes on with a code frame. */
export function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0].replace(/:$/, '');
}
