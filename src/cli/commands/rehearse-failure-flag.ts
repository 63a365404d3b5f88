// `rehearse --fail POD-OR-NODE:MODE`: which pod or node of the rehearsed release fails, and how. The mode is one of
// the sandbox's PodFailureModes, matched without regard to case (`imagepull` is `ImagePull`).
import { PodFailureMode } from '../../internal/pod-failure-conventions';
import { RehearsalFailure } from '../../rehearsal/rehearsal-report';
import { RuntimeError } from '../../runtime/runtime-error';

const MODES: readonly PodFailureMode[] = Object.values(PodFailureMode);

// A pod or node name is a DNS subdomain (RFC 1123): lowercase alphanumerics, '-' and '.', at most 253 characters
// (staging/src/k8s.io/apimachinery/pkg/util/validation/validation.go, IsDNS1123Subdomain).
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS_SUBDOMAIN_MAX = 253;

/**
 * Reads every `--fail` value.
 *
 * @throws RuntimeError (`bad-input`) for a value that is not `name:Mode` with a valid name and a known mode (the
 *   message lists the modes), or for a target named twice
 */
export function parseFailureFlags(values: readonly string[]): RehearsalFailure[] {
  const failures = values.map(parseFailureFlag);
  const seen = new Set<string>();
  for (const failure of failures) {
    if (seen.has(failure.target)) {
      throw new RuntimeError('bad-input', `--fail: ${failure.target} is named twice; give each pod or node one failure mode`);
    }
    seen.add(failure.target);
  }
  return failures;
}

function parseFailureFlag(value: string): RehearsalFailure {
  const separator = value.lastIndexOf(':');
  const target = value.slice(0, Math.max(0, separator)).trim();
  const modeText = value.slice(separator + 1).trim().toLowerCase();
  const mode = MODES.find((candidate) => candidate.toLowerCase() === modeText);
  if (separator < 0 || mode === undefined || target.length > DNS_SUBDOMAIN_MAX || !DNS_SUBDOMAIN.test(target)) {
    throw new RuntimeError('bad-input', `invalid --fail "${value}": expected POD-OR-NODE:MODE, a pod or node name and one of `
      + `${MODES.join(', ')} (for example --fail kafka-2:ImagePull or --fail node-1:CrashLoop)`);
  }
  return { target, mode };
}
