// A simulated kubelet for every node: pods bound to a node go ContainerCreating -> Running -> Ready
// on the sandbox clock, image pulls and crashes fail and back off as configured, a pod marked for
// deletion is stopped after its grace period (capped by a configurable stop time) and then removed,
// and every step is reported in the pod status and as the events `kubectl describe` shows.
import { ObjectMemo } from '../../../internal/object-memo';
import { ApiError, RESOURCES } from '../../api';
import type { KubeObject, SandboxApi } from '../../api';
import type { SandboxClock } from '../../clock';
import type { EventRecorder } from '../event-recorder';
import { fnv32a, utf8 } from '../fnv-hash';
import type { CacheSet, ObjectCache } from '../object-cache';
import { keyOf } from '../owner-references';
import { WorkQueue } from '../work-queue';
import { backOffDelayMs } from './back-off';
import { containerFailure, invalidFailureSetting, PodFailureMode, PodFailureRule } from './failure-rules';
import { PodIpAllocator } from './pod-ip-allocator';
import { ContainerPhase, ContainerRuntime, podStatus, PodRuntime } from './pod-runtime';

/** Timing and failure behaviour of the simulated kubelets. */
export interface KubeletOptions {
  /**
   * How long an image pull takes.
   * @default 2000
   */
  readonly imagePullMs?: number;
  /**
   * How long creating and starting a container takes once its image is there (so a pod runs about
   * 10 s after it is scheduled, as in the seed's `kubectl get -w` output).
   * @default 8000
   */
  readonly containerStartMs?: number;
  /**
   * How long after starting a container without a readiness probe becomes ready.
   * @default 0
   */
  readonly readyDelayMs?: number;
  /**
   * How long after starting a container with a readiness probe becomes ready.
   * @default - the probe's initialDelaySeconds
   */
  readonly readinessProbeDelayMs?: number;
  /**
   * How long containers take to stop after SIGTERM (never longer than the pod's grace period).
   * @default 1000
   */
  readonly terminationMs?: number;
  /**
   * How long a crash-looping container runs before it exits.
   * @default 1000
   */
  readonly crashAfterMs?: number;
  /**
   * Containers that fail, and how.
   * @default []
   */
  readonly failureRules?: readonly PodFailureRule[];
}

/** What the kubelets need from their host. */
export interface KubeletHostOptions extends KubeletOptions {
  /** The API to write through. */
  readonly api: SandboxApi;
  /** The clock that drives the simulation. */
  readonly clock: SandboxClock;
  /** The shared caches. */
  readonly caches: CacheSet;
  /** The recorder for `kubelet` events. */
  readonly recorder: EventRecorder;
  /** Decides whether a failed pod sync is retried. */
  readonly isRetryable: (error: unknown) => boolean;
}

const DEFAULT_PROBE_PERIOD_SECONDS = 10;
// How long ErrImagePull shows before the kubelet reports the back-off.
const ERR_IMAGE_PULL_DISPLAY_MS = 1000;

/** Simulates the kubelets of all nodes. */
export class KubeletSimulator {
  private readonly pods: ObjectCache;
  private readonly nodes: ObjectCache;
  private readonly queue: WorkQueue;
  private readonly runtimes = new Map<string, PodRuntime>();
  private readonly imagesOnNode = new Map<string, Set<string>>();
  private readonly ips = new PodIpAllocator();
  private readonly failureRules: PodFailureRule[];

  constructor(private readonly options: KubeletHostOptions) {
    this.failureRules = [...(options.failureRules ?? [])];
    this.pods = options.caches.of(RESOURCES.pods);
    this.nodes = options.caches.of(RESOURCES.nodes);
    this.queue = new WorkQueue({ clock: options.clock, reconcile: (key) => this.syncPod(key), isRetryable: options.isRetryable });
    this.pods.addListener((event) => this.queue.add(keyOf(event.object)));
  }

  /** Adds a failure rule for containers started from now on. */
  public addFailureRule(rule: PodFailureRule): void {
    this.failureRules.push(rule);
  }

  /** Removes every failure rule added so far (pod annotations, env vars and `:bad` images still fail). */
  public clearFailureRules(): void {
    this.failureRules.length = 0;
  }

