import { RuntimeError } from '../../src/runtime/runtime-error';

test('RuntimeError carries its kind and is recognised by RuntimeError.is', () => {
  const error = new RuntimeError('lock-held', 'lease statefulset/kafka is held by ci-runner-7');
  expect(error).toBeInstanceOf(Error);
  expect(error.name).toBe('RuntimeError');
  expect(error.kind).toBe('lock-held');
  expect(error.message).toBe('lease statefulset/kafka is held by ci-runner-7');
  expect(RuntimeError.is(error)).toBe(true);
  expect(RuntimeError.is(error, 'lock-held')).toBe(true);
  expect(RuntimeError.is(error, 'bad-input')).toBe(false);
  expect(RuntimeError.is(new Error('x'))).toBe(false);
});
