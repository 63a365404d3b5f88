import { commandLineMentions, describeMemory, parseVmRssKiB, totalRssMiB } from '../../bench/control-plane-memory';
import { skippedMarkdown } from '../../bench/control-plane-section';

describe('parseVmRssKiB', () => {
  test('reads the VmRSS line of /proc/PID/status', () => {
    const status = 'Name:\tetcd\nVmPeak:\t 6596592 kB\nVmRSS:\t  128620 kB\nRssAnon:\t  100000 kB\n';
    expect(parseVmRssKiB(status)).toBe(128620);
  });

  test('is undefined when there is no VmRSS line (a kernel thread, a zombie, a process gone)', () => {
    expect(parseVmRssKiB('Name:\tkthreadd\nState:\tS (sleeping)\n')).toBeUndefined();
    expect(parseVmRssKiB('')).toBeUndefined();
  });
});

describe('commandLineMentions', () => {
  test('finds an argument naming a path inside the folder', () => {
    const cmdline = ['/bin/etcd', '--name=node0', '--data-dir=/tmp/kube-cluster-ab12/etcd', ''].join('\0');
    expect(commandLineMentions(cmdline, '/tmp/kube-cluster-ab12')).toBe(true);
  });

  test('does not take another cluster whose folder name starts the same for this one', () => {
    const cmdline = ['/bin/etcd', '--data-dir=/tmp/kube-cluster-ab123/etcd', ''].join('\0');
    expect(commandLineMentions(cmdline, '/tmp/kube-cluster-ab12')).toBe(false);
  });
});

describe('describeMemory', () => {
  const memories = [
    { component: 'etcd', rssMiB: 42.7 },
    { component: 'kube-apiserver', rssMiB: 263.5 },
    { component: 'kwok', rssMiB: 56.2 },
  ];

  test('lists the components largest first, with the total', () => {
    expect(totalRssMiB(memories)).toBeCloseTo(362.4);
    expect(describeMemory(memories)).toBe('kube-apiserver 264, kwok 56, etcd 43 (total 362 MiB)');
  });
});

describe('skippedMarkdown', () => {
  test('keeps the section heading and says why it was skipped', () => {
    expect(skippedMarkdown('control plane binaries not found (etcd) in /x; build them with `npm run cluster:build`'))
      .toBe('## 5. Real control plane (issue 11)\n\nSkipped: control plane binaries not found (etcd) in /x; build them with `npm run cluster:build`\n');
  });
});
