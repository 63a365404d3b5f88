import { RESOURCES } from '../../../src/sandbox/api';
import { managerOf, recordUpdate } from '../../../src/sandbox/managed-fields';

describe('recordUpdate (the field manager\'s Update entries)', () => {
  test('one entry per manager and subresource, restamped when it writes again, ordered by time then manager', () => {
    let entries = recordUpdate(undefined, RESOURCES.statefulSets, 'kubectl-create', '2024-01-01T00:00:00Z');
    entries = recordUpdate(entries, RESOURCES.statefulSets, 'kube-controller-manager', '2024-01-01T00:00:01Z', 'status');
    entries = recordUpdate(entries, RESOURCES.statefulSets, 'kubectl-patch', '2024-01-01T00:00:01Z');
    expect(entries.map((entry) => [entry.manager, entry.time, entry.subresource])).toEqual([
      ['kubectl-create', '2024-01-01T00:00:00Z', undefined],
      ['kube-controller-manager', '2024-01-01T00:00:01Z', 'status'],
      ['kubectl-patch', '2024-01-01T00:00:01Z', undefined],
    ]);
    entries = recordUpdate(entries, RESOURCES.statefulSets, 'kubectl-create', '2024-01-01T00:00:05Z');
    expect(entries.map((entry) => entry.manager)).toEqual(['kube-controller-manager', 'kubectl-patch', 'kubectl-create']);
    expect(entries[2]).toEqual({ manager: 'kubectl-create', operation: 'Update', apiVersion: 'apps/v1', time: '2024-01-01T00:00:05Z' });
    const same = recordUpdate(entries, RESOURCES.statefulSets, 'kubectl-create', '2024-01-01T00:00:05Z');
    expect(same).toBe(entries);
  });

  test('the manager of a request: fieldManager, else the User-Agent\'s product', () => {
    expect(managerOf('kubectl-edit', 'kubectl/v1.33.1 (linux/amd64) kubernetes/8adc0f0')).toBe('kubectl-edit');
    expect(managerOf(null, 'kubectl/v1.33.1 (linux/amd64) kubernetes/8adc0f0')).toBe('kubectl');
    expect(managerOf(null, undefined)).toBeUndefined();
  });
});
