// Test helpers shared by the construct tests: synthesize a chart, validate every object against the
// Kubernetes 1.28 schema (kubernetes-models) or, for the Prometheus operator's objects, the openAPIV3Schema of
// their CRDs (@kubernetes-models/prometheus-operator) and, for cert-manager's Certificate, its CRD's schema committed
// under fixtures/ (crd-schema.ts), and look objects up by kind and name.
import { Chart, Testing } from 'cdk8s';
import { IConstruct } from 'constructs';
import { crdModel } from './crd-schema';
import { Errors, ValidationError } from '../../src/validation-error';
// kubernetes-models is CommonJS without a single entry type for every kind; require keeps the lookup table small.
/* eslint-disable @typescript-eslint/no-require-imports */
const MODELS: Record<string, new (data: unknown) => { validate(): void }> = {
  StatefulSet: require('kubernetes-models/apps/v1').StatefulSet,
  DaemonSet: require('kubernetes-models/apps/v1').DaemonSet,
  Service: require('kubernetes-models/v1').Service,
  PodDisruptionBudget: require('kubernetes-models/policy/v1').PodDisruptionBudget,
  PodMonitor: require('@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1').PodMonitor,
  ServiceMonitor: require('@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1').ServiceMonitor,
  ConfigMap: require('kubernetes-models/v1').ConfigMap,
  Certificate: crdModel('cert-manager-certificate-v1.schema.yaml'),
};
/* eslint-enable @typescript-eslint/no-require-imports */

/** A synthesized Kubernetes object (loosely typed: tests read arbitrary paths). */
export type Manifest = Record<string, any>;

/** A fresh chart in a testing app, in `namespace` when given. */
export function testChart(namespace?: string): Chart {
  return new Chart(Testing.app(), 'test', { namespace });
}

/** Validates every object against the 1.28 schema; throws on an unknown kind so nothing goes unchecked. */
export function validateAll(objects: Manifest[]): void {
  for (const object of objects) {
    const Model = MODELS[object.kind];
    if (!Model) {
      throw new Error(`no schema model for kind ${object.kind}`);
    }
    new Model(object).validate();
  }
}

/** Synthesizes the chart and validates every object. */
export function synthValid(chart: Chart): Manifest[] {
  const objects = Testing.synth(chart) as Manifest[];
  validateAll(objects);
  return objects;
}

/** The single object of `kind` named `name`. */
export function find(objects: Manifest[], kind: string, name: string): Manifest {
  const matches = objects.filter((object) => object.kind === kind && object.metadata?.name === name);
  if (matches.length !== 1) {
    throw new Error(`expected one ${kind} named ${name}, found ${matches.length}`);
  }
  return matches[0];
}

/** Whether every matchLabels entry of `selector` is among `labels`. */
export function selects(selector: Record<string, string>, labels: Record<string, string>): boolean {
  return Object.keys(selector).length > 0 && Object.entries(selector).every(([key, value]) => labels[key] === value);
}

/** The ValidationError `act` throws; fails the test when it throws nothing or any other error. */
export function thrownValidationError(act: () => unknown): ValidationError {
  try {
    act();
  } catch (error) {
    expect(Errors.isValidationError(error) ? 'ValidationError' : error).toBe('ValidationError');
    return error as ValidationError;
  }
  throw new Error('expected a ValidationError, but nothing was thrown');
}

/** The validation errors of a construct tree (what synth would report), flattened. */
export function validationErrors(root: IConstruct): string[] {
  return root.node.findAll().flatMap((construct) => construct.node.validate());
}
