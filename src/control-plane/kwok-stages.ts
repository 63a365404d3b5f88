// kwok Stages that give pods on simulated nodes the same observable life as the sandbox's kubelet
// (src/sandbox/controllers/kubelet), driven by the same conventions, so that one scenario runs on both:
// a pod goes Pending (ContainerCreating), then Running and Ready after the image pull and container start
// time; an image tagged `bad` sits in ErrImagePull, then ImagePullBackOff; the pod annotation
// `sandbox.cdk8s-staged-rollouts.io/failure` or a container's `SANDBOX_FAILURE` env var selects a crash loop,
// a container that never turns Ready, or readiness that flaps; a pod marked for deletion goes away after the
// termination time, and the StatefulSet and DaemonSet controllers replace it.
//
// kwok replaces all of its default stages with the ones it is given, so the node stages are here too.
// Selectors are kwok's jq expressions (sigs.k8s.io/kwok pkg/utils/expression); templates are Go templates
// with sprig functions (pkg/utils/gotpl). Every pod stage is exclusive of the others by its selector: kwok
// chooses at random among stages that match at once.
import { stringify } from 'yaml';
import {
  CONTAINER_FAILURE_ENV, POD_FAILURE_ANNOTATION, PodFailureMode, UNPULLABLE_IMAGE_TAGS,
} from '../internal/pod-failure-conventions';

/** Timing of the simulated pods, as the sandbox's `KubeletOptions` name it (real milliseconds here). */
export interface KwokPodTiming {
  /**
   * How long an image pull takes.
   * @default 200
   */
  readonly imagePullMs?: number;
  /**
   * How long creating and starting a container takes once its image is there.
   * @default 300
   */
  readonly containerStartMs?: number;
  /**
   * How long after starting a container becomes Ready.
   * @default 0
   */
  readonly readyDelayMs?: number;
  /**
   * How long a pod marked for deletion takes to go away (kwok cannot read the grace period's remainder;
   * the sandbox caps the same time by the grace period).
   * @default 500
   */
  readonly terminationMs?: number;
  /**
   * How long a crash-looping container runs before it exits.
   * @default 500
   */
  readonly crashAfterMs?: number;
  /**
   * How long a crash-looping container waits in CrashLoopBackOff before it is started again (fixed: the real
   * kubelet doubles it from 10 s).
   * @default 2000
   */
  readonly crashBackOffMs?: number;
  /**
   * How long ErrImagePull shows before ImagePullBackOff.
   * @default 1000
   */
  readonly errImagePullMs?: number;
  /**
   * FlappingReadiness: how long the pod stays Ready, then unready.
   * @default 10000
   */
  readonly flapPeriodMs?: number;
}

/** What every pod stage's failure selector compares: the pod's failure mode, or `None`. */
const NO_FAILURE = 'None';

/**
 * A jq expression giving the pod's failure mode with the sandbox's precedence: the pod annotation, then a
 * container's env var, then an unpullable image tag (the sandbox decides per container; on kwok the first
 * failing container decides for the whole pod, which is what a pod's Ready condition shows either way).
 */
export const POD_FAILURE_MODE_EXPRESSION = '[ '
  + `(.metadata.annotations["${POD_FAILURE_ANNOTATION}"] // empty), `
  + `(.spec.containers[]?.env[]? | select(.name == "${CONTAINER_FAILURE_ENV}") | .value), `
  + `(if any(.spec.containers[]?; (.image // "") | split("@")[0] | test(":(${UNPULLABLE_IMAGE_TAGS.join('|')})$")) then "${PodFailureMode.IMAGE_PULL}" else empty end), `
  + `"${NO_FAILURE}" ] | .[0]`;

// The failure modes whose containers do start (an unpullable image never does).
const STARTING_FAILURES = [PodFailureMode.CRASH_LOOP, PodFailureMode.NEVER_READY, PodFailureMode.FLAPPING_READINESS];

