// Pod IPs from each node's podCIDR (a /24 such as 10.244.1.0/24), reused after pods go away, the way
// a CNI's host-local IPAM hands them out.

/** Hands out pod IPs per node. */
export class PodIpAllocator {
  private readonly pools = new Map<string, { prefix: string; next: number; free: number[] }>();

  /** An unused IP in the node's pod CIDR. */
  public allocate(nodeName: string, podCidr: string | undefined): string {
    let pool = this.pools.get(nodeName);
    if (!pool) {
      pool = { prefix: cidrPrefix(podCidr), next: 2, free: [] };
      this.pools.set(nodeName, pool);
    }
    const host = pool.free.length > 0 ? pool.free.shift()! : pool.next++;
    return `${pool.prefix}${host}`;
  }

  /** Returns an IP to its node's pool. */
  public release(nodeName: string, ip: string): void {
    const pool = this.pools.get(nodeName);
    if (!pool || !ip.startsWith(pool.prefix)) {
      return;
    }
    pool.free.push(Number(ip.slice(pool.prefix.length)));
    pool.free.sort((a, b) => a - b);
  }
}

function cidrPrefix(podCidr: string | undefined): string {
  const match = /^(\d+\.\d+\.\d+\.)\d+\/\d+$/.exec(podCidr ?? '');
  return match ? match[1] : '10.244.0.';
}
