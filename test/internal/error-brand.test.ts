// Two copies of the runtime's error classes, as two published bundles each carry: an error made by one copy is
// recognized by the other's `is()`, which `instanceof` cannot do.
import type * as ClusterModule from '../../src/runtime/cluster/cluster';
import type * as RuntimeErrorModule from '../../src/runtime/runtime-error';

function freshCopies(): { runtime: typeof RuntimeErrorModule; cluster: typeof ClusterModule } {
  let copies: { runtime: typeof RuntimeErrorModule; cluster: typeof ClusterModule } | undefined;
  jest.isolateModules(() => {
    /* eslint-disable @typescript-eslint/no-require-imports */
    copies = { runtime: require('../../src/runtime/runtime-error'), cluster: require('../../src/runtime/cluster/cluster') };
    /* eslint-enable @typescript-eslint/no-require-imports */
  });
  return copies!;
}

test('a RuntimeError made by another copy of the class is recognized, with its kind', () => {
  const [a, b] = [freshCopies(), freshCopies()];
  expect(a.runtime.RuntimeError).not.toBe(b.runtime.RuntimeError);
  const error = new a.runtime.RuntimeError('lock-held', 'statefulset/kafka is being promoted by alice/1');
  expect(error instanceof b.runtime.RuntimeError).toBe(false);
  expect(b.runtime.RuntimeError.is(error)).toBe(true);
  expect(b.runtime.RuntimeError.is(error, 'lock-held')).toBe(true);
  expect(b.runtime.RuntimeError.is(error, 'bad-input')).toBe(false);
});

test('a ClusterError made by another copy is recognized with its code; other errors are not', () => {
  const [a, b] = [freshCopies(), freshCopies()];
  const error = new a.cluster.ClusterError(409, 'the object has been modified');
  expect(b.cluster.ClusterError.is(error, 409)).toBe(true);
  expect(b.cluster.ClusterError.is(error, 404)).toBe(false);
  expect(b.cluster.ClusterError.is(new a.runtime.RuntimeError('api', 'x'))).toBe(false);
  expect(b.runtime.RuntimeError.is(new Error('plain'))).toBe(false);
  expect(b.runtime.RuntimeError.is({ kind: 'api', message: 'look-alike' })).toBe(false);
  expect(b.runtime.RuntimeError.is(undefined)).toBe(false);
});
