import { StatefulSet } from 'kubernetes-models/apps/v1/StatefulSet';
import { Pod } from 'kubernetes-models/v1/Pod';
import { newStore, nodeExporterDaemonSet, pod, zookeeperStatefulSet } from './fixtures';
import { RESOURCES } from '../../../src/sandbox/api';
import { imagePullPolicyFor } from '../../../src/sandbox/defaulting';

describe('upstream defaulting', () => {
  test('StatefulSet: strategy, policy, history limit, retention policy, pod template and claim templates', () => {
    const { store } = newStore();
    const sts = store.create(RESOURCES.statefulSets, zookeeperStatefulSet({
      volumeClaimTemplates: [{ metadata: { name: 'datadir' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '10Gi' } } } }],
    }));
    expect(sts.spec).toMatchObject({
      podManagementPolicy: 'OrderedReady',
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
      persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
      revisionHistoryLimit: 10,
      replicas: 3,
    });
    expect(sts.spec.template.spec).toEqual({
      containers: [{
        name: 'kubernetes-zookeeper',
        image: 'registry.k8s.io/kubernetes-zookeeper:1.0-3.4.10',
        imagePullPolicy: 'IfNotPresent',
        ports: [{ containerPort: 2181, name: 'client', protocol: 'TCP' }],
        resources: {},
        terminationMessagePath: '/dev/termination-log',
        terminationMessagePolicy: 'File',
      }],
      dnsPolicy: 'ClusterFirst',
      restartPolicy: 'Always',
      schedulerName: 'default-scheduler',
      securityContext: {},
      terminationGracePeriodSeconds: 30,
    });
    expect(sts.spec.volumeClaimTemplates[0]).toMatchObject({
      apiVersion: 'v1', kind: 'PersistentVolumeClaim', spec: { volumeMode: 'Filesystem' }, status: { phase: 'Pending' },
    });
  });

  test('StatefulSet: an explicit OnDelete strategy gets no rollingUpdate and replicas default to 1', () => {
    const { store } = newStore();
    const spec = zookeeperStatefulSet({ updateStrategy: { type: 'OnDelete' } }).spec;
    delete spec.replicas;
    const sts = store.create(RESOURCES.statefulSets, { ...zookeeperStatefulSet(), spec });
    expect(sts.spec.updateStrategy).toEqual({ type: 'OnDelete' });
    expect(sts.spec.replicas).toBe(1);
  });

  test('DaemonSet: RollingUpdate with maxUnavailable 1 and maxSurge 0', () => {
    const { store } = newStore();
    const ds = store.create(RESOURCES.daemonSets, nodeExporterDaemonSet());
    expect(ds.spec.updateStrategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } });
    expect(ds.spec.revisionHistoryLimit).toBe(10);
    expect(ds.spec.template.spec.containers[0].imagePullPolicy).toBe('Always');
    expect(ds.status).toEqual({ currentNumberScheduled: 0, numberMisscheduled: 0, desiredNumberScheduled: 0, numberReady: 0 });
  });

  test.each([[undefined, 'Opaque'], ['', 'Opaque'], ['kubernetes.io/tls', 'kubernetes.io/tls']])('Secret: type %p is stored as %p', (type, stored) => {
    const { store } = newStore();
    const secret = store.create(RESOURCES.secrets, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, ...(type === undefined ? {} : { type }) });
    expect(secret.type).toBe(stored);
  });

  test('Pod: pod-only defaults, admission tolerations, Pending status with a QoS class', () => {
    const { store } = newStore();
    const created = store.create(RESOURCES.pods, pod('a'));
    expect(created.spec).toMatchObject({
      enableServiceLinks: true,
      serviceAccountName: 'default',
      serviceAccount: 'default',
      priority: 0,
      preemptionPolicy: 'PreemptLowerPriority',
      restartPolicy: 'Always',
      tolerations: [
        { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
        { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
      ],
    });
    expect(created.status).toEqual({ phase: 'Pending', qosClass: 'BestEffort' });
  });

  test('Service: ClusterIP allocation, port protocol and targetPort, headless stays None', () => {
    const { store } = newStore();
    const svc = store.create(RESOURCES.services, {
      apiVersion: 'v1', kind: 'Service', metadata: { name: 'zk-cs' }, spec: { selector: { app: 'zk' }, ports: [{ port: 2181, name: 'client' }] },
    });
    expect(svc.spec).toMatchObject({
      type: 'ClusterIP',
      sessionAffinity: 'None',
      ipFamilies: ['IPv4'],
      ipFamilyPolicy: 'SingleStack',
      internalTrafficPolicy: 'Cluster',
      ports: [{ port: 2181, name: 'client', protocol: 'TCP', targetPort: 2181 }],
    });
    expect(svc.spec.clusterIP).toMatch(/^10\.96\.\d+\.\d+$/);
    expect(svc.spec.clusterIPs).toEqual([svc.spec.clusterIP]);
    const headless = store.create(RESOURCES.services, {
      apiVersion: 'v1', kind: 'Service', metadata: { name: 'zk-hs' }, spec: { clusterIP: 'None', selector: { app: 'zk' }, ports: [{ port: 2888 }] },
    });
    expect(headless.spec.clusterIPs).toEqual(['None']);
  });

  test('containers: probes, downward-API env, volumes, and requests copied from limits (Guaranteed QoS)', () => {
    const { store } = newStore();
    const created = store.create(RESOURCES.pods, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'kafka-0' },
      spec: {
        containers: [{
          name: 'kafka',
          image: 'kafka:3.7',
          resources: { limits: { cpu: '1', memory: '1Gi' } },
          readinessProbe: { httpGet: { port: 8080 } },
          env: [{ name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }],
        }],
        volumes: [{ name: 'scratch' }, { name: 'config', configMap: { name: 'kafka' } }, { name: 'host', hostPath: { path: '/var' } }],
      },
    });
    const container = created.spec.containers[0];
    expect(container.resources.requests).toEqual({ cpu: '1', memory: '1Gi' });
    expect(container.readinessProbe).toEqual({
      httpGet: { port: 8080, path: '/', scheme: 'HTTP' }, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3,
    });
    expect(container.env[0].valueFrom.fieldRef).toEqual({ apiVersion: 'v1', fieldPath: 'metadata.name' });
    expect(created.spec.volumes).toEqual([
      { name: 'scratch', emptyDir: {} },
      { name: 'config', configMap: { name: 'kafka', defaultMode: 420 } },
      { name: 'host', hostPath: { path: '/var', type: '' } },
    ]);
    expect(created.status.qosClass).toBe('Guaranteed');
  });

  test('PodDisruptionBudget starts with a zero status', () => {
    const { store } = newStore();
    const pdb = store.create(RESOURCES.podDisruptionBudgets, {
      apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'zk-pdb' }, spec: { maxUnavailable: 1, selector: { matchLabels: { app: 'zk' } } },
    });
    expect(pdb.status).toEqual({ disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0 });
    expect(pdb.metadata.generation).toBe(1);
  });

  test.each([
    ['nginx', 'Always'],
    ['nginx:latest', 'Always'],
    ['nginx:1.25', 'IfNotPresent'],
    ['localhost:5000/nginx', 'Always'],
    ['localhost:5000/nginx:1.25', 'IfNotPresent'],
    ['nginx@sha256:abc', 'IfNotPresent'],
  ])('imagePullPolicy of %s is %s', (image, policy) => {
    expect(imagePullPolicyFor(image)).toBe(policy);
  });

  test('defaulting is idempotent: updating with the stored object changes nothing', () => {
    const { store } = newStore();
    const sts = store.create(RESOURCES.statefulSets, zookeeperStatefulSet());
    expect(store.update(RESOURCES.statefulSets, sts)).toEqual(sts);
  });
});

describe('defaulted objects are schema-valid', () => {
  test('StatefulSet, DaemonSet and Pod pass the kubernetes-models schemas', () => {
    // kubernetes-models validates against the upstream OpenAPI schemas, so a misspelled or mistyped defaulted field fails here.
    const { store } = newStore();
    const sts = store.create(RESOURCES.statefulSets, zookeeperStatefulSet({
      volumeClaimTemplates: [{ metadata: { name: 'datadir' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
    }));
    const created = store.create(RESOURCES.pods, pod('a'));
    expect(() => new StatefulSet(sts as any).validate()).not.toThrow();
    expect(() => new Pod(created as any).validate()).not.toThrow();
  });
});
