// The workload argument as kubectl takes a resource: `TYPE/NAME` (`sts/kafka`) or `TYPE NAME` (`sts kafka`).
import { RuntimeError } from '../../runtime/runtime-error';

/** The help of the `<workload>` argument of commands for both kinds. */
export const WORKLOAD_ARGUMENT = 'sts/NAME or ds/NAME, or the type and the name as two arguments (sts kafka)';

/** The help of the `[name]` argument that follows it. */
export const NAME_ARGUMENT = 'the name, when the type is given alone';

/**
 * The `TYPE/NAME` text of the arguments, for parseWorkloadRef.
 *
 * @param name the second argument, when given
 * @throws RuntimeError (`bad-input`) for a name after a `TYPE/NAME`, with kubectl's message
 */
export function workloadText(workload: string, name: string | undefined): string {
  if (name === undefined) {
    return workload;
  }
  if (workload.includes('/')) {
    // kubectl's message for `kubectl get TYPE TYPE/NAME` (staging/src/k8s.io/cli-runtime/pkg/resource/builder.go).
    throw new RuntimeError('bad-input', 'there is no need to specify a resource type as a separate argument when passing arguments in '
      + `resource/name form (e.g. 'sts/kafka' instead of 'sts sts/kafka'): got "${workload} ${name}"`);
  }
  return `${workload}/${name}`;
}
