import { App, Chart, Yaml } from 'cdk8s';

/**
 * The YAML a cdk8s App or Chart synthesizes (what `cdk8s synth` writes), for `rehearse()`'s `from` and `to`: every
 * chart of an App, or the one Chart, as one multi-document text.
 */
export function synthYaml(scope: App | Chart): string {
  return scope instanceof App ? scope.synthYaml() : Yaml.stringify(...scope.toJson());
}
