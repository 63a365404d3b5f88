// What the data-aware gates (kafka, zookeeper) decide over: each pod's metrics as read, and the verdict.
import { MetricSample } from './prometheus-text';

/** What one pod's metrics said, or why they could not be read. */
export interface PodReading {
  readonly pod: string;
  /** The samples read; undefined when `error` is set. */
  readonly samples?: readonly MetricSample[];
  /** Why the metrics could not be read (`metrics unreachable: ...`). */
  readonly error?: string;
}

/** A data-aware gate's verdict. */
export interface HealthVerdict {
  readonly passed: boolean;
  /** What was checked and, when it failed, exactly what is wrong and where. */
  readonly message: string;
}
