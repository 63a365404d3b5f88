// Builds and synthesizes one benchmark app: `size` instances of a concept, ours or the baseline.
import { App, Chart } from 'cdk8s';
import { BenchConcept } from './concepts';

/** Which implementation an app uses. */
export type Variant = 'ours' | 'baseline';

/** A function that builds an app of `size` instances of `concept` with `variant` and synthesizes it. */
export function appSynthesizer(concept: BenchConcept, variant: Variant): (size: number) => Record<string, any>[] {
  return (size) => {
    const chart = new Chart(new App(), 'bench');
    for (let i = 0; i < size; i++) {
      if (variant === 'ours') {
        concept.addOurs(chart, i);
      } else {
        concept.addBaseline(chart, i);
      }
    }
    return chart.toJson();
  };
}
