// The name the user typed, for usage lines and the commands hints suggest: `kubectl stage` when kubectl ran this as a
// plugin, `kubectl-stage` otherwise.
//
// kubectl's plugin handler execs the plugin with argv[0] set to the plugin's own path and kubectl's environment
// unchanged, adding nothing (DefaultPluginHandler.Execute in staging/src/k8s.io/kubectl/pkg/cmd/cmd.go). What does
// survive is the shell's `_`, the path of the command the shell ran (bash and zsh export it): kubectl's. The
// KUBECTL_PLUGINS_CALLER variable of kubectl's former plugin mechanism (before 1.12), still set by some wrappers,
// counts too. Without either, `kubectl-stage` is the safe choice: it is on PATH, or kubectl could not have found it.
import * as path from 'node:path';

/** The program's own name, as installed on PATH. */
export const PROGRAM_NAME = 'kubectl-stage';

/** `kubectl stage` when the environment shows kubectl ran this as a plugin, otherwise `kubectl-stage`. */
export function invokedName(env: Record<string, string | undefined>): string {
  const shellRan = env._ === undefined ? '' : path.basename(env._);
  return env.KUBECTL_PLUGINS_CALLER || shellRan === 'kubectl' || shellRan === 'kubectl.exe' ? 'kubectl stage' : PROGRAM_NAME;
}

// Commands named in runtime messages and hints, written as `kubectl-stage <command>` wherever they come from.
const SUGGESTED_COMMAND = /\bkubectl-stage(?= (?:plan|stage|promote|pause|resume|abort|status|history|undo|sandbox)\b)/g;

/** `text` with every suggested `kubectl-stage <command>` written as `name <command>`. */
export function withInvokedName(text: string, name: string): string {
  return name === PROGRAM_NAME ? text : text.replace(SUGGESTED_COMMAND, name);
}
