// A request the credentials may not make (403) is reported in one line: the API server's own message, which names the
// user, verb and resource, then where such a grant lives. Checked against a real API server's RBAC in
// test/cluster/runner-rbac.cluster.ts; here on the error alone.
import { CliContext } from '../../src/cli/cli-context';
import { ExitCode } from '../../src/cli/exit-codes';
import { ClusterError } from '../../src/runtime/cluster/cluster';

test('a 403 is one line naming the refusal and the grants that would allow it, with the API error exit code', () => {
  let stderr = '';
  const context = new CliContext({ stdout: () => undefined, stderr: (text) => { stderr += text; }, isTTY: false, env: {} });
  const message = 'daemonsets.apps "agent" is forbidden: User "system:serviceaccount:default:runner" cannot get resource "daemonsets" in API group "apps" in the namespace "default"';
  expect(context.report(new ClusterError(403, message, { reason: 'Forbidden' }))).toBe(ExitCode.API_ERROR);
  expect(stderr.endsWith('\n')).toBe(true);
  expect(stderr.trimEnd().split('\n')).toHaveLength(1);
  expect(stderr).toMatch(/^error: daemonsets\.apps "agent" is forbidden: User .*: the kubeconfig's user may not make this request; grant it \(.*allowUndo.*allowDaemonSetCanary.*promotionJob.*\) or use a context that may\n$/);
});
