// `-o json`: the report itself, keys sorted, so the output does not depend on the engine's construction order.
import { reversedKeys, rolledBackReport } from './render-fixtures';
import { rehearsalJson } from '../../src/rehearsal/render/rehearsal-json';

describe('rehearsalJson', () => {
  test('parses back to the report, one line', () => {
    const json = rehearsalJson(rolledBackReport);
    expect(json.endsWith('}\n')).toBe(true);
    expect(json.trimEnd()).not.toContain('\n');
    expect(JSON.parse(json)).toEqual(rolledBackReport);
  });

  test('keys are sorted at every level; arrays keep their order', () => {
    const json = rehearsalJson(rolledBackReport);
    expect(Object.keys(JSON.parse(json))).toEqual(['durationMs', 'failures', 'nodes', 'otherChanges', 'succeeded', 'warnings', 'workloads']);
    expect(json).toContain('{"budget":"kafka","desiredHealthy":2,"minHealthy":1,"violated":true}');
    expect(JSON.parse(json).workloads.map((w: { name: string }) => w.name)).toEqual(['kafka', 'node-exporter']);
  });

  test('the same report built in another key order gives the same bytes', () => {
    expect(rehearsalJson(reversedKeys(rolledBackReport))).toBe(rehearsalJson(rolledBackReport));
  });
});
