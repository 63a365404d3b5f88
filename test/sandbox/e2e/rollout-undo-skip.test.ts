// `kubectl rollout undo ds|sts --to-revision=<current>` must be skipped, as on a cluster, for a manifest whose stored form
// differs from what was written (quantities canonicalized, omitempty fields dropped): kubectl byte-compares the
// revision's template with its own typed re-encoding of the live one.
import { useSeedReplay } from './seed-replay';
import { RESOURCES } from '../../../src/sandbox/api';

jest.setTimeout(60_000);

const replay = useSeedReplay({ nodes: 2 });

test('undo to the current revision is skipped; to an older one it rolls back, and --dry-run=server changes nothing', async () => {
  expect((await replay.session.run('kubectl apply -f agent-daemonset.yaml')).stdout).toBe('daemonset.apps/agent created\n');
  await replay.sandbox.advance(0);
  const stored = replay.sandbox.api.get(RESOURCES.daemonSets, 'default', 'agent')!.spec.template.spec;
  expect(stored.containers[0].resources.requests).toEqual({ cpu: '500m', memory: '1Gi' });
  expect(stored.containers[0].args).toBeUndefined();
  expect(stored.hostNetwork).toBeUndefined();

  const skipped = await replay.session.run('kubectl rollout undo ds/agent --to-revision=1');
  expect(skipped).toMatchObject({ code: 0, stdout: 'daemonset.apps/agent skipped rollback (current template already matches revision 1)\n' });

  expect((await replay.session.run('kubectl set image ds/agent agent=agent:2')).code).toBe(0);
  await replay.sandbox.advance(0);
  const skippedAgain = await replay.session.run('kubectl rollout undo ds/agent --to-revision=2');
  expect(skippedAgain.stdout).toBe('daemonset.apps/agent skipped rollback (current template already matches revision 2)\n');
  const dryRun = await replay.session.run('kubectl rollout undo ds/agent --to-revision=1 --dry-run=server');
  expect(dryRun).toMatchObject({ code: 0, stdout: 'daemonset.apps/agent rolled back (server dry run)\n' });
  expect(replay.sandbox.api.get(RESOURCES.daemonSets, 'default', 'agent')!.spec.template.spec.containers[0].image).toBe('agent:2');
  expect((await replay.session.run('kubectl rollout undo ds/agent --to-revision=1')).stdout).toBe('daemonset.apps/agent rolled back\n');
  expect(replay.sandbox.api.get(RESOURCES.daemonSets, 'default', 'agent')!.spec.template.spec.containers[0].image).toBe('agent:1');
});

test('the same holds for a StatefulSet: undo to the current revision is skipped', async () => {
  const manifest = {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'web' },
    spec: {
      serviceName: 'web',
      replicas: 1,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: { containers: [{ name: 'web', image: 'web:1', args: [], resources: { requests: { cpu: '0.25', memory: '512Mi' } } }] },
      },
    },
  };
  expect((await replay.session.run(`echo '${JSON.stringify(manifest)}' | kubectl apply -f -`)).stdout).toBe('statefulset.apps/web created\n');
  await replay.sandbox.advance(0);
  const skipped = await replay.session.run('kubectl rollout undo sts/web --to-revision=1');
  expect(skipped).toMatchObject({ code: 0, stdout: 'statefulset.apps/web skipped rollback (current template already matches revision 1)\n' });
});
