// startKubeCluster: a real Kubernetes control plane on this machine, for the tests that must prove a behaviour on
// upstream code rather than on our sandbox: etcd, kube-apiserver (loopback only, RBAC on, bearer tokens),
// kube-controller-manager, kube-scheduler and kwok simulating the nodes, each a child process with its log kept.
// Shaped like startSandbox: a URL, a kubeconfig (file and object) and stop(). Time is real.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { ControlPlaneApiClient } from './api-client';
import { ControlPlaneBinary, findControlPlaneBinaries } from './binaries';
import { ComponentProcess } from './component-process';
import { kwokConfigYaml, KwokPodTiming } from './kwok-stages';
import { VolumeBinder } from './volume-binder';

/** Options of {@link startKubeCluster}. */
export interface KubeClusterOptions {
  /**
   * Simulated nodes, named node-1..node-N.
   * @default 3
   */
  readonly nodes?: number;
  /**
   * Timing of the simulated pods.
   * @default the defaults of {@link KwokPodTiming}
   */
  readonly pods?: KwokPodTiming;
  /**
   * A folder holding etcd, kube-apiserver, kube-controller-manager, kube-scheduler and kwok.
   * @default $KUBE_CLUSTER_BIN_DIR, then the newest `npm run cluster:build` output, then the PATH
   */
  readonly binDir?: string;
  /**
   * Where to write the kubeconfig file.
   * @default `kubeconfig` in the cluster's temporary directory (removed by stop())
   */
  readonly kubeconfigPath?: string;
  /**
   * Feature gates for kube-apiserver and kube-controller-manager. MaxUnavailableStatefulSet is beta but off by
   * default in 1.36 and on by default from 1.37; the sandbox models it on, so it is on here too.
   * @default { MaxUnavailableStatefulSet: true }
   */
  readonly featureGates?: Readonly<Record<string, boolean>>;
  /**
   * How long to wait for the control plane and the nodes to become ready.
   * @default 120000
   */
  readonly startTimeoutMs?: number;
}

/** A running control plane. */
export interface KubeCluster {
  /** `https://127.0.0.1:PORT`. */
  readonly url: string;
  /** The kubeconfig file written (context 'kube', user with the admin token, namespace 'default'). */
  readonly kubeconfigPath: string;
  /** The same kubeconfig, as an object. */
  readonly kubeconfig: Record<string, unknown>;
  /** The admin bearer token (group system:masters). */
  readonly adminToken: string;
  /** The PEM of the authority the API server's certificate chains to. */
  readonly caPem: string;
  /** A client of the API server as the admin user, for the few calls a caller makes without a client library. */
  readonly api: ControlPlaneApiClient;
  /** The kubectl built with the control plane, when the binaries' folder has one. */
  readonly kubectlPath?: string;
  /** The folder that holds the components' logs. */
  readonly logDir: string;
  /** Registers one more simulated node (kwok makes it Ready). */
  addNode(name: string): Promise<void>;
  /** Stops every process the cluster started and removes its files. */
  stop(): Promise<void>;
}

/** The kubeconfig context, cluster and user name. */
export const KUBE_CLUSTER_CONTEXT = 'kube';

/** Set, the cluster's folder (components' logs, etcd data, kubeconfigs) is kept after stop(), for a failure report. */
export const KEEP_DIR_ENV = 'KUBE_CLUSTER_KEEP_DIR';

/** kwok's log level (DEBUG shows why it skips a pod), for a failure report. */
export const KWOK_LOG_LEVEL_ENV = 'KWOK_LOG_LEVEL';

const SERVICE_CIDR = '10.96.0.0/16';
const POLL_MS = 100;

