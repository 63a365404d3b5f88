// Service cluster IPs (upstream's service IP allocator, pkg/registry/core/service/ipallocator): addresses from
// 10.96.0.0/12, kubeadm's default service subnet, handed out in order and never reused, so runs repeat.

/** Assigns `spec.clusterIP` and `spec.clusterIPs` to Services that do not ask for an address of their own. */
export class ClusterIpAllocator {
  private counter = 0;

  /** Fills in the Service spec's addresses in place; an ExternalName Service gets none. */
  public allocate(spec: { type?: string; clusterIP?: string; clusterIPs?: string[] }): void {
    if (spec.type === 'ExternalName') {
      return;
    }
    if (!spec.clusterIP) {
      const n = ++this.counter;
      spec.clusterIP = `10.96.${Math.floor(n / 254)}.${(n % 254) + 1}`;
    }
    spec.clusterIPs ??= [spec.clusterIP];
  }
}
