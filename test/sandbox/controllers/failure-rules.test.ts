import { KubeObject } from '../../../src/sandbox/api';
import {
  containerFailure,
  CONTAINER_FAILURE_ENV,
  imageTag,
  invalidFailureSetting,
  POD_FAILURE_ANNOTATION,
  PodFailureMode,
} from '../../../src/sandbox/controllers/kubelet/failure-rules';

function pod(annotations?: Record<string, string>): KubeObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web-0', namespace: 'default', ...(annotations ? { annotations } : {}) } };
}

describe('imageTag', () => {
  test.each([
    ['prom/node-exporter:bad', 'bad'],
    ['registry:5000/app', ''],
    ['registry:5000/app:v1', 'v1'],
    ['app:v1@sha256:abc', 'v1'],
    ['nginx', ''],
  ])('%s -> %j', (image, tag) => {
    expect(imageTag(image)).toBe(tag);
  });
});

describe('containerFailure', () => {
  test('the seed\'s `bad` tag cannot be pulled', () => {
    expect(containerFailure(pod(), { name: 'c', image: 'prom/node-exporter:bad' }, [])?.mode).toBe(PodFailureMode.IMAGE_PULL);
    expect(containerFailure(pod(), { name: 'c', image: 'prom/node-exporter:v0.14.0' }, [])).toBeUndefined();
  });

  test('a user rule on the image wins over everything else', () => {
    const rules = [{ mode: PodFailureMode.CRASH_LOOP, image: /:broken$/, exitCode: 2 }];
    const failure = containerFailure(pod(), { name: 'c', image: 'app:broken' }, rules);
    expect(failure).toEqual(expect.objectContaining({ mode: PodFailureMode.CRASH_LOOP, exitCode: 2 }));
  });

  test('a rule on the node and the labels selects only the pods of one revision on that node', () => {
    const rules = [{ mode: PodFailureMode.CRASH_LOOP, nodeName: 'node-2', labels: { 'controller-revision-hash': 'web-new' } }];
    const onNode = (nodeName: string, revision: string): KubeObject => ({
      ...pod(), metadata: { ...pod().metadata, labels: { 'app': 'web', 'controller-revision-hash': revision } }, spec: { nodeName },
    });
    expect(containerFailure(onNode('node-2', 'web-new'), { name: 'c', image: 'app:1' }, rules)?.mode).toBe(PodFailureMode.CRASH_LOOP);
    expect(containerFailure(onNode('node-2', 'web-old'), { name: 'c', image: 'app:1' }, rules)).toBeUndefined();
    expect(containerFailure(onNode('node-1', 'web-new'), { name: 'c', image: 'app:1' }, rules)).toBeUndefined();
  });

  test('the pod annotation and the container env var request a mode', () => {
    expect(containerFailure(pod({ [POD_FAILURE_ANNOTATION]: 'NeverReady' }), { name: 'c', image: 'app:1' }, [])?.mode)
      .toBe(PodFailureMode.NEVER_READY);
    const env = [{ name: CONTAINER_FAILURE_ENV, value: 'CrashLoop' }];
    expect(containerFailure(pod(), { name: 'c', image: 'app:1', env }, [])?.mode).toBe(PodFailureMode.CRASH_LOOP);
  });

  test('an unknown mode is reported with the valid ones and otherwise ignored', () => {
    const annotated = pod({ [POD_FAILURE_ANNOTATION]: 'Explode' });
    expect(containerFailure(annotated, { name: 'c', image: 'app:1' }, [])).toBeUndefined();
    expect(invalidFailureSetting(annotated, { name: 'c' })).toBe(
      `annotation ${POD_FAILURE_ANNOTATION}: "Explode" is not a failure mode (expected one of ImagePull, CrashLoop, NeverReady, FlappingReadiness); the container runs normally`,
    );
  });
});
