// How a test or a user asks a simulated pod to fail: the conventions both rehearsal clusters honour, the
// sandbox's kubelet (src/sandbox/controllers/kubelet) and the kwok Stages of the real control plane
// (src/control-plane/kwok-stages.ts), so that one scenario breaks the same way on both.

/** The ways a simulated container can fail. */
export enum PodFailureMode {
  /** The image cannot be pulled: ErrImagePull, then ImagePullBackOff with back-off, never running. */
  IMAGE_PULL = 'ImagePull',
  /** The container exits with an error shortly after starting: CrashLoopBackOff with growing back-off. */
  CRASH_LOOP = 'CrashLoop',
  /** The container runs but its readiness probe never succeeds. */
  NEVER_READY = 'NeverReady',
  /** The container's readiness goes up and down. */
  FLAPPING_READINESS = 'FlappingReadiness',
}

/** The pod annotation that makes every container of the pod fail in the given {@link PodFailureMode}. */
export const POD_FAILURE_ANNOTATION = 'sandbox.cdk8s-staged-rollouts.io/failure';

/** The container environment variable that makes that container fail in the given {@link PodFailureMode}. */
export const CONTAINER_FAILURE_ENV = 'SANDBOX_FAILURE';

/** Image tags that stand for images that cannot exist. */
export const UNPULLABLE_IMAGE_TAGS: readonly string[] = ['bad'];
