// YAML manifests named by a flag (`sandbox --apply`, `rehearse --from/--to`): a file, or a directory of them as
// `kubectl apply -f DIR` reads one (cdk8s synth writes a file per chart). Read and parsed before anything starts: a
// missing file or a document that is not a Kubernetes object is one line naming the flag and the file.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { RuntimeError } from '../../runtime/runtime-error';
import { ManifestObject, parseManifests, readManifests } from '../../sandbox/manifests';

// The files kubectl reads from a directory given to -f, not descending into subdirectories without -R
// (staging/src/k8s.io/cli-runtime/pkg/resource/visitor.go, FileExtensions).
const MANIFEST_EXTENSIONS = /\.(json|yaml|yml)$/;

/** Manifests' text and their objects. */
export interface ManifestFile {
  /** The text, as read; a directory's files in name order, joined as one multi-document YAML stream. */
  readonly text: string;
  /** Every object, in order, each with the sandbox resource it belongs to. */
  readonly objects: ManifestObject[];
}

/**
 * Reads and parses `path`: a manifest file, or every `.json`, `.yaml` and `.yml` file of a directory in name order.
 *
 * @param flag the flag that named the path, for the error message (`--apply`)
 * @param unserved what to do with an object of a kind the sandbox does not serve: refuse it (`sandbox --apply`), or
 *   leave it out of `objects` and keep it in `text` (`rehearse`, which reports it as not rehearsed)
 * @throws RuntimeError (`bad-input`) naming the flag and the file: it cannot be read, a document does not parse, a
 *   directory holds no manifest file, or (unless kept) a kind the sandbox does not serve
 */
export function readManifestFile(path: string, flag: string, unserved: 'refuse' | 'keep' = 'refuse'): ManifestFile {
  const files = isDirectory(path, flag)
    ? readdirSync(path).filter((name) => MANIFEST_EXTENSIONS.test(name)).sort().map((name) => join(path, name))
      .filter((file) => statSync(file).isFile())
    : [path];
  if (files.length === 0) {
    throw new RuntimeError('bad-input', `${flag} ${path}: the directory holds no .json, .yaml or .yml file`);
  }
  const read = files.map((file) => readOne(file, flag, unserved));
  return { text: read.map((one) => one.text).join('\n---\n'), objects: read.flatMap((one) => one.objects) };
}

function isDirectory(path: string, flag: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch (error) {
    throw new RuntimeError('bad-input', `${flag} ${path}: ${(error as Error).message}`);
  }
}

function readOne(file: string, flag: string, unserved: 'refuse' | 'keep'): ManifestFile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new RuntimeError('bad-input', `${flag} ${file}: ${(error as Error).message}`);
  }
  try {
    return { text, objects: unserved === 'refuse' ? parseManifests(text, file) : [...readManifests(text, file).objects] };
  } catch (error) {
    throw new RuntimeError('bad-input', `${flag} ${firstLine(error)}`);
  }
}

/** The first line of an error's message, without a trailing colon: a YAML error goes on with a code frame. */
export function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0].replace(/:$/, '');
}
