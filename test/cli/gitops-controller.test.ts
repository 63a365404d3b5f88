// The GitOps flow with kubectl-stage controller, played with the real kubectl against the sandbox: the synthesized
// manifest (PartitionOwner.PROMOTER, a soak declared) applied, the controller staging it, a new image applied and
// promoted by the controller on its own, the manifest re-applied mid-promotion (server-side, as Argo CD's
// ServerSideApply=true and Flux apply, and client-side, Argo CD's default) moving neither the partition nor the
// promotion, and the StatefulSet pinned again when it completes.
import { Duration } from 'cdk8s';
import { PartitionPlan } from '../../src/partition-plan';
import { RESOURCES } from '../../src/sandbox/api';
import { PartitionOwner, StatefulSetRollout } from '../../src/statefulset-rollout';
import { allOn, CliKit, startCliKit } from '../support/cli-kit';
import { runKubectlStage } from '../support/kubectl-stage-run';
import { kubectl } from '../support/sandbox-clients';
import { statefulSetManifest } from '../support/workload-manifests';

jest.setTimeout(60_000);

function manifest(image: string): string {
  const rollout = StatefulSetRollout.staged(PartitionPlan.canary(), { partitionOwner: PartitionOwner.PROMOTER, soak: Duration.seconds(60) });
  const sts = statefulSetManifest('kafka', { replicas: 3, image, spec: JSON.parse(JSON.stringify(rollout._toSpec(3))) });
  return JSON.stringify({ ...sts, metadata: { ...sts.metadata, annotations: rollout._annotations() } });
}

let cli: CliKit;
afterEach(() => cli?.sandbox.stop());

const live = () => cli.sandbox.api.get(RESOURCES.statefulSets, 'default', 'kafka')!;
const partition = () => live().spec.updateStrategy.rollingUpdate?.partition;
const state = () => live().metadata.annotations?.['staged-rollouts.io/state'];
const images = () => cli.pods('kafka').map((pod) => pod.spec?.containers?.[0]?.image);

describe.each([
  ['server-side', ['--server-side']],
  ['client-side', []],
])('kubectl-stage controller with %s apply', (_name, flags) => {
  test('stages the applied StatefulSet, promotes the next image on its own through a re-apply mid-soak, and pins it again', async () => {
    cli = await startCliKit();
    const apply = async (image: string) => {
      const result = await kubectl(cli.sandbox, ['apply', ...flags, '-f', '-'], manifest(image));
      expect(result).toMatchObject({ code: 0, stderr: '' });
      await cli.runUntil(() => live().status?.observedGeneration === live().metadata.generation);
    };
    await apply('kafka:1');
    await cli.runUntil(() => allOn(cli, 'kafka', 'kafka:1', 3));
    const stop = new AbortController();
    const controller = runKubectlStage(['controller', '--metrics-addr', '0'], { kubeconfig: cli.sandbox.kubeconfigPath, clock: cli.runtimeClock, signal: stop.signal });
    // The manifest leaves the partition out (the API server's default is 0): the controller pins it.
    await cli.runUntil(() => partition() === PartitionPlan.STAGED_PARTITION);

    await apply('kafka:2');
    await cli.runUntil(() => JSON.parse(state() ?? '{}').phase === 'soaking' && JSON.parse(state()!).step === 1, 600_000);
    const before = { partition: partition(), state: state() };
    expect(before.partition).toBe(2);
    await apply('kafka:2');
    expect({ partition: partition(), state: state() }).toEqual(before);
    expect(images()).toEqual(['kafka:1', 'kafka:1', 'kafka:2']);

    await cli.runUntil(() => JSON.parse(state()!).phase === 'complete' && partition() === PartitionPlan.STAGED_PARTITION, 600_000);
    expect(allOn(cli, 'kafka', 'kafka:2', 3)).toBe(true);
    // The soak the construct declared was kept after each step.
    expect(JSON.parse(state()!).gates.filter((record: { gate: string }) => record.gate === 'soak')).toHaveLength(2);
    stop.abort();
    await cli.runUntil(controller);
    expect((await controller).code).toBe(0);
  });
});
