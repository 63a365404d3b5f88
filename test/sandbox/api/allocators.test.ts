import { ClusterIpAllocator } from '../../../src/sandbox/cluster-ip-allocator';
import { NameGenerator } from '../../../src/sandbox/name-generator';
import { UidGenerator } from '../../../src/sandbox/uid-generator';

// The allocators are deterministic so runs repeat: these values are what seeded replays and snapshots rely on.
describe('the store\'s allocators', () => {
  test('uids are UUID-shaped and counted from 1', () => {
    const uids = new UidGenerator();
    expect([uids.next(), uids.next()]).toEqual(['00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000002']);
  });

  test('generated names are the prefix and five characters of upstream\'s alphabet, differing from the first character on', () => {
    const names = new NameGenerator();
    const generated = [names.generate('web-'), names.generate('web-'), names.generate('web-')];
    expect(generated).toEqual(['web-l6nbb', 'web-vz4bb', 'web-7thcb']);
    for (const name of generated) {
      expect(name).toMatch(/^web-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    }
    expect(new Set(generated.map((name) => name[4])).size).toBe(3);
  });

  test('cluster IPs come in order from 10.96.0.0/12; a requested address is kept and ExternalName gets none', () => {
    const ips = new ClusterIpAllocator();
    const first: { clusterIP?: string; clusterIPs?: string[] } = {};
    const requested = { clusterIP: '10.96.9.9' };
    const external: { type: string; clusterIP?: string } = { type: 'ExternalName' };
    const second: { clusterIP?: string } = {};
    ips.allocate(first);
    ips.allocate(requested);
    ips.allocate(external);
    ips.allocate(second);
    expect(first).toEqual({ clusterIP: '10.96.0.2', clusterIPs: ['10.96.0.2'] });
    expect(requested).toEqual({ clusterIP: '10.96.9.9', clusterIPs: ['10.96.9.9'] });
    expect(external).toEqual({ type: 'ExternalName' });
    expect(second.clusterIP).toBe('10.96.0.3');
  });
});
