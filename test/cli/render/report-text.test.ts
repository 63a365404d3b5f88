import { LiveView } from '../../../src/cli/render/live-view';
import { renderReport } from '../../../src/cli/render/report-text';
import { statefulSetReport } from '../../../src/runtime/rollout/rollout-report';
import { NOW, pod, statefulSet } from '../../runtime/kube-fixtures';

describe('renderReport', () => {
  test('message, position, pods by revision with their problems, blocking pods, and kubectl\'s verdict', () => {
    const sts = statefulSet({ partition: 2 });
    const report = statefulSetReport({ ...sts, metadata: { ...sts.metadata, annotations: { 'staged-rollouts.io/plan': 'canary' } } }, [
      pod({ name: 'web-0', revision: 'web-old', readyForSeconds: 60 }),
      pod({ name: 'web-1', revision: 'web-old', readyForSeconds: 60 }),
      pod({ name: 'web-2', revision: 'web-new', waiting: { reason: 'CrashLoopBackOff', message: 'back-off 10s' } }),
    ], NOW);
    expect(renderReport(report)).toBe([
      'statefulset/web: rolling (step 1 of 2): 1 of 3 pods on revision web-new; waiting for web-2 (not Ready (CrashLoopBackOff - back-off 10s))',
      '  plan canary, step 1 of 2, partition 2',
      '  REVISION  ROLE     PODS',
      '  web-new   update   web-2 (CrashLoopBackOff - back-off 10s)',
      '  web-old   current  web-0, web-1',
      '  waiting for web-2: not Ready (CrashLoopBackOff - back-off 10s)',
      '  kubectl rollout status would say: Waiting for partitioned roll out to finish: 0 out of 1 new pods have been updated...',
      '',
    ].join('\n'));
  });
});

test('a trapped StatefulSet gets the trap and the kubectl command that gets it out', () => {
  const sts = statefulSet({ partition: 0, currentRevision: 'web-old', updateRevision: 'web-old' });
  const text = renderReport(statefulSetReport(sts, [
    pod({ name: 'web-0', revision: 'web-old', readyForSeconds: 60 }),
    pod({ name: 'web-1', revision: 'web-old', readyForSeconds: 60 }),
    pod({ name: 'web-2', revision: 'web-bad' }),
  ], NOW));
  expect(text).toContain('\n  stuck: statefulset/web is in the forced-rollback trap (kubernetes/kubernetes#67250): ');
  expect(text).toContain('\n  to get out: kubectl delete pod web-2 -n default\n');
});

describe('LiveView', () => {
  test('moves up over the previous frame and clears it before drawing the next', () => {
    const written: string[] = [];
    const view = new LiveView((text) => written.push(text));
    view.draw('a\nb\n');
    view.draw('c\n');
    view.draw('d\n');
    expect(written).toEqual(['a\nb\n', '\u001b[2F\u001b[Jc\n', '\u001b[1F\u001b[Jd\n']);
  });
});
