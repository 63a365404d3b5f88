import { newStore, nodeExporterDaemonSet } from './fixtures';
import { RolloutKeys } from '../../../src/keys';
import { RESOURCES } from '../../../src/sandbox/api';

describe('generations', () => {
  test('a DaemonSet counts spec changes in generation and template changes in its template-generation annotation', () => {
    const { store } = newStore();
    const ds = store.create(RESOURCES.daemonSets, nodeExporterDaemonSet('ne:1'));
    expect(ds.metadata.generation).toBe(1);
    expect(ds.metadata.annotations).toEqual({ [RolloutKeys.DAEMONSET_TEMPLATE_GENERATION_ANNOTATION]: '1' });
    const slower = store.update(RESOURCES.daemonSets, { ...ds, spec: { ...ds.spec, minReadySeconds: 10 } });
    expect(slower.metadata.generation).toBe(2);
    expect(slower.metadata.annotations?.[RolloutKeys.DAEMONSET_TEMPLATE_GENERATION_ANNOTATION]).toBe('1');
    const template = { ...slower.spec.template, spec: { ...slower.spec.template.spec, containers: [{ ...slower.spec.template.spec.containers[0], image: 'ne:2' }] } };
    const withoutAnnotation = { ...slower.metadata, annotations: {} };
    const updated = store.update(RESOURCES.daemonSets, { ...slower, metadata: withoutAnnotation, spec: { ...slower.spec, template } });
    expect(updated.metadata.generation).toBe(3);
    expect(updated.metadata.annotations?.[RolloutKeys.DAEMONSET_TEMPLATE_GENERATION_ANNOTATION]).toBe('2');
  });

  test('kinds without generations drop one sent by the client', () => {
    const { store } = newStore();
    const cm = store.create(RESOURCES.configMaps, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', generation: 5 } });
    expect(cm.metadata.generation).toBeUndefined();
  });
});