  /** Stops the simulation and cancels its timers. */
  public stop(): void {
    this.queue.stop();
    for (const runtime of this.runtimes.values()) {
      this.cancelTimers(runtime);
    }
    this.runtimes.clear();
  }

  private syncPod(key: string): void {
    const pod = this.pods.getByKey(key);
    const runtime = this.runtimes.get(key);
    if (runtime && runtime.uid !== pod?.metadata.uid) {
      this.forget(key, runtime);
    }
    if (!pod || !pod.spec?.nodeName) {
      return;
    }
    const node = this.nodes.get(undefined, pod.spec.nodeName);
    const current = this.runtimes.get(key);
    if (pod.metadata.deletionTimestamp) {
      if (!node || !current || (pod.metadata.deletionGracePeriodSeconds ?? 1) === 0) {
        // Nothing runs for this pod (or its node is gone, where upstream's pod GC steps in): remove it now.
        this.remove(pod);
      } else if (!current.terminating) {
        this.kill(current, pod);
      }
      return;
    }
    if (!node || current) {
      return;
    }
    const phase = pod.status?.phase;
    if (phase === 'Succeeded' || phase === 'Failed') {
      return;
    }
    this.admit(key, pod, node);
  }

  private admit(key: string, pod: KubeObject, node: KubeObject): void {
    const now = this.options.clock.now();
    const hostIP = (node.status?.addresses ?? []).find((address: any) => address.type === 'InternalIP')?.address ?? '10.0.0.1';
    const runtime: PodRuntime = {
      uid: pod.metadata.uid!,
      namespace: pod.metadata.namespace!,
      name: pod.metadata.name!,
      nodeName: node.metadata.name!,
      restartPolicy: pod.spec.restartPolicy ?? 'Always',
      containers: (pod.spec.containers ?? []).map((container: any) => this.newContainer(pod, container)),
      timers: new Set(),
      startTime: now,
      hostIP,
      terminating: false,
      conditionSince: new Map(),
    };
    this.runtimes.set(key, runtime);
    if (pod.status?.phase === 'Running' && (pod.status.containerStatuses ?? []).length > 0) {
      this.adoptRunning(runtime, pod);
      return;
    }
    runtime.podIP = pod.spec.hostNetwork ? hostIP : this.ips.allocate(runtime.nodeName, node.spec?.podCIDR);
    for (const container of pod.spec.containers ?? []) {
      const problem = invalidFailureSetting(pod, container);
      if (problem) {
        this.options.recorder.warning(pod, 'InvalidFailureMode', problem, { host: runtime.nodeName });
      }
    }
    this.publish(runtime);
    for (const container of runtime.containers) {
      this.pull(runtime, container);
    }
  }

  private newContainer(pod: KubeObject, container: any): ContainerRuntime {
    const probe = container.readinessProbe;
    const readinessDelayMs = probe
      ? this.options.readinessProbeDelayMs ?? (probe.initialDelaySeconds ?? 0) * 1000
      : this.options.readyDelayMs ?? 0;
    return {
      name: container.name,
      image: container.image ?? '',
      failure: containerFailure(pod, container, this.failureRules),
      hasReadinessProbe: probe !== undefined,
      readinessDelayMs,
      phase: ContainerPhase.WAITING,
      waitingReason: 'ContainerCreating',
      ready: false,
      restartCount: 0,
      pullFailures: 0,
    };
  }

  // A pod that was already running when the simulation started keeps running as reported.
  private adoptRunning(runtime: PodRuntime, pod: KubeObject): void {
    runtime.podIP = pod.status.podIP;
    for (const status of pod.status.containerStatuses ?? []) {
      const container = runtime.containers.find((candidate) => candidate.name === status.name);
      if (container && status.state?.running) {
        container.phase = ContainerPhase.RUNNING;
        container.startedAt = Date.parse(status.state.running.startedAt);
        container.ready = status.ready === true;
        container.restartCount = status.restartCount ?? 0;
        container.containerId = status.containerID;
      }
    }
  }

