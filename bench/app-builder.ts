// Builds and synthesizes one benchmark app: `size` instances of a concept, ours or the baseline.
import { App, Chart } from 'cdk8s';
import { addBaselineInstance, captureTemplate } from './baselines/api-object-app';
import { BenchConcept } from './concepts';

/** Which implementation an app uses. */
export type Variant = 'ours' | 'baseline';

/** Prepares the untimed inputs of a variant and returns a function that builds and synthesizes one app. */
export function appSynthesizer(concept: BenchConcept, variant: Variant): (size: number) => Record<string, any>[] {
  // The baseline's template is captured here, outside whatever the caller times.
  const templateJson = variant === 'baseline' ? JSON.stringify(captureTemplate(concept)) : '';
  return (size) => {
    const chart = new Chart(new App(), 'bench');
    for (let i = 0; i < size; i++) {
      if (variant === 'ours') {
        concept.addOurs(chart, i);
      } else {
        addBaselineInstance(chart, concept, templateJson, i);
      }
    }
    return chart.toJson();
  };
}
