// The printers of namespaced core and policy kinds: services, persistentvolumeclaims, configmaps, secrets,
// serviceaccounts and poddisruptionbudgets (printService, printPersistentVolumeClaim ... upstream).

import { AGE_COLUMN, age, column, formatLabels, NAME_COLUMN, Printer } from './columns';

function externalIp(service: any): string {
  const spec = service.spec ?? {};
  const externalIps: string[] = spec.externalIPs ?? [];
  switch (spec.type ?? 'ClusterIP') {
    case 'ClusterIP':
    case 'NodePort':
      return externalIps.length > 0 ? externalIps.join(',') : '<none>';
    case 'LoadBalancer': {
      const ingress: string[] = [...new Set<string>((service.status?.loadBalancer?.ingress ?? [])
        .map((entry: any) => entry.ip || entry.hostname).filter(Boolean))];
      const all = [...ingress, ...externalIps];
      return all.length > 0 ? all.join(',') : '<pending>';
    }
    case 'ExternalName':
      return spec.externalName ?? '';
    default:
      return '<unknown>';
  }
}

function servicePorts(ports: any[] | undefined): string {
  const text = (ports ?? [])
    .map((port) => (port.nodePort > 0 ? `${port.port}:${port.nodePort}/${port.protocol}` : `${port.port}/${port.protocol}`))
    .join(',');
  return text || '<none>';
}

/** NAME TYPE CLUSTER-IP EXTERNAL-IP PORT(S) AGE, and SELECTOR when wide. */
export const SERVICE_PRINTER: Printer = {
  columns: [
    NAME_COLUMN,
    column('Type', 'string', 'type determines how the Service is exposed.'),
    column('Cluster-IP', 'string', 'clusterIP is the IP address of the service and is usually assigned randomly.'),
    column('External-IP', 'string', 'externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service.'),
    column('Port(s)', 'string', 'The list of ports that are exposed by this service.'),
    AGE_COLUMN,
    column('Selector', 'string', 'Route service traffic to pods with label keys and values matching this selector.', 1),
  ],
  cells: (service, now) => [
    service.metadata.name,
    service.spec?.type ?? '',
    service.spec?.clusterIPs?.[0] ?? service.spec?.clusterIP ?? '<none>',
    externalIp(service),
    servicePorts(service.spec?.ports),
    age(service, now),
    formatLabels(service.spec?.selector),
  ],
};

/** GetAccessModesAsString: the short forms in a fixed order, duplicates dropped. */
export function accessModes(modes: string[] | undefined): string {
  const present = new Set(modes ?? []);
  return [['ReadWriteOnce', 'RWO'], ['ReadOnlyMany', 'ROX'], ['ReadWriteMany', 'RWX'], ['ReadWriteOncePod', 'RWOP']]
    .filter(([mode]) => present.has(mode)).map(([, short]) => short).join(',');
}

/** NAME STATUS VOLUME CAPACITY ACCESS MODES STORAGECLASS VOLUMEATTRIBUTESCLASS AGE, and VOLUMEMODE when wide. */
export const PERSISTENT_VOLUME_CLAIM_PRINTER: Printer = {
  columns: [
    NAME_COLUMN,
    column('Status', 'string', 'phase represents the current phase of PersistentVolumeClaim.'),
    column('Volume', 'string', 'volumeName is the binding reference to the PersistentVolume backing this claim.'),
    column('Capacity', 'string', 'capacity represents the actual resources of the underlying volume.'),
    column('Access Modes', 'string', 'accessModes contains the actual access modes the volume backing the PVC has.'),
    column('StorageClass', 'string', 'StorageClass of the pvc'),
    column('VolumeAttributesClass', 'string', 'VolumeAttributesClass of the pvc'),
    AGE_COLUMN,
    column('VolumeMode', 'string', 'volumeMode defines what type of volume is required by the claim.', 1),
  ],
  cells(claim, now) {
    const spec = claim.spec ?? {};
    const bound = Boolean(spec.volumeName);
    return [
      claim.metadata.name,
      claim.metadata.deletionTimestamp ? 'Terminating' : claim.status?.phase ?? '',
      spec.volumeName ?? '',
      bound ? String(claim.status?.capacity?.storage ?? '0') : '',
      bound ? accessModes(claim.status?.accessModes) : '',
      claim.metadata.annotations?.['volume.beta.kubernetes.io/storage-class'] ?? spec.storageClassName ?? '',
      spec.volumeAttributesClassName ?? '<unset>',
      age(claim, now),
      spec.volumeMode ?? '<unset>',
    ];
  },
};

/** NAME DATA AGE. */
export const CONFIG_MAP_PRINTER: Printer = {
  columns: [NAME_COLUMN, column('Data', 'string', 'Data contains the configuration data.'), AGE_COLUMN],
  cells: (configMap, now) => [
    configMap.metadata.name,
    Object.keys(configMap.data ?? {}).length + Object.keys(configMap.binaryData ?? {}).length,
    age(configMap, now),
  ],
};

/** NAME TYPE DATA AGE. */
export const SECRET_PRINTER: Printer = {
  columns: [
    NAME_COLUMN,
    column('Type', 'string', 'Used to facilitate programmatic handling of secret data.'),
    column('Data', 'string', 'Data contains the secret data.'),
    AGE_COLUMN,
  ],
  cells: (secret, now) => [secret.metadata.name, secret.type ?? '', Object.keys(secret.data ?? {}).length, age(secret, now)],
};

/** NAME SECRETS AGE. */
export const SERVICE_ACCOUNT_PRINTER: Printer = {
  columns: [NAME_COLUMN, column('Secrets', 'string', 'Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use.'), AGE_COLUMN],
  cells: (account, now) => [account.metadata.name, (account.secrets ?? []).length, age(account, now)],
};

/** NAME MIN AVAILABLE MAX UNAVAILABLE ALLOWED DISRUPTIONS AGE. */
export const POD_DISRUPTION_BUDGET_PRINTER: Printer = {
  columns: [
    NAME_COLUMN,
    column('Min Available', 'string', 'The minimum number of pods that must be available.'),
    column('Max Unavailable', 'string', 'The maximum number of pods that may be unavailable.'),
    column('Allowed Disruptions', 'integer', 'Calculated number of pods that may be disrupted at this time.'),
    AGE_COLUMN,
  ],
  cells: (budget, now) => [
    budget.metadata.name,
    budget.spec?.minAvailable === undefined ? 'N/A' : String(budget.spec.minAvailable),
    budget.spec?.maxUnavailable === undefined ? 'N/A' : String(budget.spec.maxUnavailable),
    budget.status?.disruptionsAllowed ?? 0,
    age(budget, now),
  ],
};