  private pull(runtime: PodRuntime, container: ContainerRuntime): void {
    const present = this.imagesOnNode.get(runtime.nodeName)?.has(container.image) ?? false;
    const pullPolicy = this.containerSpec(runtime, container)?.imagePullPolicy ?? 'IfNotPresent';
    const failing = container.failure?.mode === PodFailureMode.IMAGE_PULL;
    if (present && !failing && pullPolicy !== 'Always') {
      this.containerEvent(runtime, container, 'Normal', 'Pulled', `Container image "${container.image}" already present on machine`);
      this.after(runtime, this.options.containerStartMs ?? 8000, () => this.start(runtime, container));
      return;
    }
    this.containerEvent(runtime, container, 'Normal', 'Pulling', `Pulling image "${container.image}"`);
    const pullMs = this.options.imagePullMs ?? 2000;
    this.after(runtime, pullMs, () => {
      if (failing) {
        this.pullFailed(runtime, container);
        return;
      }
      let images = this.imagesOnNode.get(runtime.nodeName);
      if (!images) {
        images = new Set();
        this.imagesOnNode.set(runtime.nodeName, images);
      }
      images.add(container.image);
      const seconds = formatSeconds(pullMs);
      const size = 10_000_000 + (fnv32a(utf8(container.image)) % 90_000_000);
      this.containerEvent(runtime, container, 'Normal', 'Pulled', `Successfully pulled image "${container.image}" in ${seconds} (${seconds} including waiting). Image size: ${size} bytes.`);
      this.after(runtime, this.options.containerStartMs ?? 8000, () => this.start(runtime, container));
    });
  }

  private pullFailed(runtime: PodRuntime, container: ContainerRuntime): void {
    container.pullFailures++;
    const reference = qualifiedImage(container.image);
    const detail = `rpc error: code = NotFound desc = failed to pull and unpack image "${reference}": failed to resolve reference "${reference}": ${reference}: not found`;
    container.phase = ContainerPhase.WAITING;
    container.waitingReason = 'ErrImagePull';
    container.waitingMessage = detail;
    this.containerEvent(runtime, container, 'Warning', 'Failed', `Failed to pull image "${container.image}": ${detail}`);
    this.containerEvent(runtime, container, 'Warning', 'Failed', 'Error: ErrImagePull');
    this.publish(runtime);
    const delay = backOffDelayMs(container.pullFailures);
    this.after(runtime, Math.min(ERR_IMAGE_PULL_DISPLAY_MS, delay), () => {
      container.waitingReason = 'ImagePullBackOff';
      container.waitingMessage = `Back-off pulling image "${container.image}"`;
      this.containerEvent(runtime, container, 'Normal', 'BackOff', `Back-off pulling image "${container.image}"`);
      this.containerEvent(runtime, container, 'Warning', 'Failed', 'Error: ImagePullBackOff');
      this.publish(runtime);
    });
    this.after(runtime, delay, () => {
      this.containerEvent(runtime, container, 'Normal', 'Pulling', `Pulling image "${container.image}"`);
      this.after(runtime, this.options.imagePullMs ?? 2000, () => this.pullFailed(runtime, container));
    });
  }

  private start(runtime: PodRuntime, container: ContainerRuntime): void {
    const now = this.options.clock.now();
    container.phase = ContainerPhase.RUNNING;
    container.startedAt = now;
    container.waitingReason = '';
    container.waitingMessage = undefined;
    container.ready = false;
    container.containerId = `containerd://${containerId(runtime, container)}`;
    this.containerEvent(runtime, container, 'Normal', 'Created', `Created container: ${container.name}`);
    this.containerEvent(runtime, container, 'Normal', 'Started', `Started container ${container.name}`);
    switch (container.failure?.mode) {
      case PodFailureMode.CRASH_LOOP:
        this.after(runtime, this.options.crashAfterMs ?? 1000, () => this.crash(runtime, container));
        break;
      case PodFailureMode.NEVER_READY:
        this.after(runtime, container.readinessDelayMs, () => this.failReadiness(runtime, container));
        break;
      case PodFailureMode.FLAPPING_READINESS:
        this.after(runtime, container.readinessDelayMs, () => this.flap(runtime, container, true));
        break;
      default:
        if (container.readinessDelayMs === 0) {
          container.ready = true;
        } else {
          this.after(runtime, container.readinessDelayMs, () => {
            container.ready = true;
            this.publish(runtime);
          });
        }
    }
    this.publish(runtime);
  }

