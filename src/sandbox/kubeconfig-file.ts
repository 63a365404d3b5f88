// The sandbox's kubeconfig on disk. A path may hold a user's real kubeconfig (~/.kube/config): the sandbox writes only
// a new file or one it wrote itself (its first line is MARK), and on stop removes only a file still exactly as written.
import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { stringify } from 'yaml';
import { SandboxStartError } from './sandbox-start-error';

// A YAML comment: kubectl and client libraries ignore it, and a file kubectl rewrote (losing it) is no longer ours.
const MARK = '# Written by a kubectl-stage sandbox, which removes it when it stops; no other file is ever overwritten.';

/**
 * Writes `kubeconfig` to `path` (creating its directory), readable only by the current user as kubectl writes it.
 *
 * @returns the text written, for {@link removeSandboxKubeconfig}
 * @throws SandboxStartError when `path` holds a file a sandbox did not write, or cannot be written
 */
export function writeSandboxKubeconfig(path: string, kubeconfig: Record<string, unknown>): string {
  const text = `${MARK}\n${stringify(kubeconfig)}`;
  try {
    mkdirSync(dirname(path), { recursive: true });
    const file = openSync(path, 'wx', 0o600);
    try {
      writeSync(file, text);
    } finally {
      closeSync(file);
    }
    return text;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
      throw new SandboxStartError(`cannot write the kubeconfig ${path}: ${(error as Error).message}`);
    }
  }
  if (!writtenBySandbox(path)) {
    throw new SandboxStartError(`${path} exists and was not written by a sandbox: refusing to overwrite it; choose another kubeconfig path`);
  }
  writeFileSync(path, text, { mode: 0o600 });
  return text;
}

/** Removes the kubeconfig at `path` if it still holds exactly `text`; a file changed since (by kubectl, by hand) stays. */
export function removeSandboxKubeconfig(path: string, text: string): void {
  try {
    if (readFileSync(path, 'utf8') === text) {
      unlinkSync(path);
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw error;
    }
  }
}

function writtenBySandbox(path: string): boolean {
  try {
    return readFileSync(path, 'utf8').startsWith(`${MARK}\n`);
  } catch (error) {
    throw new SandboxStartError(`cannot read ${path} to check it is a sandbox's kubeconfig: ${(error as Error).message}`);
  }
}
