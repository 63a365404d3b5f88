import { describeRef, parseWorkloadRef, shortRef } from '../../../src/runtime/kube/workload-ref';

describe('parseWorkloadRef', () => {
  test.each([
    ['sts/kafka', 'StatefulSet'],
    ['statefulset.apps/kafka', 'StatefulSet'],
    ['StatefulSets/kafka', 'StatefulSet'],
    ['ds/kafka', 'DaemonSet'],
    ['daemonset/kafka', 'DaemonSet'],
  ])('%s is a %s', (text, kind) => {
    expect(parseWorkloadRef(text, 'prod', ['StatefulSet', 'DaemonSet'])).toEqual({ kind, namespace: 'prod', name: 'kafka' });
  });

  test('names the expected forms when the slash is missing', () => {
    expect(() => parseWorkloadRef('kafka', 'default', ['StatefulSet'])).toThrow('invalid workload "kafka": expected sts/NAME');
    expect(() => parseWorkloadRef('sts/', 'default', ['StatefulSet', 'DaemonSet']))
      .toThrow('invalid workload "sts/": expected sts/NAME or ds/NAME');
  });

  test('rejects unknown and unsupported types', () => {
    expect(() => parseWorkloadRef('deploy/web', 'default', ['StatefulSet']))
      .toThrow('unsupported resource type "deploy" in "deploy/web": expected sts/NAME');
    expect(() => parseWorkloadRef('ds/agent', 'default', ['StatefulSet']))
      .toThrow('this command does not support DaemonSets ("ds/agent"): expected sts/NAME');
  });

  test('rejects names that are not RFC 1123', () => {
    expect(() => parseWorkloadRef('sts/Kafka_1', 'default', ['StatefulSet']))
      .toThrow('invalid StatefulSet name "Kafka_1": it must be a lowercase RFC 1123 name such as "kafka"');
  });
});

test('describeRef and shortRef print kubectl-style names', () => {
  const ref = parseWorkloadRef('statefulsets/kafka', 'default', ['StatefulSet']);
  expect(describeRef(ref)).toBe('statefulset/kafka');
  expect(shortRef(ref)).toBe('sts/kafka');
  expect(shortRef({ kind: 'DaemonSet', name: 'agent' })).toBe('ds/agent');
});
