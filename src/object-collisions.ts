// Two constructs that produce the same object (same group, kind, namespace and name) would synthesize a manifest
// whose second copy silently replaces the first on apply: two ZooKeeper ensembles named `zk`, an ensemble and a
// Kafka cluster both named `x`, a NodeExporter named like an ensemble's client Service. The API server cannot see
// this (each object is valid), so the app checks it once at synth, over every chart.
import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';

const guardedRoots = new WeakSet<IConstruct>();

/** Makes synth fail when any two objects of the app that `scope` belongs to share group, kind, namespace and name. */
export function guardObjectCollisions(scope: IConstruct): void {
  const root = scope.node.root;
  if (guardedRoots.has(root)) {
    return;
  }
  guardedRoots.add(root);
  root.node.addValidation({ validate: () => objectCollisions(root) });
}

/** One message per object produced twice, naming both constructs. */
export function objectCollisions(root: IConstruct): string[] {
  const first = new Map<string, ApiObject>();
  const problems: string[] = [];
  for (const construct of root.node.findAll()) {
    if (!ApiObject.isApiObject(construct)) {
      continue;
    }
    const object = construct as ApiObject;
    const namespace = object.metadata.namespace;
    const identity = `${object.apiGroup}/${object.kind}/${namespace ?? ''}/${object.name}`;
    const earlier = first.get(identity);
    if (earlier === undefined) {
      first.set(identity, object);
      continue;
    }
    const where = namespace === undefined ? '' : ` in namespace "${namespace}"`;
    problems.push(`${object.kind} "${object.name}"${where} is produced by both ${earlier.node.path} and ${object.node.path}; `
      + 'the second would replace the first when applied: give one of the constructs another name');
  }
  return problems;
}
