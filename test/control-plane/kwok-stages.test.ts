import { parseAllDocuments } from 'yaml';
import { kwokConfigYaml, kwokStages, POD_FAILURE_MODE_EXPRESSION } from '../../src/control-plane/kwok-stages';
import { CONTAINER_FAILURE_ENV, POD_FAILURE_ANNOTATION, PodFailureMode } from '../../src/internal/pod-failure-conventions';

const stages = kwokStages({ imagePullMs: 100, containerStartMs: 200, readyDelayMs: 50, terminationMs: 300, flapPeriodMs: 4000 });
const byName = new Map(stages.map((stage: any) => [stage.metadata.name, stage]));
const modesOf = (name: string): string[] => (byName.get(name) as any).spec.selector.matchExpressions
  .find((requirement: any) => requirement.key === POD_FAILURE_MODE_EXPRESSION)?.values ?? [];

test('custom stages replace kwok\'s defaults, so the node stages are included', () => {
  expect(stages.filter((stage: any) => stage.spec.resourceRef.kind === 'Node').map((stage: any) => stage.metadata.name))
    .toEqual(['node-initialize', 'node-heartbeat']);
  expect(stages.every((stage: any) => stage.apiVersion === 'kwok.x-k8s.io/v1alpha1' && stage.kind === 'Stage')).toBe(true);
});

test('the failure mode is read as the sandbox\'s kubelet reads it: annotation, then env var, then a `bad` tag', () => {
  expect(POD_FAILURE_MODE_EXPRESSION).toContain(`.metadata.annotations["${POD_FAILURE_ANNOTATION}"]`);
  expect(POD_FAILURE_MODE_EXPRESSION.indexOf(POD_FAILURE_ANNOTATION)).toBeLessThan(POD_FAILURE_MODE_EXPRESSION.indexOf(CONTAINER_FAILURE_ENV));
  expect(POD_FAILURE_MODE_EXPRESSION.indexOf(CONTAINER_FAILURE_ENV)).toBeLessThan(POD_FAILURE_MODE_EXPRESSION.indexOf(':(bad)$'));
});

test('a fresh pod is taken by exactly one stage for every failure mode (kwok picks at random among matches)', () => {
  const freshStages = ['pod-create', 'pod-image-pull-error'];
  for (const mode of ['None', ...Object.values(PodFailureMode)]) {
    expect(freshStages.filter((name) => modesOf(name).includes(mode))).toHaveLength(1);
  }
  // Once it has an IP and is Pending, one start stage per mode; the unpullable image never gets there.
  const startStages = ['pod-ready', 'pod-never-ready', 'pod-crash-start'];
  for (const mode of ['None', PodFailureMode.CRASH_LOOP, PodFailureMode.NEVER_READY, PodFailureMode.FLAPPING_READINESS]) {
    expect(startStages.filter((name) => modesOf(name).includes(mode))).toHaveLength(1);
  }
  expect(startStages.some((name) => modesOf(name).includes(PodFailureMode.IMAGE_PULL))).toBe(false);
});

test('the timing given becomes the stages\' delays', () => {
  const delay = (name: string) => (byName.get(name) as any).spec.delay?.durationMilliseconds;
  expect(delay('pod-ready')).toBe(100 + 200 + 50);
  expect(delay('pod-never-ready')).toBe(300);
  expect(delay('pod-image-pull-error')).toBe(100);
  expect(delay('pod-delete')).toBe(300);
  expect(delay('pod-readiness-lost')).toBe(4000);
  expect((byName.get('pod-delete') as any).spec.next).toEqual({ delete: true });
});

test('the configuration file is one YAML document per stage', () => {
  const documents = parseAllDocuments(kwokConfigYaml()).map((document) => document.toJSON());
  expect(documents.map((document: any) => document.metadata.name)).toEqual(kwokStages().map((stage: any) => stage.metadata.name));
});