  private crash(runtime: PodRuntime, container: ContainerRuntime): void {
    const now = this.options.clock.now();
    const exitCode = container.failure?.exitCode ?? 1;
    const termination = { exitCode, reason: exitCode === 0 ? 'Completed' : 'Error', startedAt: container.startedAt!, finishedAt: now, containerId: container.containerId! };
    container.ready = false;
    if (runtime.restartPolicy === 'Never' || (runtime.restartPolicy === 'OnFailure' && exitCode === 0)) {
      container.phase = ContainerPhase.TERMINATED;
      container.termination = termination;
      this.publish(runtime);
      return;
    }
    const delay = backOffDelayMs(container.restartCount + 1);
    container.lastTermination = termination;
    container.phase = ContainerPhase.WAITING;
    container.waitingReason = 'CrashLoopBackOff';
    container.waitingMessage = `back-off ${formatSeconds(delay)} restarting failed container=${container.name} pod=${runtime.name}_${runtime.namespace}(${runtime.uid})`;
    this.containerEvent(runtime, container, 'Warning', 'BackOff', `Back-off restarting failed container ${container.name} in pod ${runtime.name}_${runtime.namespace}(${runtime.uid})`);
    this.publish(runtime);
    this.after(runtime, delay, () => {
      container.restartCount++;
      this.containerEvent(runtime, container, 'Normal', 'Pulled', `Container image "${container.image}" already present on machine`);
      this.start(runtime, container);
    });
  }

  private failReadiness(runtime: PodRuntime, container: ContainerRuntime): void {
    container.ready = false;
    this.containerEvent(runtime, container, 'Warning', 'Unhealthy', 'Readiness probe failed: HTTP probe failed with statuscode: 503');
    this.publish(runtime);
    this.after(runtime, this.probePeriodMs(runtime, container), () => this.failReadiness(runtime, container));
  }

  private flap(runtime: PodRuntime, container: ContainerRuntime, ready: boolean): void {
    container.ready = ready;
    if (!ready) {
      this.containerEvent(runtime, container, 'Warning', 'Unhealthy', 'Readiness probe failed: HTTP probe failed with statuscode: 503');
    }
    this.publish(runtime);
    const failure = container.failure!;
    this.after(runtime, ready ? failure.readyForMs : failure.unreadyForMs, () => this.flap(runtime, container, !ready));
  }

  // Graceful termination: stop the containers, report them terminated, then remove the pod.
  private kill(runtime: PodRuntime, pod: KubeObject): void {
    runtime.terminating = true;
    this.cancelTimers(runtime);
    for (const container of runtime.containers) {
      if (container.phase === ContainerPhase.RUNNING) {
        this.containerEvent(runtime, container, 'Normal', 'Killing', `Stopping container ${container.name}`);
      }
    }
    const graceMs = (pod.metadata.deletionGracePeriodSeconds ?? pod.spec?.terminationGracePeriodSeconds ?? 30) * 1000;
    this.after(runtime, Math.min(this.options.terminationMs ?? 1000, graceMs), () => {
      const now = this.options.clock.now();
      for (const container of runtime.containers) {
        container.ready = false;
        if (container.phase === ContainerPhase.RUNNING) {
          container.phase = ContainerPhase.TERMINATED;
          container.termination = { exitCode: 0, reason: 'Completed', startedAt: container.startedAt!, finishedAt: now, containerId: container.containerId! };
        }
      }
      this.publish(runtime);
      const latest = this.pods.get(runtime.namespace, runtime.name);
      if (latest && latest.metadata.uid === runtime.uid) {
        this.remove(latest);
      }
    });
  }

  private remove(pod: KubeObject): void {
    try {
      this.options.api.delete(RESOURCES.pods, pod.metadata.namespace, pod.metadata.name!, {
        gracePeriodSeconds: 0,
        preconditions: { uid: pod.metadata.uid },
      });
    } catch (error) {
      if (!(error instanceof ApiError && (error.code === 404 || error.code === 409))) {
        throw error;
      }
    }
  }

