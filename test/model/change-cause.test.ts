import { ApiObject, Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { ChangeCause } from '../../src/change-cause';
import { Errors } from '../../src/validation-error';
import { thrownValidationError } from '../constructs/manifest';

describe('ChangeCause.apply', () => {
  test('annotates an ApiObject', () => {
    const chart = Testing.chart();
    const obj = new ApiObject(chart, 'cm', { apiVersion: 'v1', kind: 'ConfigMap' });
    ChangeCause.apply(obj, 'kafka 3.9.1: raise num.io.threads');
    expect(obj.toJson().metadata.annotations).toEqual({ 'kubernetes.io/change-cause': 'kafka 3.9.1: raise num.io.threads' });
  });

  test('annotates the workload object of a cdk8s-plus construct', () => {
    const chart = new Chart(Testing.app(), 'test');
    const deployment = new kplus.Deployment(chart, 'web', { containers: [{ image: 'nginx:1.27' }] });
    ChangeCause.apply(deployment, 'nginx 1.27');
    const manifest = Testing.synth(chart).find((o) => o.kind === 'Deployment');
    expect(manifest.metadata.annotations).toEqual({ 'kubernetes.io/change-cause': 'nginx 1.27' });
  });

  test('an empty text is a ValidationError attached to the workload', () => {
    const chart = Testing.chart();
    const obj = new ApiObject(chart, 'cm', { apiVersion: 'v1', kind: 'ConfigMap' });
    const error = thrownValidationError(() => ChangeCause.apply(obj, '  '));
    expect(error.message).toBe(`${obj.node.path}: text: "  " is not valid; describe the change, e.g. "kafka 3.9.1: raise num.io.threads"`);
    expect(Errors.constructPathOf(error)).toBe(obj.node.path);
  });
});
