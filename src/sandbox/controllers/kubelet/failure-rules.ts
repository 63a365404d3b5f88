// How simulated containers fail. A failure comes from a user rule (matching the image, pod or
// container), from the pod annotation or container environment variable below (so a test or a user
// can break one rollout step with an ordinary template change), or from an image reference that
// cannot exist: the tag `bad`, as in the seed's `prom/node-exporter:bad`.
import {
  CONTAINER_FAILURE_ENV, POD_FAILURE_ANNOTATION, PodFailureMode, UNPULLABLE_IMAGE_TAGS,
} from '../../../internal/pod-failure-conventions';
import type { KubeObject } from '../../api';

export { PodFailureMode, POD_FAILURE_ANNOTATION, CONTAINER_FAILURE_ENV, UNPULLABLE_IMAGE_TAGS };

/** A user rule selecting containers that fail. */
export interface PodFailureRule {
  /** How the selected containers fail. */
  readonly mode: PodFailureMode;
  /**
   * The image, exactly or as a pattern.
   * @default - any image
   */
  readonly image?: string | RegExp;
  /**
   * The pod name, exactly or as a pattern.
   * @default - any pod
   */
  readonly podName?: string | RegExp;
  /**
   * The pod namespace.
   * @default - any namespace
   */
  readonly namespace?: string;
  /**
   * The container name.
   * @default - any container
   */
  readonly container?: string;
  /**
   * The node the pod runs on.
   * @default - any node
   */
  readonly nodeName?: string;
  /**
   * Labels the pod must carry (all of them), e.g. the `controller-revision-hash` of one revision, so that only the
   * pods of a new release fail and a rolled-back pod of the same name runs again.
   * @default - any labels
   */
  readonly labels?: Readonly<Record<string, string>>;
  /**
   * CrashLoop: the exit code.
   * @default 1
   */
  readonly exitCode?: number;
  /**
   * FlappingReadiness: how long the container stays ready.
   * @default 10000
   */
  readonly readyForMs?: number;
  /**
   * FlappingReadiness: how long the container stays unready.
   * @default 10000
   */
  readonly unreadyForMs?: number;
}

/** A failure resolved for one container. */
export interface ContainerFailure {
  /** The mode. */
  readonly mode: PodFailureMode;
  /** CrashLoop exit code. */
  readonly exitCode: number;
  /** FlappingReadiness ready period. */
  readonly readyForMs: number;
  /** FlappingReadiness unready period. */
  readonly unreadyForMs: number;
}

const MODES = new Set<string>(Object.values(PodFailureMode));

/** The failure of a container, if any: user rules first, then the annotation, the env var and the image tag. */
export function containerFailure(pod: KubeObject, container: any, rules: readonly PodFailureRule[]): ContainerFailure | undefined {
  const rule = rules.find((candidate) => ruleMatches(candidate, pod, container));
  if (rule) {
    return resolve(rule.mode, rule);
  }
  const requested = requestedMode(pod, container);
  if (requested && MODES.has(requested)) {
    return resolve(requested as PodFailureMode, {});
  }
  if (UNPULLABLE_IMAGE_TAGS.includes(imageTag(container.image ?? ''))) {
    return resolve(PodFailureMode.IMAGE_PULL, {});
  }
  return undefined;
}

/** The tag of an image reference, or '' (digests and registry ports are not tags). */
export function imageTag(image: string): string {
  const withoutDigest = image.split('@')[0];
  const lastSlash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.indexOf(':', lastSlash + 1);
  return colon < 0 ? '' : withoutDigest.slice(colon + 1);
}

/**
 * A description of an unknown failure mode requested by the pod annotation or the container's env
 * var, naming where it was set and what is valid; undefined when the setting is absent or valid.
 */
export function invalidFailureSetting(pod: KubeObject, container: any): string | undefined {
  const requested = requestedMode(pod, container);
  if (requested === undefined || MODES.has(requested)) {
    return undefined;
  }
  const where = pod.metadata.annotations?.[POD_FAILURE_ANNOTATION] !== undefined
    ? `annotation ${POD_FAILURE_ANNOTATION}`
    : `env ${CONTAINER_FAILURE_ENV} of container ${container.name}`;
  return `${where}: "${requested}" is not a failure mode (expected one of ${[...MODES].join(', ')}); the container runs normally`;
}

function requestedMode(pod: KubeObject, container: any): string | undefined {
  const annotated = pod.metadata.annotations?.[POD_FAILURE_ANNOTATION];
  if (annotated !== undefined) {
    return annotated;
  }
  return (container.env ?? []).find((variable: any) => variable.name === CONTAINER_FAILURE_ENV)?.value;
}

function resolve(mode: PodFailureMode, rule: Partial<PodFailureRule>): ContainerFailure {
  return { mode, exitCode: rule.exitCode ?? 1, readyForMs: rule.readyForMs ?? 10_000, unreadyForMs: rule.unreadyForMs ?? 10_000 };
}

function ruleMatches(rule: PodFailureRule, pod: KubeObject, container: any): boolean {
  return matches(rule.image, container.image ?? '')
    && matches(rule.podName, pod.metadata.name ?? '')
    && (rule.namespace === undefined || rule.namespace === pod.metadata.namespace)
    && (rule.container === undefined || rule.container === container.name)
    && (rule.nodeName === undefined || rule.nodeName === pod.spec?.nodeName)
    && Object.entries(rule.labels ?? {}).every(([key, value]) => pod.metadata.labels?.[key] === value);
}

function matches(pattern: string | RegExp | undefined, value: string): boolean {
  if (pattern === undefined) {
    return true;
  }
  return typeof pattern === 'string' ? pattern === value : pattern.test(value);
}