  private forget(key: string, runtime: PodRuntime): void {
    this.cancelTimers(runtime);
    if (runtime.podIP && runtime.podIP !== runtime.hostIP) {
      this.ips.release(runtime.nodeName, runtime.podIP);
    }
    this.runtimes.delete(key);
  }

  // The kubelet's status manager: write the status when it differs from the one the API has.
  private publish(runtime: PodRuntime): void {
    const pod = this.pods.get(runtime.namespace, runtime.name);
    if (!pod || pod.metadata.uid !== runtime.uid) {
      return;
    }
    const status = podStatus(runtime, pod.status, this.options.clock.now());
    if (JSON.stringify(status) === statusJson.get(pod.status)) {
      return;
    }
    try {
      this.options.api.updateStatus(RESOURCES.pods, { ...pod, status });
    } catch (error) {
      if (!(error instanceof ApiError && error.code === 404)) {
        throw error;
      }
    }
  }

  private containerEvent(runtime: PodRuntime, container: ContainerRuntime, type: 'Normal' | 'Warning', reason: string, message: string): void {
    const pod = this.pods.get(runtime.namespace, runtime.name);
    if (!pod || pod.metadata.uid !== runtime.uid) {
      return;
    }
    const details = { host: runtime.nodeName, fieldPath: `spec.containers{${container.name}}` };
    if (type === 'Normal') {
      this.options.recorder.normal(pod, reason, message, details);
    } else {
      this.options.recorder.warning(pod, reason, message, details);
    }
  }

  private containerSpec(runtime: PodRuntime, container: ContainerRuntime): any {
    return (this.pods.get(runtime.namespace, runtime.name)?.spec?.containers ?? []).find((candidate: any) => candidate.name === container.name);
  }

  private probePeriodMs(runtime: PodRuntime, container: ContainerRuntime): number {
    return (this.containerSpec(runtime, container)?.readinessProbe?.periodSeconds ?? DEFAULT_PROBE_PERIOD_SECONDS) * 1000;
  }

  private after(runtime: PodRuntime, delayMs: number, action: () => void): void {
    const timer = this.options.clock.setTimer(delayMs, () => {
      runtime.timers.delete(timer);
      if (this.runtimes.get(objectKeyOf(runtime)) === runtime) {
        action();
      }
    });
    runtime.timers.add(timer);
  }

  private cancelTimers(runtime: PodRuntime): void {
    for (const timer of runtime.timers) {
      this.options.clock.clearTimer(timer);
    }
    runtime.timers.clear();
  }
}

function objectKeyOf(runtime: PodRuntime): string {
  return `${runtime.namespace}/${runtime.name}`;
}

// The kubelet formats durations the Go way: 2s, 1.5s, 5m0s.
function formatSeconds(ms: number): string {
  if (ms >= 60_000) {
    return `${Math.floor(ms / 60_000)}m${formatSeconds(ms % 60_000)}`;
  }
  return `${Number((ms / 1000).toFixed(3))}s`;
}

function qualifiedImage(image: string): string {
  const [name] = image.split('@');
  const firstSegment = name.split('/')[0];
  const hasRegistry = name.includes('/') && (firstSegment.includes('.') || firstSegment.includes(':') || firstSegment === 'localhost');
  if (hasRegistry) {
    return image;
  }
  return name.includes('/') ? `docker.io/${image}` : `docker.io/library/${image}`;
}

function containerId(runtime: PodRuntime, container: ContainerRuntime): string {
  const seed = `${runtime.uid}/${container.name}/${container.restartCount}`;
  let id = '';
  for (let i = 0; id.length < 64; i++) {
    id += fnv32a(utf8(`${seed}/${i}`)).toString(16).padStart(8, '0');
  }
  return id;
}

// The JSON of a committed pod's status, which never changes in place: the status manager compares against it every
// time it looks at the pod.
const statusJson = new ObjectMemo<unknown, string>((status) => JSON.stringify(status));
