// The registry strategies' generation bookkeeping (PrepareForCreate / PrepareForUpdate): metadata.generation counts
// spec changes, and a DaemonSet also counts template changes in the `deprecated.daemonset.template.generation`
// annotation that its controller stamps on pods as `pod-template-generation`.
import type { KubeObject } from './api';
import { deepEqual } from './validation';
import { DAEMONSET_TEMPLATE_GENERATION_ANNOTATION } from '../internal/well-known-labels';

// Kinds whose registry strategy tracks spec changes in metadata.generation.
const GENERATION_TRACKED = new Set(['StatefulSet', 'DaemonSet', 'PodDisruptionBudget']);

/**
 * Sets `obj`'s generation (and a DaemonSet's template generation) in place: 1 on create, and on update the stored
 * values, each incremented when the spec (or the template) changed. Kinds without generations lose any sent by the client.
 */
export function assignGenerations(obj: KubeObject, old?: KubeObject): void {
  if (!GENERATION_TRACKED.has(obj.kind)) {
    delete obj.metadata.generation;
    return;
  }
  const specChanged = !old || !deepEqual(old.spec, obj.spec);
  obj.metadata.generation = old ? (old.metadata.generation ?? 0) + (specChanged ? 1 : 0) : 1;
  if (obj.kind === 'DaemonSet') {
    const previous = Number(old?.metadata.annotations?.[DAEMONSET_TEMPLATE_GENERATION_ANNOTATION] ?? 0);
    const templateChanged = !old || !deepEqual(old.spec?.template, obj.spec?.template);
    obj.metadata.annotations = {
      ...(obj.metadata.annotations ?? {}),
      [DAEMONSET_TEMPLATE_GENERATION_ANNOTATION]: String(previous + (templateChanged ? 1 : 0)),
    };
  }
}
