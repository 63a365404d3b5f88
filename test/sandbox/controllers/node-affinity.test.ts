import { KubeObject } from '../../../src/sandbox/api';
import { podMatchesNodeSelectorAndAffinity } from '../../../src/sandbox/controllers/node-affinity';

const node: KubeObject = {
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name: 'node-2', labels: { 'kubernetes.io/hostname': 'node-2', 'disk': 'ssd', 'cores': '8' } },
};

function required(...nodeSelectorTerms: unknown[]) {
  return { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms } } } };
}

describe('podMatchesNodeSelectorAndAffinity', () => {
  test('nodeSelector needs every label to match', () => {
    expect(podMatchesNodeSelectorAndAffinity({ nodeSelector: { disk: 'ssd' } }, node)).toBe(true);
    expect(podMatchesNodeSelectorAndAffinity({ nodeSelector: { disk: 'ssd', zone: 'a' } }, node)).toBe(false);
    expect(podMatchesNodeSelectorAndAffinity({}, node)).toBe(true);
  });

  test('terms are ORed, expressions within a term ANDed', () => {
    const ssdAndMissing = { matchExpressions: [{ key: 'disk', operator: 'In', values: ['ssd'] }, { key: 'gpu', operator: 'Exists' }] };
    const noGpu = { matchExpressions: [{ key: 'gpu', operator: 'DoesNotExist' }] };
    expect(podMatchesNodeSelectorAndAffinity(required(ssdAndMissing), node)).toBe(false);
    expect(podMatchesNodeSelectorAndAffinity(required(ssdAndMissing, noGpu), node)).toBe(true);
  });

  test('NotIn, Gt and Lt as upstream', () => {
    expect(podMatchesNodeSelectorAndAffinity(required({ matchExpressions: [{ key: 'disk', operator: 'NotIn', values: ['hdd'] }] }), node)).toBe(true);
    expect(podMatchesNodeSelectorAndAffinity(required({ matchExpressions: [{ key: 'cores', operator: 'Gt', values: ['4'] }] }), node)).toBe(true);
    expect(podMatchesNodeSelectorAndAffinity(required({ matchExpressions: [{ key: 'cores', operator: 'Lt', values: ['4'] }] }), node)).toBe(false);
  });

  test('matchFields on metadata.name pins a DaemonSet pod to its node', () => {
    const pinnedTo = (name: string) => required({ matchFields: [{ key: 'metadata.name', operator: 'In', values: [name] }] });
    expect(podMatchesNodeSelectorAndAffinity(pinnedTo('node-2'), node)).toBe(true);
    expect(podMatchesNodeSelectorAndAffinity(pinnedTo('node-1'), node)).toBe(false);
  });

  test('an empty term matches nothing', () => {
    expect(podMatchesNodeSelectorAndAffinity(required({}), node)).toBe(false);
  });

  test('an unknown operator is an error naming the key, the operator and the valid ones', () => {
    expect(() => podMatchesNodeSelectorAndAffinity(required({ matchExpressions: [{ key: 'disk', operator: 'Like' }] }), node))
      .toThrow('node selector requirement for key "disk": operator "Like" is not valid (expected In, NotIn, Exists, DoesNotExist, Gt or Lt)');
  });
});
