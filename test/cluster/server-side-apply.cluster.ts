// Server-side apply, request by request, on the sandbox and on kube-apiserver: what an apply creates and who owns it,
// a field dropped from the configuration, a field another applier or updater owns (409 with the managers named), force,
// fields two appliers share, and the requests upstream refuses. managedFields are compared without their times.
import { request } from 'node:https';
import { differentialTest } from './differential';
import type { ScenarioCluster } from '../support/scenario-cluster';
import { statefulSetManifest } from '../support/workload-manifests';

const PATH = '/apis/apps/v1/namespaces/default/statefulsets/web';

interface Answer {
  readonly status: number;
  readonly body: any;
}

/** One PATCH to the cluster's API server, as the given content type. */
function patch(cluster: ScenarioCluster, query: string, body: unknown, contentType = 'application/apply-patch+yaml'): Promise<Answer> {
  const [url, ca] = cluster.sandbox ? [cluster.sandbox.url, cluster.sandbox.certificate] : [cluster.kube!.url, cluster.kube!.caPem];
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(`${url}${PATH}${query}`, {
      method: 'PATCH',
      ca,
      headers: { 'Authorization': `Bearer ${cluster.token}`, 'Content-Type': contentType, 'Accept': 'application/json', 'Content-Length': Buffer.byteLength(text) },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) }));
    });
    req.on('error', reject);
    req.end(text);
  });
}

// The entries of the main resource (the controllers' status writes are another test's), without times.
function owners(object: any): unknown[] {
  return (object.metadata.managedFields ?? []).filter((entry: any) => !entry.subresource)
    .map(({ time: _time, ...entry }: any) => entry);
}

// What an answer says: its code, and for a Status its reason, message and details; for an object its owners and the fields the test follows.
function summary(answer: Answer): Record<string, unknown> {
  if (answer.body.kind === 'Status') {
    // Upstream lists the causes of several managers in map order: compared sorted.
    const { reason, message, details } = answer.body;
    const causes = details?.causes && [...details.causes].sort((a: any, b: any) => a.field.localeCompare(b.field));
    return { status: answer.status, reason, message, details: details && { ...details, ...(causes ? { causes } : {}) } };
  }
  // The strategy's type and partition only: whether rollingUpdate.maxUnavailable is defaulted is a feature gate's.
  const { replicas, updateStrategy } = answer.body.spec;
  const partition = updateStrategy?.rollingUpdate?.partition;
  return { status: answer.status, replicas, strategy: updateStrategy?.type, partition, owners: owners(answer.body) };
}

const web = (spec: Record<string, unknown>) => {
  const manifest = statefulSetManifest('web', { replicas: 2, image: 'web:1' });
  return { ...manifest, spec: { ...manifest.spec, ...spec } };
};
const partitionOnly = (partition: number) => ({
  apiVersion: 'apps/v1',
  kind: 'StatefulSet',
  metadata: { name: 'web' },
  spec: { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition } } },
});

differentialTest('server-side apply: ownership, a dropped field, conflicts, force and shared fields, as kube-apiserver answers',
  { nodes: 1 }, async (cluster, trace) => {
    const staged = { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 2 } } };
    const created = await patch(cluster, '?fieldManager=gitops', web(staged));
    expect(created.status).toBe(201);
    expect(owners(created.body)).toEqual([expect.objectContaining({ manager: 'gitops', operation: 'Apply' })]);

    // The configuration no longer says partition: the field gitops alone owned goes, and so does the rollingUpdate
    // struct left with nothing anyone owns (defaulting adds one only when the type is empty).
    const dropped = await patch(cluster, '?fieldManager=gitops', web({ updateStrategy: { type: 'RollingUpdate' } }));
    expect(dropped.status).toBe(200);
    expect(dropped.body.spec.updateStrategy).toEqual(expect.objectContaining({ type: 'RollingUpdate' }));
    expect(dropped.body.spec.updateStrategy.rollingUpdate?.partition).toBeUndefined();

    // Another applier sets the partition nobody owns, and shares the strategy type it applies with the same value.
    const promoter = await patch(cluster, '?fieldManager=kubectl-stage', partitionOnly(1));
    expect(promoter.status).toBe(200);

    // gitops applies a partition again: the promoter owns it, so the apply is refused and names the owner.
    const conflict = await patch(cluster, '?fieldManager=gitops', web(staged));
    expect(conflict.status).toBe(409);
    expect(conflict.body.message).toBe('Apply failed with 1 conflict: conflict with "kubectl-stage": .spec.updateStrategy.rollingUpdate.partition');

    // An updater (a merge patch) takes replicas; then two managers conflict at once.
    const scaled = await patch(cluster, '?fieldManager=autoscaler', { spec: { replicas: 3 } }, 'application/merge-patch+json');
    expect(scaled.status).toBe(200);
    const twoConflicts = await patch(cluster, '?fieldManager=gitops', web(staged));
    expect(twoConflicts.status).toBe(409);

    // Re-applying what the others already hold is no conflict: equal values are shared.
    const shared = await patch(cluster, '?fieldManager=gitops', web({ replicas: 3, updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 1 } } }));
    expect(shared.status).toBe(200);

    // force takes both fields.
    const forced = await patch(cluster, '?fieldManager=gitops&force=true', web(staged));
    expect(forced.status).toBe(200);
    expect(forced.body.spec).toMatchObject({ replicas: 2, updateStrategy: { rollingUpdate: { partition: 2 } } });

    const refused = {
      noManager: await patch(cluster, '', partitionOnly(1)),
      forceOnMerge: await patch(cluster, '?fieldManager=x&force=true', { spec: { replicas: 2 } }, 'application/merge-patch+json'),
      wrongVersion: await patch(cluster, '?fieldManager=x', { ...partitionOnly(1), apiVersion: 'apps/v1beta1' }),
      managedFields: await patch(cluster, '?fieldManager=x', { ...partitionOnly(1), metadata: { name: 'web', managedFields: [] } }),
      otherName: await patch(cluster, '?fieldManager=x', { ...partitionOnly(2), metadata: { name: 'other' } }),
    };
    expect(refused.noManager.status).toBe(422);

    const snapshot = await cluster.waitFor('web settled', () => true);
    trace.record('applies', snapshot, {
      created: summary(created),
      dropped: summary(dropped),
      promoter: summary(promoter),
      conflict: summary(conflict),
      scaled: summary(scaled),
      twoConflicts: summary(twoConflicts),
      shared: summary(shared),
      forced: summary(forced),
      ...Object.fromEntries(Object.entries(refused).map(([key, answer]) => [key, summary(answer)])),
    });
  });
