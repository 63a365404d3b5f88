// The printers of cluster-level and bookkeeping kinds: nodes, namespaces, events and leases (printNode,
// printNamespace, printEvent, printLease upstream).

import { AGE_COLUMN, age, column, NAME_COLUMN, Printer, timestampSince } from './columns';

const NODE_ROLE_PREFIX = 'node-role.kubernetes.io/';
const NODE_ROLE_LABEL = 'kubernetes.io/role';
const ADDRESSES_DESCRIPTION = 'List of addresses reachable to the node.';

function nodeRoles(labels: Record<string, string> | undefined): string[] {
  const roles = new Set<string>();
  for (const [key, value] of Object.entries(labels ?? {})) {
    if (key.startsWith(NODE_ROLE_PREFIX) && key.length > NODE_ROLE_PREFIX.length) {
      roles.add(key.slice(NODE_ROLE_PREFIX.length));
    } else if (key === NODE_ROLE_LABEL && value) {
      roles.add(value);
    }
  }
  // Upstream joins an unordered set; sorting makes the sandbox's answer stable.
  return [...roles].sort();
}

function nodeAddress(node: any, type: string): string {
  return (node.status?.addresses ?? []).find((address: any) => address.type === type)?.address ?? '<none>';
}

/** NAME STATUS ROLES AGE VERSION, and INTERNAL-IP EXTERNAL-IP OS-IMAGE KERNEL-VERSION CONTAINER-RUNTIME when wide. */
export const NODE_PRINTER: Printer = {
  columns: [
    NAME_COLUMN,
    column('Status', 'string', 'The status of the node'),
    column('Roles', 'string', 'The roles of the node'),
    AGE_COLUMN,
    column('Version', 'string', 'Kubelet Version reported by the node.'),
    column('Internal-IP', 'string', ADDRESSES_DESCRIPTION, 1),
    column('External-IP', 'string', ADDRESSES_DESCRIPTION, 1),
    column('OS-Image', 'string', 'OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).', 1),
    column('Kernel-Version', 'string', 'Kernel Version reported by the node from \'uname -r\' (e.g. 3.16.0-0.bpo.4-amd64).', 1),
    column('Container-Runtime', 'string', 'ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd://1.4.2).', 1),
  ],
  cells(node, now) {
    const ready = (node.status?.conditions ?? []).find((condition: any) => condition.type === 'Ready');
    const status = [ready ? (ready.status === 'True' ? 'Ready' : 'NotReady') : 'Unknown'];
    if (node.spec?.unschedulable) {
      status.push('SchedulingDisabled');
    }
    const info = node.status?.nodeInfo ?? {};
    return [
      node.metadata.name,
      status.join(','),
      nodeRoles(node.metadata.labels).join(',') || '<none>',
      age(node, now),
      info.kubeletVersion ?? '',
      nodeAddress(node, 'InternalIP'),
      nodeAddress(node, 'ExternalIP'),
      info.osImage || '<unknown>',
      info.kernelVersion || '<unknown>',
      info.containerRuntimeVersion || '<unknown>',
    ];
  },
};

/** NAME STATUS AGE. */
export const NAMESPACE_PRINTER: Printer = {
  columns: [NAME_COLUMN, column('Status', 'string', 'The status of the namespace'), AGE_COLUMN],
  cells: (namespace, now) => [namespace.metadata.name, namespace.status?.phase ?? '', age(namespace, now)],
};

/** LAST SEEN TYPE REASON OBJECT MESSAGE, and SUBOBJECT SOURCE FIRST SEEN COUNT NAME when wide. */
export const EVENT_PRINTER: Printer = {
  columns: [
    column('Last Seen', 'string', 'The time at which the most recent occurrence of this event was recorded.'),
    column('Type', 'string', 'Type of this event (Normal, Warning), new types could be added in the future'),
    column('Reason', 'string', 'This should be a short, machine understandable string that gives the reason for the transition into the object\'s current status.'),
    column('Object', 'string', 'The object that this event is about.'),
    column('Subobject', 'string', 'If referring to a piece of an object instead of an entire object, this string should contain a valid JSON/Go field access statement, such as desiredState.manifest.containers[2].', 1),
    column('Source', 'string', 'The component reporting this event. Should be a short machine understandable string.', 1),
    column('Message', 'string', 'A human-readable description of the status of this operation.'),
    column('First Seen', 'string', 'The time at which the event was first recorded. (Time of server receipt is in TypeMeta.)', 1),
    column('Count', 'string', 'The number of times this event has occurred.', 1),
    { ...NAME_COLUMN, priority: 1 },
  ],
  cells(event, now) {
    const firstSeen = event.firstTimestamp ? timestampSince(event.firstTimestamp, now) : timestampSince(event.eventTime, now);
    let lastSeen = event.lastTimestamp ? timestampSince(event.lastTimestamp, now) : firstSeen;
    let count = event.count ?? 0;
    if (event.series) {
      lastSeen = timestampSince(event.series.lastObservedTime, now);
      count = event.series.count ?? 0;
    } else if (count === 0) {
      // Singleton events of the events.k8s.io API carry no count.
      count = 1;
    }
    const involved = event.involvedObject ?? {};
    const kind = String(involved.kind ?? '').toLowerCase();
    const component = event.source?.component || event.reportingComponent || '';
    const host = event.source?.host || event.reportingInstance || '';
    return [
      lastSeen,
      event.type ?? '',
      event.reason ?? '',
      involved.name ? `${kind}/${involved.name}` : kind,
      involved.fieldPath ?? '',
      host ? `${component}, ${host}` : component,
      String(event.message ?? '').trim(),
      firstSeen,
      count,
      event.metadata.name,
    ];
  },
};

/** NAME HOLDER AGE. */
export const LEASE_PRINTER: Printer = {
  columns: [NAME_COLUMN, column('Holder', 'string', 'holderIdentity contains the identity of the holder of a current lease.'), AGE_COLUMN],
  cells: (lease, now) => [lease.metadata.name, lease.spec?.holderIdentity ?? '', age(lease, now)],
};
