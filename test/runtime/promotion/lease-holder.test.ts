import { formatLeaseHolder, isLeaseHolderGone, parseLeaseHolder, PromoterProcess } from '../../../src/runtime/promotion/lease-holder';

const ME: PromoterProcess = { host: 'pod-a', pid: 1, scope: 'b00t-ns1', nonce: 'aaaa0001' };
const nobodyRuns = () => false;
const everyoneRuns = () => true;

test('the identity round-trips; other forms name no process', () => {
  expect(formatLeaseHolder(ME)).toBe('pod-a/1/b00t-ns1/aaaa0001');
  expect(parseLeaseHolder('pod-a/1/b00t-ns1/aaaa0001')).toEqual(ME);
  expect(formatLeaseHolder({ host: 'mac', pid: 7, nonce: 'n' })).toBe('mac/7/-/n');
  expect(parseLeaseHolder('mac/7/-/n')).toEqual({ host: 'mac', pid: 7, scope: undefined, nonce: 'n' });
  expect(parseLeaseHolder('pod-a/1')).toBeUndefined();
  expect(parseLeaseHolder('ci-runner')).toBeUndefined();
});

describe('isLeaseHolderGone', () => {
  test('a promoter of another PID namespace on a host of the same name is never gone: its pid means nothing here', () => {
    // Two containers named pod-a, each with its own pid 1 and pid 42; pid 42 does not exist in ours.
    expect(isLeaseHolderGone('pod-a/42/b00t-ns2/bbbb0002', ME, nobodyRuns)).toBe(false);
    expect(isLeaseHolderGone('pod-a/1/b00t-ns2/bbbb0002', ME, nobodyRuns)).toBe(false);
  });

  test('the old host/pid form, another host, or an unknown scope is never gone', () => {
    expect(isLeaseHolderGone('pod-a/42', ME, nobodyRuns)).toBe(false);
    expect(isLeaseHolderGone('pod-b/42/b00t-ns1/bbbb0002', ME, nobodyRuns)).toBe(false);
    expect(isLeaseHolderGone('pod-a/42/-/bbbb0002', ME, nobodyRuns)).toBe(false);
    expect(isLeaseHolderGone('pod-a/42/-/bbbb0002', { ...ME, scope: undefined }, nobodyRuns)).toBe(false);
  });

  test('a promoter of the same scope is gone only when its pid names no process, or names us', () => {
    expect(isLeaseHolderGone('pod-a/42/b00t-ns1/bbbb0002', ME, nobodyRuns)).toBe(true);
    expect(isLeaseHolderGone('pod-a/42/b00t-ns1/bbbb0002', ME, everyoneRuns)).toBe(false);
    // Our pid with another nonce: the process that had this pid before us.
    expect(isLeaseHolderGone('pod-a/1/b00t-ns1/bbbb0002', ME, everyoneRuns)).toBe(true);
    // Ourselves.
    expect(isLeaseHolderGone(formatLeaseHolder(ME), ME, nobodyRuns)).toBe(false);
  });

  test('another promotion of this very process (same process token, another run) is alive, never gone', () => {
    const secondRun = { ...ME, nonce: 'aaaa0001.2' };
    expect(isLeaseHolderGone('pod-a/1/b00t-ns1/aaaa0001.1', secondRun, nobodyRuns)).toBe(false);
    expect(isLeaseHolderGone('pod-a/1/b00t-ns1/bbbb0002.1', secondRun, everyoneRuns)).toBe(true);
  });
});
