import { appSynthesizer } from '../../bench/app-builder';
import { CONCEPTS, instanceName } from '../../bench/concepts';
import { kindCounts } from '../../bench/synth-cost';

describe.each(CONCEPTS.map((c) => [c.name, c] as const))('synth-cost benchmark apps for %s', (_name, concept) => {
  const ours = appSynthesizer(concept, 'ours')(2);
  const baseline = appSynthesizer(concept, 'baseline')(2);

  test('the baseline synthesizes the same number of objects of the same kinds as our construct', () => {
    expect(ours.length).toBeGreaterThan(0);
    expect(baseline.length).toBe(ours.length);
    expect(kindCounts(baseline)).toBe(kindCounts(ours));
  });

  test('the baseline renames every instance, so its objects match ours by kind, name and namespace', () => {
    const identities = (objects: Record<string, any>[]) =>
      objects.map((o) => `${o.kind}/${o.metadata.namespace}/${o.metadata.name}`).sort();
    expect(identities(baseline)).toEqual(identities(ours));
    expect(JSON.stringify(baseline)).toContain(instanceName(concept.name, 1));
  });
});