/** Starts a control plane and waits until the API server is ready, the nodes are Ready and pods can be created. */
export async function startKubeCluster(options: KubeClusterOptions = {}): Promise<KubeCluster> {
  const nodeCount = options.nodes ?? 3;
  if (!Number.isInteger(nodeCount) || nodeCount < 0) {
    throw new Error(`startKubeCluster: nodes must be an integer >= 0, got ${nodeCount}`);
  }
  const binaries = findControlPlaneBinaries(options.binDir);
  const dir = mkdtempSync(join(tmpdir(), 'kube-cluster-'));
  const logDir = join(dir, 'logs');
  const pki = join(dir, 'pki');
  mkdirSync(logDir);
  mkdirSync(pki);
  const components: ComponentProcess[] = [];
  let binder: VolumeBinder | undefined;
  const stop = async () => {
    await binder?.stop();
    // Reverse order: nodes and controllers first, storage last.
    for (const component of [...components].reverse()) {
      await component.stop();
    }
    if (process.env[KEEP_DIR_ENV]) {
      process.stderr.write(`startKubeCluster: ${KEEP_DIR_ENV} is set; logs and state kept in ${dir}\n`);
    } else {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  const deadline = Date.now() + (options.startTimeoutMs ?? 120_000);
  const featureGates = `--feature-gates=${Object.entries(options.featureGates ?? { MaxUnavailableStatefulSet: true })
    .map(([gate, on]) => `${gate}=${on}`).join(',')}`;

  try {
    const [etcdPort, etcdPeerPort, apiPort] = await freePorts(3);
    const tokens = { admin: token(), controllerManager: token(), scheduler: token() };
    writeFileSync(join(pki, 'tokens.csv'), [
      `${tokens.admin},kube-admin,kube-admin,"system:masters"`,
      `${tokens.controllerManager},system:kube-controller-manager,system:kube-controller-manager`,
      `${tokens.scheduler},system:kube-scheduler,system:kube-scheduler`,
    ].join('\n') + '\n', { mode: 0o600 });
    const serviceAccountKey = generateKeyPairSync('rsa', { modulusLength: 2048 });
    writeFileSync(join(pki, 'sa.key'), serviceAccountKey.privateKey.export({ type: 'pkcs1', format: 'pem' }), { mode: 0o600 });
    writeFileSync(join(pki, 'sa.pub'), serviceAccountKey.publicKey.export({ type: 'spki', format: 'pem' }));

    const start = (name: ControlPlaneBinary, args: string[]) => {
      const component = ComponentProcess.start(name, binaries[name], args, join(logDir, `${name}.log`));
      components.push(component);
      return component;
    };

    const etcd = start('etcd', [
      '--name=node0', `--data-dir=${join(dir, 'etcd')}`,
      `--listen-client-urls=http://127.0.0.1:${etcdPort}`, `--advertise-client-urls=http://127.0.0.1:${etcdPort}`,
      `--listen-peer-urls=http://127.0.0.1:${etcdPeerPort}`, `--initial-advertise-peer-urls=http://127.0.0.1:${etcdPeerPort}`,
      `--initial-cluster=node0=http://127.0.0.1:${etcdPeerPort}`, '--auto-compaction-retention=1',
      '--unsafe-no-fsync', '--quota-backend-bytes=4294967296',
    ]);
    await waitFor('etcd to serve', deadline, [etcd], async () => (await plainGet(`http://127.0.0.1:${etcdPort}/health`)).includes('"health":"true"'));

    // The API server makes its own serving certificate (for 127.0.0.1 and localhost) in --cert-dir; its file
    // holds the certificate and the authority that signed it.
    const apiserver = start('kube-apiserver', [
      `--etcd-servers=http://127.0.0.1:${etcdPort}`, '--etcd-prefix=/registry',
      '--bind-address=127.0.0.1', '--advertise-address=127.0.0.1', `--secure-port=${apiPort}`, `--cert-dir=${pki}`,
      `--token-auth-file=${join(pki, 'tokens.csv')}`, '--anonymous-auth=false', '--authorization-mode=Node,RBAC',
      `--service-account-key-file=${join(pki, 'sa.pub')}`, `--service-account-signing-key-file=${join(pki, 'sa.key')}`,
      '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
      `--service-cluster-ip-range=${SERVICE_CIDR}`, '--allow-privileged=true',
      '--enable-priority-and-fairness=false', featureGates,
    ]);
    const url = `https://127.0.0.1:${apiPort}`;
    const servingCert = join(pki, 'apiserver.crt');
    await waitFor('kube-apiserver to write its certificate', deadline, [etcd, apiserver], async () => existsSync(servingCert));
    const caPem = readFileSync(servingCert, 'utf8');
    const admin = new ControlPlaneApiClient(url, caPem, tokens.admin);
    await waitFor('kube-apiserver to be ready', deadline, [etcd, apiserver], async () => {
      const answer = await admin.call('GET', '/readyz', undefined, 2000).catch(() => undefined);
      return answer?.status === 200;
    });

    const kubeconfigFor = (user: string, userToken: string, path: string) => {
      const config = kubeconfigObject(url, caPem, user, userToken);
      writeFileSync(path, stringify(config), { mode: 0o600 });
      return config;
    };
    const controllerManagerConfig = join(pki, 'controller-manager.kubeconfig');
    const schedulerConfig = join(pki, 'scheduler.kubeconfig');
    const adminConfig = join(pki, 'admin.kubeconfig');
    kubeconfigFor('system:kube-controller-manager', tokens.controllerManager, controllerManagerConfig);
    kubeconfigFor('system:kube-scheduler', tokens.scheduler, schedulerConfig);
    kubeconfigFor('kube-admin', tokens.admin, adminConfig);
    const kubeconfigPath = options.kubeconfigPath ?? join(dir, 'kubeconfig');
    const kubeconfig = kubeconfigFor('kube-admin', tokens.admin, kubeconfigPath);

    const controllerManager = start('kube-controller-manager', [
      `--kubeconfig=${controllerManagerConfig}`, `--authentication-kubeconfig=${controllerManagerConfig}`,
      `--authorization-kubeconfig=${controllerManagerConfig}`, '--bind-address=127.0.0.1', '--secure-port=0',
      '--leader-elect=false', '--use-service-account-credentials=true', `--root-ca-file=${servingCert}`,
      `--service-account-private-key-file=${join(pki, 'sa.key')}`, `--service-cluster-ip-range=${SERVICE_CIDR}`,
      '--kube-api-qps=500', '--kube-api-burst=1000', '--concurrent-statefulset-syncs=10', featureGates,
    ]);
    const scheduler = start('kube-scheduler', [
      `--kubeconfig=${schedulerConfig}`, `--authentication-kubeconfig=${schedulerConfig}`,
      `--authorization-kubeconfig=${schedulerConfig}`, '--bind-address=127.0.0.1', '--secure-port=0',
      '--leader-elect=false', '--kube-api-qps=500', '--kube-api-burst=1000',
    ]);
    const kwokConfig = join(dir, 'kwok.yaml');
    writeFileSync(kwokConfig, kwokConfigYaml(options.pods));
    const kwok = start('kwok', [
      `--kubeconfig=${adminConfig}`, `--config=${kwokConfig}`, '--manage-all-nodes=true',
      '--node-lease-duration-seconds=40', '--server-address=127.0.0.1:0', '--cidr=10.244.0.1/16', '--node-ip=10.0.0.1',
      `--v=${process.env[KWOK_LOG_LEVEL_ENV] ?? 'INFO'}`,
    ]);
    const all = [etcd, apiserver, controllerManager, scheduler, kwok];

    let nodesAdded = 0;
    const addNode = async (name: string) => {
      await admin.expect('POST', '/api/v1/nodes', kwokNode(name, ++nodesAdded));
    };
    for (let index = 1; index <= nodeCount; index++) {
      await addNode(`node-${index}`);
    }
    await waitFor(`${nodeCount} nodes to be Ready`, deadline, all, async () => {
      const nodes = await admin.expect('GET', '/api/v1/nodes');
      return nodes.items.filter(isNodeReady).length >= nodeCount;
    });
    // The ServiceAccount admission plugin refuses pods until the namespace's `default` ServiceAccount exists.
    await waitFor('the default ServiceAccount', deadline, all, async () => (await admin.call('GET', '/api/v1/namespaces/default/serviceaccounts/default')).status === 200);
    binder = new VolumeBinder(admin);

    return {
      url,
      kubeconfigPath,
      kubeconfig,
      adminToken: tokens.admin,
      caPem,
      api: admin,
      kubectlPath: binaries.kubectl,
      logDir,
      addNode,
      stop,
    };
  } catch (error) {
    const logs = components.map((component) => `--- ${component.name} (${component.exit ?? 'running'}):\n${component.logTail(15)}`).join('\n');
    await stop();
    throw new Error(`startKubeCluster: ${(error as Error).message}\n${logs}`);
  }
}

function token(): string {
  return randomBytes(24).toString('hex');
}

/** A kubeconfig for one user of the cluster at `url`. */
function kubeconfigObject(url: string, caPem: string, user: string, userToken: string): Record<string, unknown> {
  return {
    'apiVersion': 'v1',
    'kind': 'Config',
    'clusters': [{ name: KUBE_CLUSTER_CONTEXT, cluster: { 'server': url, 'certificate-authority-data': Buffer.from(caPem).toString('base64') } }],
    'users': [{ name: user, user: { token: userToken } }],
    'contexts': [{ name: KUBE_CLUSTER_CONTEXT, context: { cluster: KUBE_CLUSTER_CONTEXT, user, namespace: 'default' } }],
    'current-context': KUBE_CLUSTER_CONTEXT,
    'preferences': {},
  };
}

/** A Node as kwok's own tooling registers one, labelled like the sandbox's nodes. */
function kwokNode(name: string, position: number): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      annotations: { 'node.alpha.kubernetes.io/ttl': '0', 'kwok.x-k8s.io/node': 'fake' },
      labels: { 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64', 'type': 'kwok' },
    },
    status: {
      capacity: { cpu: '4', memory: '8Gi', pods: '110' },
      allocatable: { cpu: '4', memory: '8Gi', pods: '110' },
      addresses: [
        { type: 'InternalIP', address: `10.0.${Math.floor(position / 250)}.${(position % 250) + 2}` },
        { type: 'Hostname', address: name },
      ],
    },
  };
}

function isNodeReady(node: any): boolean {
  return (node.status?.conditions ?? []).some((condition: any) => condition.type === 'Ready' && condition.status === 'True');
}

async function waitFor(what: string, deadline: number, components: ComponentProcess[], check: () => Promise<boolean>): Promise<void> {
  for (;;) {
    for (const component of components) {
      component.assertRunning();
    }
    if (await check().catch(() => false)) {
      return;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

async function plainGet(url: string): Promise<string> {
  const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
  return response.text();
}

/** `count` distinct free TCP ports on 127.0.0.1. */
async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(Array.from({ length: count }, () => new Promise<import('node:net').Server>((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server));
  })));
  const ports = servers.map((server) => (server.address() as import('node:net').AddressInfo).port);
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}