type Requirement = { key: string; operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist'; values?: string[] };

const notDeleted: Requirement = { key: '.metadata.deletionTimestamp', operator: 'DoesNotExist' };
const bound: Requirement = { key: '.spec.nodeName', operator: 'Exists' };
const noPodIp: Requirement = { key: '.status.podIP', operator: 'DoesNotExist' };
const hasPodIp: Requirement = { key: '.status.podIP', operator: 'Exists' };
const phase = (value: string): Requirement => ({ key: '.status.phase', operator: 'In', values: [value] });
const mode = (...modes: string[]): Requirement => ({ key: POD_FAILURE_MODE_EXPRESSION, operator: 'In', values: modes });
const readyIs = (value: 'True' | 'False'): Requirement => ({
  key: '.status.conditions[]? | select(.type == "Ready") | .status', operator: 'In', values: [value],
});
const waitingReason = (reason: string): Requirement => ({
  key: '.status.containerStatuses[]?.state.waiting.reason', operator: 'In', values: [reason],
});
const containerRunning: Requirement = { key: '.status.containerStatuses[]?.state.running.startedAt', operator: 'Exists' };

// Status fragments shared by the templates.
const NOW = '{{ $now := Now }}';
const IPS = [
  'hostIP: {{ NodeIPWith .spec.nodeName | Quote }}',
  'podIP: {{ PodIPWith .spec.nodeName ( or .spec.hostNetwork false ) ( or .metadata.uid "" ) ( or .metadata.name "" ) ( or .metadata.namespace "" ) | Quote }}',
].join('\n');

function conditions(ready: boolean, notReadyReason = 'ContainersNotReady'): string {
  const status = ready ? '"True"' : '"False"';
  const why = ready ? '' : `\n  reason: ${notReadyReason}\n  message: 'containers with unready status: [{{ range $i, $c := .spec.containers }}{{ if $i }} {{ end }}{{ $c.name }}{{ end }}]'`;
  return [
    'conditions:',
    '- type: Initialized\n  status: "True"\n  lastTransitionTime: {{ $now | Quote }}',
    `- type: Ready\n  status: ${status}\n  lastTransitionTime: {{ $now | Quote }}${why}`,
    `- type: ContainersReady\n  status: ${status}\n  lastTransitionTime: {{ $now | Quote }}${why}`,
  ].join('\n');
}

/**
 * containerStatuses, one per container, with `state` (already indented for the item) and `ready`; `restarted` adds one
 * to each container's restart count, `extra` (indented) follows the state.
 */
function containerStatuses(state: string, ready: boolean, options: { extra?: string; restarted?: boolean } = {}): string {
  const count = options.restarted ? 'add1 (or .restartCount 0)' : 'or .restartCount 0';
  const none = options.restarted ? 1 : 0;
  return [
    'containerStatuses:',
    '{{ range $i, $c := .spec.containers }}',
    '- name: {{ $c.name | Quote }}',
    '  image: {{ $c.image | Quote }}',
    `  ready: ${ready}`,
    `  started: ${state.includes('running') ? 'true' : 'false'}`,
    `  restartCount: {{ with $.status.containerStatuses }}{{ with index . $i }}{{ ${count} }}{{ else }}${none}{{ end }}{{ else }}${none}{{ end }}`,
    `  state:\n${state}`,
    options.extra ?? '',
    '{{ end }}',
  ].join('\n');
}

const PULL_ERROR_MESSAGE = '{{ printf "rpc error: code = NotFound desc = failed to pull and unpack image %q: not found" $c.image | Quote }}';
const RUNNING_STATE = '    running:\n      startedAt: {{ $now | Quote }}';
const waitingState = (reason: string, message?: string) => `    waiting:\n      reason: ${reason}${message ? `\n      message: ${message}` : ''}`;

interface StageInput {
  readonly name: string;
  readonly kind: 'Pod' | 'Node';
  readonly selector: Requirement[];
  readonly delayMs?: number;
  readonly statusTemplate?: string;
  readonly delete?: boolean;
  readonly event?: { type: 'Normal' | 'Warning'; reason: string; message: string };
  readonly immediateNextStage?: boolean;
}

function stage(input: StageInput): Record<string, unknown> {
  return {
    apiVersion: 'kwok.x-k8s.io/v1alpha1',
    kind: 'Stage',
    metadata: { name: input.name },
    spec: {
      resourceRef: { apiGroup: 'v1', kind: input.kind },
      selector: { matchExpressions: input.selector },
      ...(input.delayMs ? { delay: { durationMilliseconds: input.delayMs } } : {}),
      next: {
        ...(input.event ? { event: input.event } : {}),
        ...(input.delete ? { delete: true } : {}),
        ...(input.statusTemplate ? { statusTemplate: input.statusTemplate } : {}),
      },
      ...(input.immediateNextStage ? { immediateNextStage: true } : {}),
    },
  };
}

/** The node stages: Ready with capacity and addresses at once, then a heartbeat, as kwok's defaults do. */
function nodeStages(): Record<string, unknown>[] {
  const nodeConditions = [
    'conditions:',
    '{{ range NodeConditions }}',
    '- lastHeartbeatTime: {{ $now | Quote }}',
    '  lastTransitionTime: {{ or $.metadata.creationTimestamp $now | Quote }}',
    '  message: {{ .message | Quote }}',
    '  reason: {{ .reason | Quote }}',
    '  status: {{ .status | Quote }}',
    '  type: {{ .type | Quote }}',
    '{{ end }}',
  ].join('\n');
  const capacity = (field: string) => [
    `${field}:`,
    `{{ with .status.${field} }}{{ YAML . 1 }}{{ else }}`,
    '  cpu: "4"\n  memory: 8Gi\n  pods: "110"',
    '{{ end }}',
  ].join('\n');
  return [
    stage({
      name: 'node-initialize',
      kind: 'Node',
      selector: [{ key: '.status.conditions[]? | select(.type == "Ready") | .status', operator: 'NotIn', values: ['True'] }],
      statusTemplate: [
        NOW,
        nodeConditions,
        'addresses:',
        '{{ with .status.addresses }}{{ YAML . 1 }}{{ else }}',
        '- address: {{ NodeIP | Quote }}\n  type: InternalIP',
        '- address: {{ NodeName | Quote }}\n  type: Hostname',
        '{{ end }}',
        capacity('allocatable'),
        capacity('capacity'),
        'nodeInfo:',
        '  architecture: amd64',
        '  operatingSystem: linux',
        '  kubeletVersion: {{ printf "kwok-%s" Version | Quote }}',
        '  kubeProxyVersion: {{ printf "kwok-%s" Version | Quote }}',
        '  containerRuntimeVersion: {{ printf "kwok-%s" Version | Quote }}',
        '  kernelVersion: {{ printf "kwok-%s" Version | Quote }}',
        '  bootID: ""\n  machineID: ""\n  osImage: ""\n  systemUUID: ""',
        'phase: Running',
      ].join('\n'),
    }),
    stage({
      name: 'node-heartbeat',
      kind: 'Node',
      selector: [
        { key: '.status.phase', operator: 'In', values: ['Running'] },
        { key: '.status.conditions[]? | select(.type == "Ready") | .status', operator: 'In', values: ['True'] },
      ],
      delayMs: 20_000,
      statusTemplate: [NOW, nodeConditions].join('\n'),
      immediateNextStage: true,
    }),
  ];
}

/**
 * The kwok Stages for simulated nodes and pods with the given timing.
 * @returns the Stage objects, in the order kwok reads them
 */
export function kwokStages(timing: KwokPodTiming = {}): Record<string, unknown>[] {
  const pullMs = timing.imagePullMs ?? 200;
  const startMs = timing.containerStartMs ?? 300;
  const readyMs = timing.readyDelayMs ?? 0;
  const flapMs = timing.flapPeriodMs ?? 10_000;
  const running = [NOW, 'phase: Running', 'startTime: {{ or .status.startTime $now | Quote }}'];
  const starts = [bound, notDeleted, phase('Pending'), hasPodIp];
  return [
    ...nodeStages(),
    // The kubelet takes the pod: Pending, containers being created, an IP.
    stage({
      name: 'pod-create',
      kind: 'Pod',
      selector: [bound, notDeleted, noPodIp, mode(NO_FAILURE, ...STARTING_FAILURES)],
      statusTemplate: [NOW, 'phase: Pending', IPS, conditions(false), containerStatuses(waitingState('ContainerCreating'), false)].join('\n'),
    }),
    // A healthy (or flapping) pod: Running and Ready once pulled, started and past its ready delay.
    stage({
      name: 'pod-ready',
      kind: 'Pod',
      selector: [...starts, mode(NO_FAILURE, PodFailureMode.FLAPPING_READINESS)],
      delayMs: pullMs + startMs + readyMs,
      event: { type: 'Normal', reason: 'Started', message: 'Started container' },
      statusTemplate: [...running, conditions(true), containerStatuses(RUNNING_STATE, true)].join('\n'),
    }),
    // NeverReady: runs, its readiness probe never succeeds.
    stage({
      name: 'pod-never-ready',
      kind: 'Pod',
      selector: [...starts, mode(PodFailureMode.NEVER_READY)],
      delayMs: pullMs + startMs,
      event: { type: 'Warning', reason: 'Unhealthy', message: 'Readiness probe failed: HTTP probe failed with statuscode: 503' },
      statusTemplate: [...running, conditions(false), containerStatuses(RUNNING_STATE, false)].join('\n'),
    }),
    // FlappingReadiness: Ready and unready in turn.
    stage({
      name: 'pod-readiness-lost',
      kind: 'Pod',
      selector: [notDeleted, phase('Running'), readyIs('True'), mode(PodFailureMode.FLAPPING_READINESS)],
      delayMs: flapMs,
      event: { type: 'Warning', reason: 'Unhealthy', message: 'Readiness probe failed: HTTP probe failed with statuscode: 503' },
      statusTemplate: [NOW, conditions(false), containerStatuses(RUNNING_STATE, false)].join('\n'),
    }),
    stage({
      name: 'pod-readiness-regained',
      kind: 'Pod',
      selector: [notDeleted, phase('Running'), readyIs('False'), mode(PodFailureMode.FLAPPING_READINESS)],
      delayMs: flapMs,
      statusTemplate: [NOW, conditions(true), containerStatuses(RUNNING_STATE, true)].join('\n'),
    }),
    // CrashLoop: starts, exits with code 1, waits in CrashLoopBackOff, starts again, with a growing restart count.
    stage({
      name: 'pod-crash-start',
      kind: 'Pod',
      selector: [...starts, mode(PodFailureMode.CRASH_LOOP)],
      delayMs: pullMs + startMs,
      statusTemplate: [...running, conditions(false), containerStatuses(RUNNING_STATE, false)].join('\n'),
    }),
    stage({
      name: 'pod-crash',
      kind: 'Pod',
      selector: [notDeleted, phase('Running'), containerRunning, mode(PodFailureMode.CRASH_LOOP)],
      delayMs: timing.crashAfterMs ?? 500,
      event: { type: 'Warning', reason: 'BackOff', message: 'Back-off restarting failed container' },
      statusTemplate: [
        NOW, conditions(false),
        containerStatuses(
          waitingState('CrashLoopBackOff', '{{ printf "back-off 10s restarting failed container=%s pod=%s_%s(%s)" $c.name $.metadata.name $.metadata.namespace $.metadata.uid | Quote }}'),
          false,
          { extra: '  lastState:\n    terminated:\n      exitCode: 1\n      reason: Error\n      startedAt: {{ $now | Quote }}\n      finishedAt: {{ $now | Quote }}' },
        ),
      ].join('\n'),
    }),
    stage({
      name: 'pod-crash-restart',
      kind: 'Pod',
      selector: [notDeleted, phase('Running'), waitingReason('CrashLoopBackOff'), mode(PodFailureMode.CRASH_LOOP)],
      delayMs: timing.crashBackOffMs ?? 2000,
      statusTemplate: [NOW, conditions(false), containerStatuses(RUNNING_STATE, false, { restarted: true })].join('\n'),
    }),
    // An image that cannot be pulled: ErrImagePull, then ImagePullBackOff; the pod stays Pending.
    stage({
      name: 'pod-image-pull-error',
      kind: 'Pod',
      selector: [bound, notDeleted, noPodIp, mode(PodFailureMode.IMAGE_PULL)],
      delayMs: pullMs,
      event: { type: 'Warning', reason: 'Failed', message: 'Error: ErrImagePull' },
      statusTemplate: [
        NOW, 'phase: Pending', IPS, conditions(false),
        containerStatuses(waitingState('ErrImagePull', PULL_ERROR_MESSAGE), false),
      ].join('\n'),
    }),
    stage({
      name: 'pod-image-pull-back-off',
      kind: 'Pod',
      selector: [notDeleted, phase('Pending'), waitingReason('ErrImagePull'), mode(PodFailureMode.IMAGE_PULL)],
      delayMs: timing.errImagePullMs ?? 1000,
      event: { type: 'Normal', reason: 'BackOff', message: 'Back-off pulling image' },
      statusTemplate: [
        NOW,
        containerStatuses(waitingState('ImagePullBackOff', '{{ printf "Back-off pulling image %q" $c.image | Quote }}'), false),
      ].join('\n'),
    }),
    // Deletion: the containers stop, then the pod object goes (kwok deletes with a zero grace period).
    stage({
      name: 'pod-delete',
      kind: 'Pod',
      selector: [{ key: '.metadata.deletionTimestamp', operator: 'Exists' }, { key: '.metadata.finalizers', operator: 'DoesNotExist' }],
      delayMs: timing.terminationMs ?? 500,
      delete: true,
    }),
  ];
}

/** The kwok configuration file: the Stages as YAML documents. */
export function kwokConfigYaml(timing: KwokPodTiming = {}): string {
  return kwokStages(timing).map((document) => stringify(document, { lineWidth: 0 })).join('---\n');
}
