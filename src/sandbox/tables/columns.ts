// The building blocks of a server-side printer: column definitions (metav1.TableColumnDefinition) and the cell
// formatting helpers upstream's printers share (translateTimestampSince, labels.FormatLabels ...).

import { labelSelectorToString } from '../../internal/label-selector';
import type { KubeObject } from '../api';
import { parseTimestamp } from '../timestamps';
import { humanDuration } from './human-duration';

/** One column of a Table, as `metav1.TableColumnDefinition` serializes it. */
export interface ColumnDefinition {
  /** Column title; kubectl prints it upper-cased. */
  readonly name: string;
  /** OpenAPI type of the cells: string, integer, number, boolean, date. */
  readonly type: string;
  /** OpenAPI format; `name` marks the column kubectl prefixes with the kind. */
  readonly format: string;
  /** What the column shows. */
  readonly description: string;
  /** 0 for the default view, 1 for `-o wide` only. */
  readonly priority: number;
}

/** How the server prints one kind: its columns and each object's cells. */
export interface Printer {
  /** The columns, in order. */
  readonly columns: readonly ColumnDefinition[];
  /** The cells of one object, one per column, relative to `now` (epoch ms) for ages. */
  cells(object: KubeObject, now: number): unknown[];
  /**
   * Row conditions (`Completed` for finished pods).
   * @default none
   */
  conditions?(object: KubeObject): Record<string, string>[] | undefined;
}

// metav1.ObjectMeta's documentation of the two fields every printer shows.
const NAME_DESCRIPTION = 'Name must be unique within a namespace. Is required when creating resources, although some '
  + 'resources may allow a client to request the generation of an appropriate name automatically. Name is primarily '
  + 'intended for creation idempotence and configuration definition. Cannot be updated. More info: '
  + 'https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names';
const CREATION_TIMESTAMP_DESCRIPTION = 'CreationTimestamp is a timestamp representing the server time when this object '
  + 'was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not '
  + 'set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for '
  + 'lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata';

/** A column; `priority` 1 shows only with `-o wide`. */
export function column(name: string, type: string, description: string, priority = 0, format = ''): ColumnDefinition {
  return { name, type, format, description, priority };
}

/** The `Name` column every printer starts with. */
export const NAME_COLUMN = column('Name', 'string', NAME_DESCRIPTION, 0, 'name');
/** The `Age` column. */
export const AGE_COLUMN = column('Age', 'string', CREATION_TIMESTAMP_DESCRIPTION);
/** The wide `Containers` column of workloads. */
export const CONTAINERS_COLUMN = column('Containers', 'string', 'Names of each container in the template.', 1);
/** The wide `Images` column of workloads. */
export const IMAGES_COLUMN = column('Images', 'string', 'Images referenced by each container in the template.', 1);

/** translateTimestampSince: HumanDuration of the time since an RFC 3339 timestamp, `<unknown>` when unset. */
export function timestampSince(timestamp: string | undefined | null, now: number): string {
  const at = parseTimestamp(timestamp ?? undefined);
  return at === undefined ? '<unknown>' : humanDuration(now - at);
}

/** The object's age (its creationTimestamp's timestampSince). */
export function age(object: KubeObject, now: number): string {
  return timestampSince(object.metadata.creationTimestamp, now);
}

/** labels.FormatLabels: `k=v` pairs sorted by key and joined by commas, `<none>` when empty. */
export function formatLabels(labels: Record<string, string> | undefined | null): string {
  const keys = Object.keys(labels ?? {}).sort();
  return keys.length === 0 ? '<none>' : keys.map((key) => `${key}=${labels![key]}`).join(',');
}

/** metav1.FormatLabelSelector: the selector's string form, `<none>` when it selects nothing or everything. */
export function formatLabelSelector(selector: Record<string, any> | undefined | null): string {
  if (!selector) {
    return '<none>';
  }
  try {
    return labelSelectorToString(selector) || '<none>';
  } catch {
    return '<error>';
  }
}

/** layoutContainerCells: container names and images, each joined by commas. */
export function containerCells(containers: readonly any[] | undefined): [string, string] {
  const list = containers ?? [];
  return [list.map((container) => container.name ?? '').join(','), list.map((container) => container.image ?? '').join(',')];
}
