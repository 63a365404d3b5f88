// The controller's structured log: one JSON object per line and event, which log collectors parse without a pattern.

/** One log entry: when, how serious, what happened, and the fields that say about what. */
export interface ControllerLogEntry {
  readonly time: string;
  readonly level: 'info' | 'warning' | 'error';
  readonly msg: string;
  readonly [field: string]: unknown;
}

/** Where the controller's log entries go. */
export type ControllerLog = (entry: ControllerLogEntry) => void;

/** A log that writes each entry as one JSON line through `write` (stderr, for the CLI). */
export function jsonLineLog(write: (line: string) => void): ControllerLog {
  return (entry) => write(`${JSON.stringify(entry)}\n`);
}
