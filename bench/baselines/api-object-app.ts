// The baseline: the same Kubernetes objects written directly as cdk8s L1 ApiObjects, with no construct logic.
// The object literals are a template of instance 0 (captured once, outside the timed region) renamed per
// instance, which is what a hand-written app that copies one manifest N times does.
import { ApiObject, App, Chart } from 'cdk8s';
import { BenchConcept, instanceName, instanceNamespace } from '../concepts';

/** A synthesized object, as plain JSON. */
export type ManifestObject = Record<string, any>;

/** The objects instance 0 of `concept` synthesizes to with our construct: the baseline's template. */
export function captureTemplate(concept: BenchConcept): ManifestObject[] {
  const chart = new Chart(new App(), 'template');
  concept.addOurs(chart, 0);
  return chart.toJson();
}

/** Adds instance `index` to `chart` as plain ApiObjects copied from `template` (serialized JSON of instance 0). */
export function addBaselineInstance(chart: Chart, concept: BenchConcept, templateJson: string, index: number): void {
  const renamed = templateJson
    .split(instanceName(concept.name, 0)).join(instanceName(concept.name, index))
    .split(instanceNamespace(0)).join(instanceNamespace(index));
  const objects: ManifestObject[] = JSON.parse(renamed);
  objects.forEach((object, n) => {
    const { apiVersion, kind, metadata, ...rest } = object;
    new ApiObject(chart, `${concept.name}-${index}-${n}`, { apiVersion, kind, metadata, ...rest });
  });
}
